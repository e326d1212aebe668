/**
 * protocol.md §7 reference exchanges, byte for byte at the model level (virtual time).
 */
import { describe, expect, it } from 'vitest';
import { CHARGE_990, checkInvariants, exchange, machine, repliesSince } from './helpers.js';

describe('§7 reference exchanges', () => {
  it('1. express sale 9.90 € paid with 20 €: #WR:LEVEL#2000#1010#0#0#, change 10 € + 10 c', () => {
    const m = machine();
    const start = m.outputs.length;
    m.frame(1, CHARGE_990);
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([]); // blocking: nothing until the customer pays
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[1, '#WR:LEVEL#2000#1010#0#0#']]);
    const v = m.view();
    expect(v.inventory.recyclers['2000']).toBe(9);
    expect(v.inventory.recyclers['1000']).toBe(5);
    expect(v.inventory.recyclers['10']).toBe(49);
    expect(v.levels['1000']).toBe('near-empty');
    expect(v.ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('1b. the same sale answers #0#… when no denomination is near a level threshold', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#2000#1010#0#0#');
  });

  it('2. express sale cancelled on screen, then retried: #WR:CANCEL#0#0#0#0#, then #WR:LEVEL#500#140#0#0#', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    const charge360 = '#C#1#1#360#1#15360#0#0#0#1#0#0#';
    m.frame(1, charge360);
    m.advance(7000);
    m.send({ type: 'customer', cancel: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:CANCEL#0#0#0#0#');
    m.frame(1, charge360);
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#500#140#0#0#');
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('3. backoffice session: #G#… blocks until the operator closes it, then #0#before#after#inserted#withdrawn#notDispensed#consolidated#', () => {
    const m = machine();
    const before = m.view().totals.recyclers + m.view().totals.stacker;
    const start = m.outputs.length;
    m.frame(1, '#G#1#1#1#1#1#1#1#1#1#0#1#1#1#');
    m.advance(96_000);
    expect(repliesSince(m, start)).toEqual([]);
    expect(m.view().operation).toMatchObject({ command: 'G', waitingFor: 'operator' });
    m.send({ type: 'customer', insert: [500, 200, 200, 50, 10, 5] });
    m.runUntilIdle();
    m.send({ type: 'operator', close: true });
    expect(repliesSince(m, start)).toEqual([[1, `#0#${before}#${before + 965}#965#0#0#0#`]]);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('4. no-screen sale 9.90 € paid with 20 €: #B#, #Q# polls, #J#, #P#1010#', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#B#0#0#0#')).toEqual(['#0#']);
    expect(exchange(m, '#Q#')).toEqual(['#0#0#']);
    m.send({ type: 'customer', insert: [2000] });
    m.advance(100);
    expect(exchange(m, '#Q#')).toEqual(['#0#0#']); // the note is still in the validator
    m.runUntilIdle();
    expect(exchange(m, '#Q#')).toEqual(['#0#2000#']);
    expect(exchange(m, '#J#')).toEqual(['#0#2000#']);
    expect(exchange(m, '#P#1010#0#0#0#')).toEqual(['#0#1010#0#']);
    expect(m.view().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('5. no-screen cancel after 5 € inserted: #J# → #0#500#, #P#500# → #0#500#0#', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(exchange(m, '#J#')).toEqual(['#0#500#']);
    expect(exchange(m, '#P#500#0#0#0#')).toEqual(['#0#500#0#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('6. refill: #A#2# → #0#, #Q# → #0#1000#, #J# → #0#1000#', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#A#2#')).toEqual(['#0#']);
    m.send({ type: 'customer', insert: [1000] });
    m.runUntilIdle();
    expect(exchange(m, '#Q#')).toEqual(['#0#1000#']);
    expect(exchange(m, '#J#')).toEqual(['#0#1000#']);
    expect(m.view().inventory.recyclers['1000']).toBe(21);
  });

  it('7. start-up: cold #I# takes several seconds, a second #I# is fast; #Y#, #T#, #E#', () => {
    const m = machine({ init: false });
    m.frame(1, '#I#');
    expect(m.pendingTimers()).toEqual([{ id: 'op', atMs: 8000 }]);
    m.advance(7999);
    expect(m.replies(1)).toEqual([]);
    m.advance(1);
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    m.frame(1, '#I#');
    expect(m.pendingTimers()[0]?.atMs).toBe(8000 + 400);
    m.runUntilIdle();
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
    expect(exchange(m, '#Y#')).toEqual([
      '#0#1:50,2:50,5:50,10:50,20:50,50:40,100:40,200:30;500:10,1000:6,2000:8,5000:0,10000:0,20000:0,50000:0#1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:0;500:0,1000:0,2000:0,5000:2,10000:0,20000:0,50000:0#',
    ]);
    expect(exchange(m, '#E#')).toEqual(['#0#']);
    expect(exchange(m, '#T#')).toEqual(['#ER:ILLEGAL#']);
  });

  it('8. recovery sequence: #?#, #!#, #Z#, #I#, #?#, #T#, #Y#', () => {
    const m = machine();
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(exchange(m, '#!#')).toEqual(['#0#']);
    expect(exchange(m, '#Z#')).toEqual(['#0#']);
    expect(exchange(m, '#?#')).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
    expect(exchange(m, '#Y#')[0]).toMatch(/^#0#1:50,/);
  });

  it('9. BUSY at start (an acceptance left open): #I# → #ER:BUSY#, #Z# → #0#, #I# → #0#2.01#', () => {
    const m = machine({ conns: [1, 2] });
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'disconnect', conn: 1 });
    expect(exchange(m, '#I#', 2)).toEqual(['#ER:BUSY#']);
    expect(exchange(m, '#Z#', 2)).toEqual(['#0#']);
    expect(exchange(m, '#I#', 2)).toEqual(['#0#2.01#']);
  });
});

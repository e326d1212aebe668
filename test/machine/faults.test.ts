/**
 * Domain effects of faults: real faults armed in the machine's own fault book (the decisions
 * of the book are covered in test/faults/book.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { faultStatuses } from '../../src/faults/book.js';
import { CHARGE_990, checkInvariants, exchange, machine, repliesSince } from './helpers.js';

describe('faults: consultation points', () => {
  it('consults the command and progress points, and emits a fault event for each firing', () => {
    const m = machine({
      arm: [
        { type: 'device-error', code: 1315, on: { command: 'C' } },
        { type: 'device-error', code: 1452, on: { command: 'C', after: '0%' } },
        { type: 'device-error', code: 1556, on: { command: 'C', after: '50%' } },
      ],
    });
    const from = m.outputs.length;
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    const faults = m.outputs.slice(from).flatMap((o) => (o.type === 'event' && o.kind === 'fault' ? [`${o.fault}:${o.text}`] : []));
    expect(faults).toEqual([
      'f1:raised device error 1315 on the charge (#C#)',
      'f2:raised device error 1452 at 0 % of the charge (#C#)',
      'f3:raised device error 1556 at 99 % of the charge (#C#)', // the last piece of change: 10 of 1010 cents still due
    ]);
    expect(faultStatuses(m.state.faults!).map((f) => f.fired)).toEqual([1, 1, 1]);
  });

  it('transport faults never reach the model: no reply is shaped, no connection refused', () => {
    const m = machine({ arm: [{ type: 'stale-reply' }, { type: 'refuse' }] });
    const out = [...m.frame(1, '#T#'), ...m.send({ type: 'connect', conn: 5 })];
    expect(out.find((o) => o.type === 'reply')).toEqual({ type: 'reply', conn: 1, command: 'T', frame: '#0#40900#10000#' });
    expect(out.some((o) => o.type === 'close' || (o.type === 'event' && o.kind === 'fault'))).toBe(false);
  });
});

describe('faults: domain effects', () => {
  it('note-jam during a charge: #ER:GENERIC# with what went in, 1187 in #?#, cash commands fail until cleared', () => {
    const m = machine({ arm: [{ type: 'note-jam', denomination: 2000 }] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [500, 2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#500#0#0#0#');
    expect(exchange(m, '#?#')).toEqual(['#0#1187#']);
    expect(exchange(m, '#GC#')[0]).toContain('2000:31');
    expect(exchange(m, CHARGE_990)).toEqual(['#ER:GENERIC#0#0#0#0#']);
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#ER:GENERIC#0#0#']);
    expect(exchange(m, '#T#')[0]).toMatch(/^#0#/);
    m.send({ type: 'clear-errors' });
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#0#100#0#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('coin-jam while paying change: the change stops, the reply says what came out; `for` clears it by itself', () => {
    const m = machine({ arm: [{ type: 'coin-jam', for: '5s', during: 'dispense' }] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntil(() => m.replies(1).length > 1);
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#2000#1000#0#0#');
    expect(exchange(m, '#?#')).toEqual(['#0#1751#']);
    m.runUntilIdle();
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('note-jam in a #B# acceptance: #Q#/#J# answer #ER:GENERIC# with the amount taken', () => {
    const m = machine({ arm: [{ type: 'note-jam' }] });
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [200, 1000] });
    m.runUntilIdle();
    expect(exchange(m, '#Q#')).toEqual(['#ER:GENERIC#200#']);
    expect(() => m.send({ type: 'customer', insert: [500] })).toThrow(/not taking cash/);
    expect(exchange(m, '#J#')).toEqual(['#ER:GENERIC#200#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('partial-dispense {short}: #P# comes out short and says exactly what came out (§13.11)', () => {
    const m = machine({ arm: [{ type: 'partial-dispense', short: 500 }] });
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#P#1510#0#0#0#')).toEqual(['#ER:GENERIC#1010#0#']);
    expect(m.view().ledger.dispensed).toBe(1010);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('busy: the command gets #ER:BUSY#, the next one goes through', () => {
    const m = machine({ arm: [{ type: 'busy' }] });
    expect(exchange(m, '#T#')).toEqual(['#ER:BUSY#']);
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
  });

  it('restart: #ER:ILLEGAL# for everything until #I#; the in-flight charge reply is lost, its money accounted (§13.18)', () => {
    const m = machine({ arm: [{ type: 'restart', on: { command: 'Q' } }], conns: [1, 2] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.advance(1600); // the note is in, the change not yet out
    const start = m.outputs.length;
    m.frame(2, '#Q#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[2, '#ER:ILLEGAL#']]);
    for (const frame of ['#T#', '#Z#', '#!#', '#?#']) expect(exchange(m, frame), frame).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
    expect(m.view().ledger).toMatchObject({ inserted: 2000 });
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('power-off: cash commands and #I# fail with #ER:GENERIC#, #?# reports 1075, until power returns', () => {
    const m = machine({ arm: [{ type: 'power-off', for: '10s' }] });
    // frame() without running timers: the power comes back only when the 10 s have passed.
    m.frame(1, '#T#');
    m.frame(1, '#I#');
    m.frame(1, '#?#');
    expect(m.replies(1).slice(-3)).toEqual(['#ER:GENERIC#', '#ER:GENERIC#', '#0#1075#']);
    m.advance(9_999);
    expect(m.view().errors).toEqual([1075]);
    m.advance(1);
    expect(m.view().errors).toEqual([]);
    expect(exchange(m, '#?#')).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
  });

  it('door-open: 1130 (coin door by default), money commands refused, queries answered', () => {
    const m = machine({ arm: [{ type: 'door-open' }, { type: 'door-open', door: 'note' }] });
    expect(exchange(m, '#B#0#0#0#')).toEqual(['#ER:GENERIC#']);
    expect(exchange(m, '#?#')).toEqual(['#0#1130,1131#']);
  });

  it('device-error: a warning code does not block, an error code does', () => {
    const m = machine({ arm: [{ type: 'device-error', code: 1315 }] });
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#0#100#0#']);
    expect(exchange(m, '#?#')).toEqual(['#0#1315#']);
    const n = machine({ arm: [{ type: 'device-error', code: 1110 + 9000 }] });
    expect(exchange(n, '#P#100#0#0#0#')).toEqual(['#ER:GENERIC#0#0#']);
  });

  it('stacker-full: notes bound for the stacker are refused until #S#', () => {
    const m = machine({ arm: [{ type: 'stacker-full' }] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [5000] });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ inserted: 0 });
    m.send({ type: 'customer', cancel: true });
    m.runUntilIdle();
    expect(exchange(m, '#GC#')[0]).toContain('STACKER:21');
    m.frame(1, '#S#2#');
    m.send({ type: 'operator', close: true });
    expect(exchange(m, '#?#')).toEqual(['#0##']);
  });
});

describe('faults: partial dispense precision', () => {
  it('comes out exactly `short` less when the stock allows it', () => {
    const m = machine({ arm: [{ type: 'partial-dispense', short: 500 }] });
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#P#1010#0#0#0#')).toEqual(['#ER:GENERIC#510#0#']);
  });

  it('#V# with notes to the stacker: the coins paid out come out `short` less, and the event says by how much', () => {
    const m = machine({ arm: [{ type: 'partial-dispense', short: 50 }] });
    const coins = m.state.profile.coins.reduce((total, d) => total + d.value * (m.state.recyclers[String(d.value)] ?? 0), 0);
    exchange(m, '#V#0#1#');
    expect(m.view().ledger.dispensed).toBe(coins - 50);
    expect(m.replies(1).at(-1)).toMatch(/^#ER:GENERIC#/);
    expect(m.outputs.flatMap((o) => (o.type === 'event' && o.text.includes('short by') ? [o.text] : []))).toEqual(['dispense comes out short by 0.50 € (0.50 € asked)']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('during the change of a #C#: #ER:GENERIC#<inserted>#<returned># with returned short', () => {
    const m = machine({ arm: [{ type: 'partial-dispense', short: 10 }] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#2000#1000#0#0#');
    expect(checkInvariants(m.state)).toEqual([]);
  });
});

/**
 * Issue 12: replies a real client reads the documented way (protocol.md §5.10, §5.13, §5.26,
 * §6.2), each with the dialect option that restores the other reading.
 */
import { describe, expect, it } from 'vitest';
import { CHARGE_990, checkInvariants, exchange, machine, repliesSince } from './helpers.js';

const ZERO_COINS = '1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:0';
const notes = (moved: Record<number, number>) => [500, 1000, 2000, 5000, 10000, 20000, 50000].map((v) => `${v}:${moved[v] ?? 0}`).join(',');

describe('1. #!# during a blocking command (§5.26)', () => {
  it('default (idle): the cancelled #S#2# answers #WR:CANCEL#0# and #!# adds nothing', () => {
    const m = machine();
    m.frame(1, '#S#2#');
    const start = m.outputs.length;
    m.frame(1, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[1, '#WR:CANCEL#0#']]);
  });

  it('default (idle): #!# with nothing to cancel, or during an #I# it cannot stop, answers #0#', () => {
    const m = machine();
    expect(exchange(m, '#!#')).toEqual(['#0#']);
    m.frame(1, '#Z#');
    m.frame(1, '#I#');
    const start = m.outputs.length;
    m.frame(1, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([
      [1, '#0#'],
      [1, '#0#2.01#'],
    ]);
  });

  it('cancelReply ack restores the separate #0# after the cancelled reply, from another connection too', () => {
    const m = machine({ conns: [1, 2], dialect: { cancelReply: 'ack' } });
    m.frame(1, CHARGE_990);
    const start = m.outputs.length;
    m.frame(2, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([
      [1, '#WR:CANCEL#0#0#0#0#'],
      [2, '#0#'],
    ]);
  });
});

describe('2. #U2# WR:LEVEL means a denomination was short (§5.10)', () => {
  it('a full #U2# that leaves the 20 € recycler near empty answers 0; #U# answers WR:LEVEL for the same', () => {
    const m = machine();
    expect(exchange(m, '#U2#;2000:5#0#0#0#')).toEqual([`#0#${ZERO_COINS};${notes({ 2000: 5 })}#`]);
    expect(m.view().levels['2000']).toBe('near-empty');
    expect(exchange(m, '#U#;2000:1#0#0#0#')).toEqual([`#WR:LEVEL#${ZERO_COINS};${notes({ 2000: 1 })}#`]);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('a short #U2# answers WR:LEVEL with the counts actually paid', () => {
    const m = machine();
    expect(exchange(m, '#U2#;2000:10#0#0#0#')).toEqual([`#WR:LEVEL#${ZERO_COINS};${notes({ 2000: 8 })}#`]);
    expect(m.view().ledger.dispensed).toBe(16000);
  });

  it('u2Level level: a plain level warning answers WR:LEVEL as on #U#', () => {
    const m = machine({ dialect: { u2Level: 'level' } });
    expect(exchange(m, '#U2#;2000:5#0#0#0#')).toEqual([`#WR:LEVEL#${ZERO_COINS};${notes({ 2000: 5 })}#`]);
  });
});

describe('3. #V2# denominations as S-HIT writes them (§5.13)', () => {
  it('plain values, values with ";", and value:count pairs select what is emptied', () => {
    for (const [list, cents, left] of [
      ['50,100,200', 40 * 50 + 40 * 100 + 30 * 200, '500'],
      ['50,100;500', 40 * 50 + 40 * 100 + 10 * 500, '200'],
      ['200:3;500:1', 30 * 200 + 10 * 500, '50'],
    ] as const) {
      const m = machine();
      expect(exchange(m, `#V2#2##${list}#1#`), list).toEqual([`#0#${cents}#`]);
      expect(m.view().inventory.recyclers[left], list).toBeGreaterThan(0);
      expect(checkInvariants(m.state)).toEqual([]);
    }
  });

  it('a value the machine does not have, or an entry that is not a value, is #ER:BAD_DATA#', () => {
    const m = machine();
    expect(exchange(m, '#V2#2##50,300#1#')).toEqual(['#ER:BAD_DATA#']);
    expect(exchange(m, '#V2#2##50,x#1#')).toEqual(['#ER:BAD_DATA#']);
    expect(m.view().ledger.dispensed).toBe(0);
  });
});

describe('4. a denomination list without ";" (§6.2)', () => {
  it('is read by value by default: coin-only #U2#200:5#…', () => {
    const m = machine();
    expect(exchange(m, '#U2#200:5#0#0#0#')).toEqual([`#0#1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:5;${notes({})}#`]);
    expect(exchange(m, '#U#50:1,2000:1#0#0#0#')).toEqual([`#0#1:0,2:0,5:0,10:0,20:0,50:1,100:0,200:0;${notes({ 2000: 1 })}#`]);
  });

  it('the strict dialect refuses it; a coin listed as a note stays refused', () => {
    expect(exchange(machine({ dialect: { strictParameters: true } }), '#U2#200:5#0#0#0#')).toEqual(['#ER:BAD_DATA#']);
    expect(exchange(machine(), '#U2#;200:5#0#0#0#')).toEqual(['#ER:BAD_DATA#']);
  });
});

describe('5. the #U2# reply never has an empty side (§6.2)', () => {
  it('default: every denomination, zeros included, so a notes-only dispense still lists the coins', () => {
    const reply = exchange(machine(), '#U2#;2000:2#0#0#0#')[0] ?? '';
    const [coins = '', noteList = ''] = (reply.split('#')[2] ?? '').split(';');
    expect(coins.split(',').every((e) => /^\d+:\d+$/.test(e))).toBe(true);
    expect(noteList).toContain('2000:2');
  });

  it('dispenseList asked: only the denominations asked for (#0#;2000:2#)', () => {
    expect(exchange(machine({ dialect: { dispenseList: 'asked' } }), '#U2#;2000:2#0#0#0#')).toEqual(['#0#;2000:2#']);
  });
});

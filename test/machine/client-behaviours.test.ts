/**
 * protocol.md §13: what real clients do, at the model level (framer + machine, no sockets).
 * Items 2–4 (single reads, reply end by silence, read-until-close) are about the socket and are
 * covered by the server tests.
 */
import { describe, expect, it } from 'vitest';
import { createFramer } from '../../src/protocol/framer.js';
import type { MachineHarness } from '../../src/machine/index.js';
import { CHARGE_990, checkInvariants, exchange, machine, repliesSince } from './helpers.js';

/** Bytes from one client through a framer into the machine, as the session does. */
function wire(m: MachineHarness, conn: number, bytes: string): string[] {
  const framer = createFramer();
  const start = m.outputs.length;
  for (const item of [...framer.push(Buffer.from(bytes, 'latin1')), ...framer.flush()]) {
    m.frame(conn, item.type === 'frame' ? item.frame : item.raw);
  }
  m.runUntilIdle();
  return repliesSince(m, start).filter(([c]) => c === conn).map(([, f]) => f);
}

describe('§13 client behaviours', () => {
  it('1. bare frames and frames with CRLF both work', () => {
    const m = machine({ init: false });
    expect(wire(m, 1, '#I#')).toEqual(['#0#2.01#']);
    expect(wire(m, 1, '#I#\r\n')).toEqual(['#0#2.01#']);
    expect(wire(m, 1, '#T#\r\n')).toEqual(['#0#40900#10000#']);
  });

  it('5. a new connection per command: #I# once, #C# on a later connection; #Q# polls on fresh connections get #ER:BUSY#', () => {
    const m = machine();
    m.send({ type: 'disconnect', conn: 1 });
    m.send({ type: 'connect', conn: 2 });
    m.frame(2, CHARGE_990);
    m.send({ type: 'disconnect', conn: 2 }); // S-SCO gives up on the #C# socket
    for (const conn of [3, 4]) {
      m.send({ type: 'connect', conn });
      expect(exchange(m, '#Q#', conn)).toEqual(['#ER:BUSY#']);
      m.send({ type: 'disconnect', conn });
    }
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.view()).toMatchObject({ operation: null, ledger: { inserted: 2000, dispensed: 1010 } });
  });

  it('6. pipelined and duplicated commands are all answered, in order', () => {
    const m = machine();
    expect(wire(m, 1, '#Y##Y#')).toHaveLength(2);
    expect(wire(m, 1, '#A#2##B#0#0#0#')).toEqual(['#0#', '#ER:BUSY#']);
    expect(wire(m, 1, '#J#')).toEqual(['#0#0#']);
    expect(wire(m, 1, '#B#0#0#0##Q##Q##J#')).toEqual(['#0#', '#0#0#', '#0#0#', '#0#0#']);
  });

  it('7. cancel while a command is outstanding on the same socket: two distinct replies, interrupted one first', () => {
    // By default the cancelled command's reply is the only one; cancelReply ack adds #0# after it.
    expect(wire(machine(), 1, `${CHARGE_990}#!#`)).toEqual(['#WR:CANCEL#0#0#0#0#']);
    expect(wire(machine({ dialect: { cancelReply: 'ack' } }), 1, `${CHARGE_990}#!#`)).toEqual(['#WR:CANCEL#0#0#0#0#', '#0#']);
  });

  it('8. #Q# after #J# is #ER:ILLEGAL#: the final amount is the #J# reply', () => {
    const m = machine();
    expect(wire(m, 1, '#B#0#0#0#')).toEqual(['#0#']);
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(wire(m, 1, '#J#')).toEqual(['#0#500#']);
    expect(wire(m, 1, '#Q#')).toEqual(['#ER:ILLEGAL#']);
  });

  it('9. coins inserted between the last #Q# and #J# are in the #J# amount', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [1000] });
    m.runUntilIdle();
    expect(exchange(m, '#Q#')).toEqual(['#0#1000#']);
    m.send({ type: 'customer', insert: [20, 10] });
    m.frame(1, '#J#'); // still in the validator
    expect(m.replies(1).at(-1)).toBe('#0#1030#');
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('10. stop acceptance as soon as #Q# ≥ amount; a partial #C# records what was inserted', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [500, 500] });
    let last = '';
    m.runUntil(() => {
      last = exchange(m, '#Q#')[0] ?? '';
      return last.endsWith('#1000#');
    });
    expect(exchange(m, '#J#')).toEqual(['#0#1000#']);
    m.frame(1, '#C#9#1#990#1#0#0#0#1#1#0#0#');
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    m.send({ type: 'customer', confirm: true });
    expect(m.replies(1).at(-1)).toBe('#0#500#0#0#0#');
  });

  it('11. a dispense short of stock: #ER:GENERIC# with a non-zero dispensed amount', () => {
    const m = machine();
    const none = Object.fromEntries(['1', '2', '5', '10', '20', '50', '100', '200', '500', '2000'].map((k) => [k, 0]));
    m.send({ type: 'set-inventory', inventory: { recyclers: { ...none, '1000': 1 } } });
    expect(exchange(m, '#P#1010#0#0#0#')).toEqual(['#ER:GENERIC#1000#0#']);
  });

  it('12. wrong parameter types or counts: #H#a#, #C#12.50#, #T#1# → #ER:BAD_DATA#; the pywebdriver forms are accepted', () => {
    const m = machine();
    expect(wire(m, 1, '#H#a#')).toEqual(['#ER:BAD_DATA#']);
    expect(wire(m, 1, '#C#12.50#')).toEqual(['#ER:BAD_DATA#']);
    expect(wire(m, 1, '#T#1#')).toEqual(['#ER:BAD_DATA#']);
    expect(wire(m, 1, 'hello')).toEqual(['#ER:BAD_DATA#']);
    expect(wire(m, 1, '#B#0#')).toEqual(['#0#']);
    expect(wire(m, 1, '#J#')).toEqual(['#0#0#']);
    expect(wire(m, 1, '#P#500#0#1#')).toEqual(['#0#500#0#']);
  });

  it('18. connector restarted mid-session: #ER:ILLEGAL# until #I#, and no command is replayed', () => {
    const m = machine();
    m.send({ type: 'reset' });
    m.send({ type: 'connect', conn: 1 });
    expect(exchange(m, '#T#')).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
  });

  it('21. client closes the socket during a long command: the operation completes, the money moved, the reply goes nowhere', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.advance(1600);
    const out = m.send({ type: 'disconnect', conn: 1 });
    expect(out.some((o) => o.type === 'event' && /reply will be dropped/.test(o.text))).toBe(true);
    m.runUntilIdle();
    // The model still produces the reply; the session drops it because connection 1 is gone.
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    expect(m.view()).toMatchObject({ operation: null, ledger: { inserted: 2000, dispensed: 1010 } });
    expect(checkInvariants(m.state)).toEqual([]);
  });
});

/**
 * Reset isolates what comes after it: every connection is closed, the open operation ends with
 * its money accounted for (conservation holds up to the reset), and one event says what was done.
 */
import { describe, expect, it } from 'vitest';
import { settleForReset } from '../../src/machine/machine.js';
import type { MachineOutput } from '../../src/machine/index.js';
import { connSetList } from '../../src/machine/state.js';
import { CHARGE_990, checkInvariants, exchange, machine } from './helpers.js';

function resetEvents(out: readonly MachineOutput[]): string[] {
  return out.flatMap((o) => (o.type === 'event' ? [`${o.kind}: ${o.text}`] : []));
}

describe('reset', () => {
  it('closes every connection and ends an open #C#, returning what was inserted, in one sentence', () => {
    const m = machine({ conns: [1, 2] });
    m.frame(1, CHARGE_990.replace('#0#0#0#1#0#0#', '#0#1#0#1#0#0#')); // Accept button shown: the charge stays open
    m.send({ type: 'customer', insert: [2000], accept: false });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 2000 });

    const settled = settleForReset(m.state, m.now);
    expect(checkInvariants(settled.state)).toEqual([]);
    expect(settled.state.ledger).toMatchObject({ inserted: 2000, dispensed: 2000 });
    expect(settled.state.operation).toBeNull();

    const out = m.send({ type: 'reset' });
    expect(resetEvents(out)).toEqual([
      "control: reset: closed 2 connections (1, 2); ended the open #C# (returned 20.00 €); machine back to the profile's initial state",
    ]);
    expect(out[0]?.type).toBe('event');
    expect(out.filter((o) => o.type === 'close')).toEqual([
      { type: 'close', conn: 1, how: 'disconnect' },
      { type: 'close', conn: 2, how: 'disconnect' },
    ]);
    expect(out.some((o) => o.type === 'reply')).toBe(false);
    expect(connSetList(m.state.conns)).toEqual([]);
    expect(m.view()).toMatchObject({ operation: null, initialized: false, ledger: { inserted: 0, dispensed: 0 } });
    expect(m.pendingTimers()).toEqual([]);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('pieces still in the validator go back untouched; nothing validated means nothing to return', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    const settled = settleForReset(m.state, m.now);
    expect(settled.summary).toBe('ended the open #C# (nothing had been inserted; 20.00 € still in the validator went back to the customer)');
    expect(settled.state.ledger).toMatchObject({ inserted: 0, dispensed: 0 });
    expect(checkInvariants(settled.state)).toEqual([]);
  });

  it('an open #B# acceptance keeps what went in (as #J# would)', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    const settled = settleForReset(m.state, m.now);
    expect(settled.summary).toBe('ended the open #B# (5.00 € inserted stays in the machine)');
    expect(settled.state.ledger).toMatchObject({ inserted: 500, dispensed: 0 });
    expect(checkInvariants(settled.state)).toEqual([]);
  });

  it('change being paid out and a dispense in progress finish at once, every cent accounted', () => {
    const paying = machine();
    paying.frame(1, CHARGE_990);
    paying.send({ type: 'customer', insert: [2000] });
    expect(paying.runUntil(() => paying.state.operation?.kind === 'charge' && paying.state.operation.phase === 'paying' && paying.state.operation.paid > 0)).toBe(true);
    const paidSoFar = paying.view().ledger.dispensed;
    const a = settleForReset(paying.state, paying.now);
    expect(a.summary).toBe(`ended the open #C# (paid out the remaining ${((1010 - paidSoFar) / 100).toFixed(2)} €)`);
    expect(a.state.ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
    expect(checkInvariants(a.state)).toEqual([]);

    const dispensing = machine();
    dispensing.frame(1, '#P#1010#0#0#0#');
    const b = settleForReset(dispensing.state, dispensing.now);
    expect(b.summary).toBe('ended the open #P# (paid out the remaining 10.10 €)');
    expect(b.state.ledger.dispensed).toBe(1010);
    expect(checkInvariants(b.state)).toEqual([]);
  });

  it('closeConnections: false keeps the healthy connections and closes only the one whose operation it ends', () => {
    const m = machine({ conns: [1, 2] });
    m.frame(2, CHARGE_990);
    const out = m.send({ type: 'reset', closeConnections: false });
    expect(resetEvents(out)).toEqual(["control: reset: closed connection 2; ended the open #C# (nothing had been inserted); machine back to the profile's initial state"]);
    expect(out.filter((o) => o.type === 'close')).toEqual([{ type: 'close', conn: 2, how: 'disconnect' }]);
    expect(connSetList(m.state.conns)).toEqual([1]);
    const idle = m.send({ type: 'reset', closeConnections: false });
    expect(resetEvents(idle)).toEqual(["control: reset: connections kept and no operation was running; machine back to the profile's initial state"]);
    expect(idle.some((o) => o.type === 'close')).toBe(false);
  });

  it('says so when there was nothing to close or end', () => {
    const m = machine({ conns: [] });
    expect(resetEvents(m.send({ type: 'reset' }))).toEqual([
      "control: reset: no connection was open and no operation was running; machine back to the profile's initial state",
    ]);
  });

  it('a backoffice screen is closed with the cash the operator put in', () => {
    const m = machine();
    m.frame(1, '#G#1#1#1#1#1#1#1#1#1#0#1#1#1#');
    m.send({ type: 'customer', insert: [1000] });
    m.runUntilIdle();
    const settled = settleForReset(m.state, m.now);
    expect(settled.summary).toBe('closed the open #G# screen (10.00 € inserted stays in the machine)');
    expect(checkInvariants(settled.state)).toEqual([]);
  });
});

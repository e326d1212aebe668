/**
 * Property: whatever the POS, the customer, the operator and the faults do, money is conserved
 * (recyclers + stacker + dispensed + removed = initial + inserted), no count goes negative or
 * above its recycler capacity, and every reply is a well-formed frame with a known status.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armFault, newFaultBook, type FaultBook } from '../../src/faults/book.js';
import type { FaultType } from '../../src/faults/spec.js';
import { CertError } from '../../src/errors.js';
import type { MachineInput } from '../../src/machine/index.js';
import { settleForReset } from '../../src/machine/machine.js';
import { checkInvariants, EUR, machine } from './helpers.js';

const COINS = EUR.coins.map((d) => d.value);
const NOTES = EUR.notes.map((d) => d.value);
const DENOMINATIONS = [...COINS, ...NOTES];
const STATUSES = new Set(['0', 'WR:LEVEL', 'WR:CANCEL', 'ER:GENERIC', 'ER:BUSY', 'ER:BAD_DATA', 'ER:ILLEGAL']);

const flag = fc.constantFrom('0', '1');
const amount = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(990, 360, 1010, 5000, 12_345));
const vpdArb = fc
  .tuple(fc.subarray(COINS, { maxLength: 3 }), fc.subarray(NOTES, { maxLength: 2 }), fc.integer({ min: 0, max: 4 }))
  .map(([coins, notes, qty]) => `${coins.map((c) => `${c}:${qty}`).join(',')};${notes.map((n) => `${n}:${qty}`).join(',')}`);

const frameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('#I#') },
  { weight: 6, arbitrary: fc.tuple(amount, flag, flag).map(([a, accept, partial]) => `#C#1#1#${a}#1#15360#0#${accept}#${partial}#1#0#0#`) },
  { weight: 1, arbitrary: amount.map((a) => `#C#00000#1#${a}#15#15#1#1#1#0#0#`) },
  { weight: 3, arbitrary: fc.constantFrom('#B#0#0#0#', '#B#0#', '#A#2#') },
  { weight: 5, arbitrary: fc.constantFrom('#Q#', '#J#') },
  { weight: 4, arbitrary: fc.tuple(amount, flag).map(([a, coins]) => `#P#${a}#0#0#${coins}#`) },
  { weight: 2, arbitrary: fc.tuple(vpdArb, flag).map(([v, toStacker]) => `#U#${v}#${toStacker}#0#0#`) },
  { weight: 1, arbitrary: fc.tuple(vpdArb, fc.constantFrom('0', '1', '2')).map(([v, dest]) => `#U2#${v}#${dest}#0#0#`) },
  { weight: 1, arbitrary: fc.constantFrom('#V#1##', '#V#2#1#1#', '#V2#2#1##1#', '#K#2#') },
  { weight: 2, arbitrary: fc.constantFrom('#S#2#', '#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#H#1#', '#F#1#', '#A#1#', '#?#SHOW#', '#RI#0#0#2#') },
  { weight: 3, arbitrary: fc.constantFrom('#!#', '#Z#', '#E#') },
  { weight: 3, arbitrary: fc.constantFrom('#T#', '#Y#', '#GC#', '#?#', '#X#200#', '#W#0#', '#INFO#', '#T2#', '#Y2#', '#GC2#', '#GI#', '#GV#ALL#') },
  { weight: 1, arbitrary: fc.constantFrom('#C#12.50#', '#H#a#', '#T#1#', 'hello', '#XYZ#') },
);

type Step = MachineInput | { type: 'advance'; ms: number } | { type: 'idle' };

const w = (weight: number, arbitrary: fc.Arbitrary<Step>) => ({ weight, arbitrary });

const inputArb: fc.Arbitrary<Step> = fc.oneof(
  w(10, fc.tuple(fc.constantFrom(1, 2), frameArb).map(([conn, frame]): Step => ({ type: 'frame', conn, frame }))),
  w(
    6,
    fc
      .tuple(fc.array(fc.constantFrom(...DENOMINATIONS), { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, true, false))
      .map(([insert, accept]): Step => ({ type: 'customer', insert, ...(accept === undefined ? {} : { accept }) })),
  ),
  w(2, fc.constantFrom<Step>({ type: 'customer', cancel: true }, { type: 'customer', confirm: true })),
  w(2, fc.constant<Step>({ type: 'operator', close: true })),
  w(1, fc.constant<Step>({ type: 'clear-errors' })),
  w(
    1,
    fc
      .tuple(fc.constantFrom(...EUR.coins, ...EUR.notes.filter((d) => d.recyclable)), fc.integer({ min: 0, max: 12 }))
      .map(([d, n]): Step => ({ type: 'set-inventory', inventory: { recyclers: { [String(d.value)]: Math.min(n, d.capacity) } } })),
  ),
  w(1, fc.integer({ min: 0, max: 30 }).map((n): Step => ({ type: 'set-inventory', inventory: { stacker: { '5000': n } } }))),
  w(
    1,
    fc.constantFrom<Step>(
      { type: 'set-customer', customer: { mode: 'manual' } },
      { type: 'set-customer', customer: { mode: 'auto', delayMs: 200 } },
      { type: 'set-customer', customer: { mode: 'auto', pay: [2000] } },
    ),
  ),
  w(1, fc.constantFrom<Step>({ type: 'disconnect', conn: 2 }, { type: 'connect', conn: 2 })),
  w(1, fc.constant<Step>({ type: 'reset' })),
  w(5, fc.integer({ min: 1, max: 4000 }).map((ms): Step => ({ type: 'advance', ms }))),
  w(2, fc.constant<Step>({ type: 'idle' })),
);

/**
 * A fault book that fires random domain faults: every kind is armed many times over, each with
 * a small probability and options drawn from its own seeded generator, so any command or any
 * piece moving may set one off (transport faults never reach the model).
 */
function randomFaults(seed: number, rate: number): FaultBook {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const specFor = (type: FaultType): Record<string, unknown> => {
    switch (type) {
      case 'note-jam':
      case 'coin-jam':
      case 'power-off':
        return { type, ...(next() < 0.5 ? { for: `${Math.floor(next() * 5000)}ms` } : {}) };
      case 'partial-dispense':
        return { type, short: 1 + Math.floor(next() * 2000) };
      case 'device-error':
        return { type, code: pick([1002, 1110, 1315, 1751, 9999]) };
      case 'door-open':
        return { type, door: pick(['coin', 'note']) };
      default:
        return { type };
    }
  };
  const atCommand: FaultType[] = ['busy', 'restart', 'power-off', 'door-open', 'device-error', 'stacker-full'];
  const midOperation: FaultType[] = ['note-jam', 'coin-jam', 'partial-dispense', 'power-off', 'restart', 'stacker-full'];
  let book = newFaultBook(seed);
  for (const type of atCommand) book = armFault(book, { ...specFor(type), on: { probability: rate, times: 1000 } }).book;
  for (const type of midOperation) {
    const after = pick(['0%', '30%', '60%', '500ms']);
    const trigger = type === 'note-jam' || type === 'coin-jam' || type === 'partial-dispense' ? {} : { after };
    book = armFault(book, { ...specFor(type), on: { ...trigger, probability: rate * 4, times: 1000 } }).book;
  }
  return book;
}

function runSequence(inputs: Step[], faultSeed: number | null, freeze = false): void {
  const m = machine({ conns: [1, 2], faults: faultSeed === null ? null : randomFaults(faultSeed, 0.08), freeze });
  for (const input of inputs) {
    const before = m.outputs.length;
    if (input.type === 'reset') {
      // The reset's own settling of the open operation must conserve money too.
      const settled = checkInvariants(settleForReset(m.state, m.now).state);
      if (settled.length > 0) throw new Error(`settling for a reset: ${settled.join('; ')}`);
    }
    try {
      if (input.type === 'advance') m.advance(input.ms);
      else if (input.type === 'idle') m.runUntilIdle(120_000);
      else m.send(input);
    } catch (err) {
      // Inputs that make no sense right now are refused as a whole (HTTP 409/400 in the adapter).
      if (!(err instanceof CertError)) throw err;
    }
    const problems = checkInvariants(m.state);
    if (problems.length > 0) throw new Error(`after ${JSON.stringify(input)}: ${problems.join('; ')}`);
    for (const o of m.outputs.slice(before)) {
      if (o.type !== 'reply') continue;
      const status = /^#([^#]*)#/.exec(o.frame)?.[1] ?? '';
      if (!STATUSES.has(status) || !/^#.*#$/.test(o.frame)) throw new Error(`malformed reply ${JSON.stringify(o.frame)} after ${JSON.stringify(input)}`);
    }
  }
  m.runUntilIdle(600_000);
  expect(checkInvariants(m.state)).toEqual([]);
}

describe('money conservation (property)', () => {
  it('holds over random command, customer and operator sequences', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 1, maxLength: 40 }), (inputs) => runSequence(inputs, null)),
      { seed: 1129, numRuns: 1500 },
    );
  });

  it('holds with random faults firing jams, partial dispenses, restarts, power cuts…', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (inputs, seed) =>
        runSequence(inputs, seed),
      ),
      { seed: 2026, numRuns: 1500 },
    );
  });

  // A step shares the parts it does not change with the state it was given (copy on write):
  // with every kept state deep-frozen, a write to a shared part throws instead of passing unseen.
  it('every step leaves the state it was given untouched (each state deep-frozen)', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (inputs, seed) =>
        runSequence(inputs, seed % 2 === 0 ? null : seed, true),
      ),
      { seed: 77, numRuns: 400 },
    );
  });
});

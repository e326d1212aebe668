/**
 * The automatic customer pays one piece at a time (issue 19, point 5): the pieces are those of
 * the smallest covering combination, in the same order as when it put them all in at once, and a
 * charge of any amount keeps the state small while the machine's capacity rules apply.
 */
import { describe, expect, it } from 'vitest';
import { coveringCombination } from '../../src/machine/change.js';
import type { MachineHarness } from '../../src/machine/index.js';
import { COVER_LIMIT } from '../../src/machine/intake.js';
import { checkInvariants, EUR, machine } from './helpers.js';

const ALL = [...EUR.coins, ...EUR.notes].map((d) => d.value);
const LARGEST = Math.max(...ALL);
const charge = (amount: number, acceptButton = 0) => `#C#1#1#${amount}#0#0#0#${acceptButton}#0#0#0#0#`;

/** The value of every piece the validator took or refused, in order, from the output events. */
function piecesIn(m: MachineHarness, from = 0): number[] {
  const pieces: number[] = [];
  for (const o of m.outputs.slice(from)) {
    if (o.type !== 'event' || o.kind !== 'customer') continue;
    const match = /^automatic customer inserted 1 × ([\d.]+) €$/.exec(o.text);
    if (match) pieces.push(Math.round(Number(match[1]) * 100));
  }
  return pieces;
}

/** The state without the shared profile, as JSON: what grows when the model keeps a plan. */
const stateSize = (m: MachineHarness): number => JSON.stringify({ ...m.state, profile: null }).length;

describe('the automatic customer, one piece at a time', () => {
  it('inserts the pieces of the smallest covering combination, largest first, one by one', () => {
    for (const amount of [1, 990, 360, 4575, 18_730, 123_456, COVER_LIMIT + LARGEST - 1]) {
      const m = machine({ customer: { mode: 'auto', delayMs: 0 } });
      m.frame(1, charge(amount));
      // Right after the first piece goes in, only that piece is in the validator.
      m.advance(0);
      expect(m.view().operation?.['validating'], `amount ${amount}`).toBe(1);
      m.runUntilIdle();
      expect(piecesIn(m), `amount ${amount}`).toEqual(coveringCombination(amount, ALL));
      expect(m.replies(1).at(-1), `amount ${amount}`).toMatch(new RegExp(`^#(0|WR:LEVEL)#${amount}#0#0#0#$`));
      expect(checkInvariants(m.state)).toEqual([]);
    }
  });

  it('above the limit, starts with its largest piece and still pays the amount exactly', () => {
    const amount = COVER_LIMIT + 3 * LARGEST + 1234;
    const m = machine({ customer: { mode: 'auto', delayMs: 0 } });
    m.send({ type: 'set-inventory', inventory: { stacker: { [String(LARGEST)]: 0 } } });
    m.frame(1, charge(amount));
    m.runUntilIdle();
    const pieces = piecesIn(m);
    expect(pieces.slice(0, 4)).toEqual([LARGEST, LARGEST, LARGEST, LARGEST]);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(amount);
    expect(m.replies(1).at(-1)).toMatch(new RegExp(`^#(0|WR:LEVEL)#${amount}#0#0#0#$`));
  });

  it('a fixed "pay" list goes in piece by piece, in its order', () => {
    const m = machine({ customer: { mode: 'auto', pay: [200, 2000, 50], delayMs: 0 } });
    m.frame(1, charge(5000));
    m.runUntilIdle();
    expect(piecesIn(m)).toEqual([200, 2000, 50]);
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 2250, waitingFor: 'customer', validating: 0 });
  });

  it('stops when the charge is cancelled: nothing more goes in', () => {
    const m = machine({ customer: { mode: 'auto', delayMs: 0 } });
    m.frame(1, charge(990));
    m.advance(EUR.durations.noteAcceptMs); // the 5 € note is in, 4.90 € to go
    m.frame(1, '#!#');
    const before = piecesIn(m).length;
    m.runUntilIdle();
    expect(piecesIn(m)).toHaveLength(before);
    expect(m.replies(1).at(-1)).toBe('#WR:CANCEL#500#500#0#0#');
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('a charge of 9 999 999.99 €: the state stays small over 10 000 pieces, and a full stacker refuses the notes', () => {
    const m = machine({ customer: { mode: 'auto', delayMs: 0 } });
    const huge = 999_999_999;
    m.frame(1, charge(huge));
    let seen = 0;
    let pieces = 0;
    const countTo = (n: number) => () => {
      for (; seen < m.outputs.length; seen++) {
        const o = m.outputs[seen];
        if (o?.type === 'event' && o.kind === 'customer' && o.text.startsWith('automatic customer inserted')) pieces++;
      }
      return pieces >= n;
    };
    expect(m.runUntil(countTo(100), Number.MAX_SAFE_INTEGER)).toBe(true);
    const early = stateSize(m);
    expect(m.runUntil(countTo(10_000), Number.MAX_SAFE_INTEGER)).toBe(true);
    const late = stateSize(m);
    // Counts gain a digit or two; nothing grows with the pieces inserted or the amount.
    expect(late).toBeLessThan(early + 200);
    expect(late).toBeLessThan(10_000);
    const op = m.state.operation;
    expect(op?.kind === 'charge' ? op.intake.length : -1).toBeLessThanOrEqual(1);

    // The 500 € notes go to the stacker until it holds its capacity; later ones are handed back.
    const notes = EUR.notes.reduce((n, d) => n + (m.state.stacker[String(d.value)] ?? 0), 0);
    expect(notes).toBe(EUR.stacker.capacity);
    const refused = m.outputs.filter((o) => o.type === 'event' && o.text.endsWith('note refused: the stacker is full; returned to the customer'));
    expect(refused.length).toBeGreaterThan(9_000);
    expect(m.view().operation).toMatchObject({ command: 'C', amount: huge, waitingFor: 'customer' });
    expect(checkInvariants(m.state)).toEqual([]);

    // The POS gives up: what went in is refunded as far as the recyclers allow (notes in the stacker stay).
    m.frame(1, '#!#');
    m.runUntilIdle(Number.MAX_SAFE_INTEGER);
    expect(m.replies(1).at(-1)).toMatch(/^#(WR:CANCEL|ER:GENERIC)#\d+#\d+#0#0#$/);
    expect(m.state.operation).toBeNull();
    expect(checkInvariants(m.state)).toEqual([]);
  });
});

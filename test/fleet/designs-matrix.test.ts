/**
 * The guard against tuning a checklist to one implementation: every shipped
 * checklist, run as shipped against the reference POS in a pairwise covering set of correct
 * designs real integrators choose (docs/reference-pos.md), gives 0 required failures and
 * 0 errors. A design here is a correct integration; if one fails, the checklist is wrong.
 */
import { describe, expect, it } from 'vitest';
import { REFERENCE_DESIGNS, type ReferenceDesign } from '../../src/pos/reference-designs.js';
import { ReferencePos } from '../../src/reference-pos/pos.js';
import { certify, explain, notPassing, requiredProblems, underFloor, type Integration } from './certify.js';
import { allPairs, pairsOf, pairwise } from './pairwise.js';

const DESIGNS = pairwise(REFERENCE_DESIGNS) as ReferenceDesign[];

const label = (d: ReferenceDesign) =>
  Object.entries(d)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

describe('the covering set of designs', () => {
  it('covers every pair of values of every two design switches', () => {
    const covered = new Set(DESIGNS.flatMap((d) => pairsOf(d as unknown as Record<string, unknown>)));
    expect([...allPairs(REFERENCE_DESIGNS)].filter((p) => !covered.has(p))).toEqual([]);
    // Pairwise keeps the matrix small: far fewer rows than every combination.
    expect(DESIGNS.length).toBeLessThan(10);
  });
});

type Case = [name: string, integration: Integration, design: ReferenceDesign];
const cases: Case[] = DESIGNS.flatMap((design) => (['express', 'complete', 'mixed'] as const).map((i): Case => [label(design), i, design]));

// Each run mostly waits on timers (customer delays, polling): run them side by side.
describe.concurrent('every correct design passes every shipped checklist with exit 0', () => {
  it.for<Case>(cases)('%s (%s)', { timeout: 300_000 }, async ([, integration, design], { expect }) => {
    const { items, verdicts, floors } = await certify(integration, (o) => new ReferencePos(o), { pos: { design } });
    expect(requiredProblems(items), `design ${label(design)} (${integration})`).toEqual([]);
    // Recommended and optional items do not gate the run, but a correct design must not be
    // told it did something wrong either: every item passes (or is an operator question).
    expect(notPassing(items), `design ${label(design)} (${integration})`).toEqual([]);
    // 0 errors at any level, and every run's verdict is pass (exit 0).
    expect(items.filter((i) => i.verdict === 'error').map(explain)).toEqual([]);
    expect(verdicts.every((v) => v === 'pass')).toBe(true);
    // The floor the run prints is a lower bound for every correct design, item by item.
    expect(underFloor(floors), `design ${label(design)} (${integration})`).toEqual([]);
  });
});

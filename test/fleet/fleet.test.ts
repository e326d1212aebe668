/**
 * "The checklist has teeth": the shipped Chapter 7 checklists, run by the real runner against
 * the real simulator, pass the correct reference POS on every required item and fail each
 * defective variant of test/fleet/variants.ts on a required item whose message names the
 * defect. A required item that no variant fails would be dead weight; that is checked too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReferencePos } from '../../src/reference-pos/pos.js';
import { runVerdict } from '../../src/runner/verdict.js';
import { certify, checklist, CHECKLISTS, explain, profile, requiredProblems, type Integration } from './certify.js';
import { fleetTable } from './table.js';
import { FLEET, type Variant } from './variants.js';

describe('the reference POS passes every required item', () => {
  it.each<Integration>(['express', 'complete', 'mixed'])(
    '%s',
    async (integration) => {
      const { items } = await certify(integration, (o) => new ReferencePos(o), { pos: FLEET_POS });
      expect(items.filter((i) => i.level === 'required' && i.verdict !== 'not-applicable').length).toBeGreaterThan(0);
      expect(requiredProblems(items)).toEqual([]);
    },
    240_000,
  );
});

/** Faster polling and reply reading than the shipped defaults: the fleet runs dozens of checklists. */
const FLEET_POS = { pollIntervalMs: 50, connection: { shortReplyIdleMs: 150, damagedReplyIdleMs: 1_000 } };

type Case = [name: string, integration: Integration, variant: Variant];
const cases: Case[] = FLEET.flatMap((v) => (Object.keys(v.caughtBy) as Integration[]).map((integration): Case => [v.name, integration, v]));

// The variants mostly wait on the simulator and the POS's timers: run a few side by side.
describe.concurrent('every defective variant fails a required item that names its defect', () => {
  it.for<Case>(cases)(
    '%s (%s)',
    { timeout: 90_000 },
    async ([, integration, variant], { expect }) => {
      const expected = variant.caughtBy[integration] ?? [];
      const { items } = await certify(integration, (o) => variant.create(o), { only: expected, pos: FLEET_POS });
      const caught = items.filter((i) => i.level === 'required' && i.verdict === 'fail');
      const summary = items.map(explain).join('\n');
      if (process.env['FLEET_VERBOSE']) console.log(`${variant.name} (${integration}):\n${summary}`);
      // Every item listed for the variant fails: that is what makes the dead-weight check below sound.
      expect(caught.map((i) => i.id).sort(), `variant "${variant.name}" (${variant.defect}) slipped through:\n${summary}`).toEqual([...expected].sort());
      // Caught as a failure (exit 4) through the named items, never only through an error.
      expect(runVerdict(items), `variant "${variant.name}" did not make the run fail:\n${summary}`).toBe('fail');
      expect(items.filter((i) => i.verdict === 'error').map(explain), 'an item errored instead of failing').toEqual([]);
      const texts = caught.flatMap((i) => [i.reason ?? '', ...i.checks.filter((c) => c.status === 'failed').map((c) => `${c.message ?? ''} ${c.actual}`)]);
      expect(texts.some((t) => variant.message.test(t)), `no failure message names the defect (${variant.message}):\n${summary}`).toBe(true);
    },
  );
});

describe('docs/runner.md', () => {
  it('prints the variant → catching items table of the fleet as it is', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/runner.md', import.meta.url)), 'utf8');
    expect(doc).toContain(fleetTable(FLEET));
  });
});

describe('no required item is dead weight', () => {
  it.each<Integration>(['express', 'complete', 'mixed'])('every required %s item is expected to catch at least one variant', async (integration) => {
    const pos = profile(integration);
    const lists = await Promise.all(CHECKLISTS[integration].map(checklist));
    const required = lists
      .flatMap((list) => list.items)
      .filter((i) => i.level === 'required')
      .filter((i) => i.appliesTo.integrations.length === 0 || i.appliesTo.integrations.includes(integration))
      .filter((i) => i.appliesTo.features.every((f) => pos.features.includes(f)));
    // A mixed POS runs the Express items, so the Express variants count for it too.
    const covered = new Set(FLEET.flatMap((v) => [...(v.caughtBy[integration] ?? []), ...(integration === 'mixed' ? (v.caughtBy.express ?? []) : [])]));
    expect(required.length).toBeGreaterThan(0);
    expect(required.map((i) => i.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

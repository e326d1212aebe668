/**
 * "The checklist has teeth": the shipped Chapter 7 checklists, run by the real runner against
 * the real simulator, pass the correct reference POS on every required item and fail each
 * defective variant of test/fleet/variants.ts on a required item whose message names the
 * defect. A required item that no variant fails would be dead weight; that is checked too.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import type { Checklist } from '../../src/checklist/types.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosProfile } from '../../src/pos/types.js';
import { ReferencePos, type ReferencePosOptions } from '../../src/reference-pos/pos.js';
import type { ItemResult, RunResult } from '../../src/runner/result.js';
import { runChecklist } from '../../src/runner/run.js';
import { FLEET, type Variant } from './variants.js';

type Integration = 'express' | 'complete' | 'mixed';

const checklistPath = (name: string) => fileURLToPath(new URL(`../../checklists/${name}.yaml`, import.meta.url));
const MIXED_FEATURES = ['refund', 'refill', 'error-polling'];
const COMPLETE_FEATURES = ['refund', 'refill', 'close-day', 'no-screen-sale', 'error-polling'];

/** Checklists a POS of each integration is certified against (mixed: both, filtered by features). */
const CHECKLISTS: Record<Integration, string[]> = {
  express: ['chapter7-express'],
  complete: ['chapter7-complete'],
  mixed: ['chapter7-express', 'chapter7-complete'],
};

const loaded = new Map<string, Promise<Checklist>>();
function checklist(name: string): Promise<Checklist> {
  let c = loaded.get(name);
  if (c === undefined) {
    c = Promise.resolve(loadChecklist(checklistPath(name)));
    loaded.set(name, c);
  }
  return c;
}

/**
 * The shipped checklist with its waiting windows capped, for the defective variants only: a
 * defective POS makes the runner wait out every window (30 s per missing frame), which would
 * make the fleet take a quarter of an hour. A window is an upper bound, so capping it can only
 * make an item fail sooner, never hide a failure: `count: {atMost}` and `neverSends` are judged
 * at the end of the item, whatever the window. The reference POS runs the checklists as shipped.
 */
function withShortWindows(list: Checklist): Checklist {
  const CAP_MS = 5_000;
  const copy = structuredClone(list);
  for (const item of copy.items) {
    item.timeoutMs = Math.min(item.timeoutMs, 60_000);
    for (const step of item.steps) {
      if (step.kind === 'customer' || step.kind === 'operator') step.withinMs = Math.min(step.withinMs, CAP_MS);
      if (step.kind === 'action') step.timeoutMs = Math.min(step.timeoutMs ?? 20_000, 20_000);
      if (step.kind === 'expect' && 'withinMs' in step.expect && step.expect.withinMs !== undefined) {
        step.expect.withinMs = Math.min(step.expect.withinMs, CAP_MS);
      }
    }
  }
  return copy;
}

function profile(integration: Integration): PosProfile {
  return {
    name: 'fleet POS',
    version: '0.0.0',
    company: 'cashlogy-cert tests',
    email: 'tests@example.invalid',
    integration,
    // A complete integration covers every feature; the items for refunds and refills need them declared.
    features: integration === 'mixed' ? MIXED_FEATURES : integration === 'complete' ? COMPLETE_FEATURES : [],
    driver: { type: 'reference', inProcess: true },
  };
}

async function certify(
  integration: Integration,
  create: (options: ReferencePosOptions) => ReferencePos,
  only?: string[],
): Promise<ItemResult[]> {
  const items: ItemResult[] = [];
  for (const name of CHECKLISTS[integration]) {
    const shipped = await checklist(name);
    const list = only === undefined ? shipped : withShortWindows(shipped);
    const ids = only?.filter((id) => list.items.some((item) => item.id === id));
    if (only !== undefined && ids?.length === 0) continue;
    const result: RunResult = await runChecklist({
      checklist: list,
      pos: profile(integration),
      seed: 7,
      timeScale: 0.01,
      lang: 'en',
      ci: true,
      jobs: 2,
      ...(ids !== undefined ? { only: ids } : {}),
      driverFactory: () =>
        inProcessDriver((target) =>
          create({
            host: target.host,
            port: target.port,
            integration,
            features: profile(integration).features,
            pollIntervalMs: 50,
            connection: { shortReplyIdleMs: 150, damagedReplyIdleMs: 1_000 },
          }),
        ),
    });
    items.push(...result.items);
  }
  return items;
}

function onlyOperatorChecksSkipped(item: ItemResult): boolean {
  const skipped = item.checks.filter((c) => c.status === 'skipped');
  return skipped.length > 0 && skipped.every((c) => c.kind === 'operator') && item.checks.every((c) => c.status === 'passed' || c.status === 'skipped');
}

function explain(item: ItemResult): string {
  const failed = item.checks.filter((c) => c.status === 'failed' || c.status === 'errored');
  return `${item.id} ${item.verdict}: ${item.reason ?? ''}${failed.map((c) => `\n    - ${c.message ?? ''} (expected ${c.expected}; got ${c.actual})`).join('')}`;
}

describe('the reference POS passes every required item', () => {
  it.each<Integration>(['express', 'complete', 'mixed'])(
    '%s',
    async (integration) => {
      const items = await certify(integration, (o) => new ReferencePos(o));
      const required = items.filter((i) => i.level === 'required' && i.verdict !== 'not-applicable');
      expect(required.length).toBeGreaterThan(0);
      // In --ci an operator-only check is skipped (a person must confirm it); the rest must pass.
      const bad = required.filter((i) => i.verdict !== 'pass' && !(i.verdict === 'skipped' && onlyOperatorChecksSkipped(i)));
      expect(bad.map(explain)).toEqual([]);
    },
    240_000,
  );
});

type Case = [name: string, integration: Integration, variant: Variant];
const cases: Case[] = FLEET.flatMap((v) => (Object.keys(v.caughtBy) as Integration[]).map((integration): Case => [v.name, integration, v]));

// The variants mostly wait on the simulator and the POS's timers: run a few side by side.
describe.concurrent('every defective variant fails a required item that names its defect', () => {
  it.for<Case>(cases)(
    '%s (%s)',
    { timeout: 90_000 },
    async ([, integration, variant], { expect }) => {
      const expected = variant.caughtBy[integration] ?? [];
      const items = await certify(integration, (o) => variant.create(o), expected);
      const caught = items.filter((i) => i.level === 'required' && i.verdict === 'fail');
      const summary = items.map(explain).join('\n');
      if (process.env['FLEET_VERBOSE']) console.log(`${variant.name} (${integration}):\n${summary}`);
      // Every item listed for the variant fails: that is what makes the dead-weight check below sound.
      expect(caught.map((i) => i.id).sort(), `variant "${variant.name}" (${variant.defect}) slipped through:\n${summary}`).toEqual([...expected].sort());
      const texts = caught.flatMap((i) => [i.reason ?? '', ...i.checks.filter((c) => c.status === 'failed').map((c) => `${c.message ?? ''} ${c.actual}`)]);
      expect(texts.some((t) => variant.message.test(t)), `no failure message names the defect (${variant.message}):\n${summary}`).toBe(true);
    },
  );
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

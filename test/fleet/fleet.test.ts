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
    const list = await checklist(name);
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

const cases = FLEET.flatMap((v) => (Object.keys(v.caughtBy) as Integration[]).map((integration) => [v.name, integration, v] as const));

describe('every defective variant fails a required item that names its defect', () => {
  it.each(cases)(
    '%s (%s)',
    async (_name, integration, variant: Variant) => {
      const expected = variant.caughtBy[integration] ?? [];
      const items = await certify(integration, (o) => variant.create(o), expected);
      const caught = items.filter((i) => i.level === 'required' && i.verdict === 'fail');
      const summary = items.map(explain).join('\n');
      expect(caught.map((i) => i.id), `variant "${variant.name}" (${variant.defect}) slipped through:\n${summary}`).not.toEqual([]);
      const texts = caught.flatMap((i) => [i.reason ?? '', ...i.checks.filter((c) => c.status === 'failed').map((c) => `${c.message ?? ''} ${c.actual}`)]);
      expect(texts.some((t) => variant.message.test(t)), `no failure message names the defect (${variant.message}):\n${summary}`).toBe(true);
    },
    120_000,
  );
});

describe('no required item is dead weight', () => {
  it.each<[Integration, string]>([
    ['express', 'chapter7-express'],
    ['complete', 'chapter7-complete'],
  ])('every required %s item is expected to catch at least one variant', async (integration, name) => {
    const list = await checklist(name);
    const required = list.items.filter((i) => i.level === 'required' && (i.appliesTo.integrations.length === 0 || i.appliesTo.integrations.includes(integration)));
    const covered = new Set(FLEET.flatMap((v) => v.caughtBy[integration] ?? []));
    expect(required.map((i) => i.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

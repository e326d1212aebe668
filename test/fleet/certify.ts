/**
 * Runs the shipped Chapter 7 checklists against one POS built in-process (the reference POS in
 * one of its correct designs, or a defective variant), the way a vendor's run would: the real
 * runner, the real simulator, real sockets.
 */
import { fileURLToPath } from 'node:url';
import { loadChecklist } from '../../src/checklist/load.js';
import type { Checklist } from '../../src/checklist/types.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosProfile } from '../../src/pos/types.js';
import type { ReferencePos, ReferencePosOptions } from '../../src/reference-pos/pos.js';
import type { TicketsPos, TicketsPosOptions } from '../../src/reference-pos/tickets.js';
import type { ItemResult, RunResult } from '../../src/runner/result.js';
import { DEFAULT_PROFILE, runChecklist } from '../../src/runner/run.js';
import { SPLIT_PAUSE_MS } from '../../src/faults/carry-out.js';
import { floorMachineOf, itemFloor } from '../../src/runner/floor.js';
import { loadProfile } from '../../src/server/load-profile.js';

export type Integration = 'express' | 'complete' | 'mixed';

const checklistPath = (name: string) => fileURLToPath(new URL(`../../checklists/${name}.yaml`, import.meta.url));
const MIXED_FEATURES = ['refund', 'refill', 'error-polling'];
const COMPLETE_FEATURES = ['refund', 'refill', 'close-day', 'no-screen-sale', 'error-polling'];

/** Checklists a POS of each integration is certified against (mixed: both, filtered by features). */
export const CHECKLISTS: Record<Integration, string[]> = {
  express: ['chapter7-express'],
  complete: ['chapter7-complete'],
  mixed: ['chapter7-express', 'chapter7-complete'],
};

const loaded = new Map<string, Promise<Checklist>>();
export function checklist(name: string): Promise<Checklist> {
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
 * at the end of the item, whatever the window. Correct POSes run the checklists as shipped.
 */
export function withShortWindows(list: Checklist): Checklist {
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

export function profile(integration: Integration): PosProfile {
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

export interface CertifyOptions {
  /** Items to run (with short windows); default: every item, as shipped. */
  only?: string[];
  /** Options of the POS beyond its address, integration and features. */
  pos?: Partial<ReferencePosOptions>;
}

/** One run per checklist of the integration; the items of all of them, and each run's verdict. */
export async function certify(
  integration: Integration,
  create: (options: ReferencePosOptions) => ReferencePos,
  options: CertifyOptions = {},
): Promise<{ items: ItemResult[]; verdicts: RunResult['verdict'][]; floors: ItemFloorCheck[] }> {
  const { only } = options;
  const items: ItemResult[] = [];
  const verdicts: RunResult['verdict'][] = [];
  const floors: ItemFloorCheck[] = [];
  const machine = floorMachineOf(loadProfile(DEFAULT_PROFILE));
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
            ...options.pos,
          }),
        ),
    });
    items.push(...result.items);
    verdicts.push(result.verdict);
    for (const item of result.items) {
      const declared = list.items.find((i) => i.id === item.id);
      // Not applicable, or skipped before it started (a failed dependency): nothing ran.
      const ran = item.verdict !== 'not-applicable' && !(item.verdict === 'skipped' && item.actions.length === 0);
      if (declared === undefined || !ran) continue;
      const floor = itemFloor(declared, { timeScale: 0.01, machine, integration, splitPauseMs: SPLIT_PAUSE_MS });
      floors.push({ id: item.id, floorMs: floor.floorMs, durationMs: item.durationMs });
    }
  }
  return { items, verdicts, floors };
}

/** An item's floor (src/runner/floor.ts) next to how long it really took. */
export interface ItemFloorCheck {
  id: string;
  floorMs: number;
  durationMs: number;
}

/**
 * Items that took less than their floor: the floor claims to be a lower bound for any correct
 * POS, so one item under it means the floor counts a wait a correct run can avoid. Timers may
 * fire up to a millisecond early and durations are rounded: 2 ms of slack.
 */
export function underFloor(floors: readonly ItemFloorCheck[]): string[] {
  return floors.filter((f) => f.durationMs + 2 < f.floorMs).map((f) => `${f.id}: took ${f.durationMs} ms, floor ${Math.round(f.floorMs)} ms`);
}

/** The POS profile of a tickets POS under test (it refunds too, so TIX-02 applies). */
export function ticketsProfile(): PosProfile {
  return {
    name: 'fleet tickets POS',
    version: '0.0.0',
    company: 'cashlogy-cert tests',
    email: 'tests@example.invalid',
    integration: 'tickets',
    features: ['refund'],
    driver: { type: 'reference', inProcess: true },
  };
}

/**
 * The shipped tickets checklist against one tickets POS built in-process, through the real
 * runner and simulator: the lane makes the shared folder and hands it to the POS as
 * CASHLOGY_TICKETS_DIR would. `only`: those items, with short windows (defective POSes).
 */
export async function certifyTickets(
  create: (options: TicketsPosOptions) => TicketsPos,
  options: { only?: string[]; pos?: Omit<Partial<TicketsPosOptions>, 'dir'> } = {},
): Promise<{ items: ItemResult[]; verdict: RunResult['verdict'] }> {
  const shipped = await checklist('tickets-micro');
  const list = options.only === undefined ? shipped : withShortWindows(shipped);
  const result = await runChecklist({
    checklist: list,
    pos: ticketsProfile(),
    seed: 7,
    timeScale: 0.01,
    lang: 'en',
    ci: true,
    jobs: 2,
    ...(options.only !== undefined ? { only: options.only } : {}),
    driverFactory: () =>
      inProcessDriver((target) => {
        if (target.ticketsDir === undefined) throw new Error('the lane gave the tickets POS no folder');
        return create({ ...options.pos, dir: target.ticketsDir });
      }),
  });
  return { items: result.items, verdict: result.verdict };
}

/** In --ci an operator-only check is skipped (a person must confirm it); nothing else may be. */
export function onlyOperatorChecksSkipped(item: ItemResult): boolean {
  const skipped = item.checks.filter((c) => c.status === 'skipped');
  return skipped.length > 0 && skipped.every((c) => c.kind === 'operator') && item.checks.every((c) => c.status === 'passed' || c.status === 'skipped');
}

/** Required items that did not pass, in words (empty for a POS the checklist accepts). */
export function requiredProblems(items: readonly ItemResult[]): string[] {
  return notPassing(items.filter((i) => i.level === 'required'));
}

/** Items of any level that did not pass (operator-only skips in --ci aside), in words. */
export function notPassing(items: readonly ItemResult[]): string[] {
  const judged = items.filter((i) => i.verdict !== 'not-applicable');
  return judged.filter((i) => i.verdict !== 'pass' && !(i.verdict === 'skipped' && onlyOperatorChecksSkipped(i))).map(explain);
}

export function explain(item: ItemResult): string {
  const failed = item.checks.filter((c) => c.status === 'failed' || c.status === 'errored');
  return `${item.id} ${item.verdict}: ${item.reason ?? ''}${failed.map((c) => `\n    - ${c.message ?? ''} (expected ${c.expected}; got ${c.actual})`).join('')}`;
}

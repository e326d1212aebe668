/**
 * `runChecklist`: boots one simulator and one POS per lane, runs each item from a clean
 * machine, judges it on the wire, and returns the plain RunResult (it never prints or writes
 * files: progress goes out as RunEvents, the CLI writes the reports).
 *
 *   scheduler.ts  which item next (checklist order, dependencies first), shared by the lanes
 *   lane.ts       lane ─ simulator (port 0) ◀─TCP─ POS (driver): start, reset, restart, stop
 *   item.ts       one item: steps (steps/, one file per kind) → deferred checks
 *                 → outcome/wire consistency → verdict
 *
 * Waiting happens in real time in the lane and the steps; judging is pure (expect.ts,
 * consistency.ts, verdict.ts).
 */
import { randomInt } from 'node:crypto';
import { applicability as defaultApplicability, orderItems } from '../checklist/select.js';
import { TOOL_VERSION } from '../version.js';
import { loadProfile } from '../server/load-profile.js';
import { coverageItems, coverageOf, coverageRecord } from './coverage.js';
import type { RunEvent } from './events.js';
import { SPLIT_PAUSE_MS } from '../faults/carry-out.js';
import { floorMachineOf, runFloor, type FloorMachine } from './floor.js';
import { blankItem } from './item.js';
import { message } from './item-context.js';
import { connectorRun } from './connector.js';
import { Lane } from './lane.js';
import { DEFAULT_PROFILE, type RunOptions } from './options.js';
import { portablePath, processRoots, scrubPathsDeep } from './portable-paths.js';
import type { ItemResult, RunResult, RunSelection } from './result.js';
import { countsAsFailure, notRunAfterFailures, unmetDependency, WorkQueue, type Finished } from './scheduler.js';
import { selectItems } from './selection.js';
import { runVerdict, summarize } from './verdict.js';

export { DEFAULT_PROFILE, type RunOptions } from './options.js';
export { describeStep } from './steps/index.js';

export function randomSeed(): number {
  return randomInt(1, 2 ** 31 - 1);
}

export async function runChecklist(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const seed = options.seed ?? randomSeed();
  const timeScale = options.timeScale ?? 1;
  const lang = options.lang ?? 'fr';
  const ci = options.ci ?? false;
  const emit = (e: RunEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // A broken progress listener must not break the run.
    }
  };
  const signal = options.signal ?? new AbortController().signal;
  // A real connector: a proxy instead of a simulator in the lane, and what a real machine cannot do is not-applicable.
  const real = options.connector ? connectorRun(options, lang, seed) : undefined;
  const applicability = real?.applicability ?? options.applicability ?? defaultApplicability;

  const selected = orderItems(selectItems(options.checklist.items, { only: options.only, tags: options.tags, shard: options.shard }));
  const results = new Map<string, ItemResult>();
  const notApplicable = new Map<string, string>();
  for (const item of selected) {
    const a = applicability(item, options.pos);
    if (!a.applicable) notApplicable.set(item.id, a.reason ?? 'does not apply to this POS');
  }
  const runnable = selected.filter((i) => !notApplicable.has(i.id));
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, runnable.length || 1));
  emit({
    event: 'run:start',
    seed,
    timeScale,
    items: selected.length,
    lanes: jobs,
    checklist: `${options.checklist.id} ${options.checklist.version}`,
    pos: `${options.pos.name} ${options.pos.version}`,
  });

  const queue = new WorkQueue(selected, signal);
  const skippedForDependency = new Set<string>();
  const finished = (id: string): Finished | undefined => {
    const r = results.get(id);
    return r === undefined ? undefined : { verdict: r.verdict, skippedForDependency: skippedForDependency.has(id) };
  };
  let index = 0;
  // The items a lane actually ran: the floor counts their declared waits only.
  const ranOnLane = new Set<string>();
  /** Items Ctrl-C stopped before their verdict: not run, whatever their placeholder result says. */
  const stoppedMidItem = new Set<string>();

  const lanes: Lane[] = [];
  // A lane waiting for another lane's dependency must not wait forever once the run stops.
  const wakeAll = () => queue.notify();
  signal.addEventListener('abort', wakeAll, { once: true });
  const laneLoop = async (laneNo: number) => {
    let lane: Lane | undefined;
    for (;;) {
      const item = await queue.take();
      if (item === undefined) return;
      const position = ++index;
      const emitStart = () => emit({ event: 'item:start', id: item.id, title: item.title[lang], lane: laneNo, index: position, total: selected.length });
      const naReason = notApplicable.get(item.id);
      if (naReason !== undefined) {
        const result = blankItem(item, lang, 'not-applicable', naReason);
        results.set(item.id, result);
        emitStart();
        emit({ event: 'item:end', id: item.id, verdict: result.verdict, durationMs: 0, reason: naReason, item: result });
        queue.finish(item.id);
        continue;
      }
      const failedDep = unmetDependency(item, finished);
      let result: ItemResult;
      if (failedDep) {
        result = blankItem(item, lang, 'skipped', `depends on ${failedDep.id}, which ${failedDep.verdict === 'skipped' ? 'was skipped' : `ended ${failedDep.verdict}`}`);
        skippedForDependency.add(item.id);
        emitStart();
      } else {
        if (!lane) {
          lane = new Lane(laneNo, real?.options ?? options, { seed, timeScale, lang, ci });
          lanes.push(lane);
          await lane.open(emit, signal);
        }
        emitStart();
        ranOnLane.add(item.id);
        try {
          const ran = await lane.runItem(item, signal, emit);
          result = ran.result;
          if (ran.interrupted) stoppedMidItem.add(item.id);
        } catch (err) {
          result = blankItem(item, lang, 'error', `the runner could not run the item: ${message(err)}`);
          result.checks.push({ kind: 'step', status: 'errored', expected: 'the item runs', actual: result.reason ?? '', message: result.reason ?? '' });
        }
      }
      results.set(item.id, result);
      emit({ event: 'item:end', id: item.id, verdict: result.verdict, durationMs: result.durationMs, ...(result.reason ? { reason: result.reason } : {}), item: result });
      if (options.maxFailures !== undefined && countsAsFailure(item, result.verdict) && ++failures >= options.maxFailures) queue.close();
      queue.finish(item.id);
    }
  };
  let failures = 0;

  try {
    await Promise.all(Array.from({ length: jobs }, (_, k) => laneLoop(k + 1).finally(wakeAll)));
  } finally {
    signal.removeEventListener('abort', wakeAll);
    await Promise.all(lanes.map((l) => l.close()));
  }

  const interrupted = signal.aborted;
  const items: ItemResult[] = selected.map(
    (item) =>
      results.get(item.id) ??
      blankItem(item, lang, 'skipped', queue.isClosed && !interrupted && options.maxFailures !== undefined ? notRunAfterFailures(options.maxFailures) : 'not run: the run was interrupted'),
  );
  const verdict = runVerdict(items);
  const floor = runFloor(
    selected.filter((item) => ranOnLane.has(item.id)),
    { timeScale, machine: floorMachine(options.profile ?? DEFAULT_PROFILE), integration: options.pos.integration, splitPauseMs: SPLIT_PAUSE_MS },
  );
  // Rounded item by item, so the floors of shards merged later add up to this one exactly.
  const summary = { ...summarize(items), floorMs: floor.items.reduce((sum, item) => sum + Math.round(item.floorMs), 0) };
  // Paths of this machine (cwd, install folder, home) never leave it: result.json goes to Azkoyen.
  const roots = processRoots();
  const rawOutput = mergeOutput(lanes);
  const posOutput = rawOutput ? scrubPathsDeep(rawOutput, roots) : undefined;
  const selection: RunSelection = {
    ...(options.only?.length ? { only: options.only } : {}),
    ...(options.tags?.length ? { tags: options.tags } : {}),
    ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
  };
  // Not run: never reached, or stopped by Ctrl-C mid-item (an operator-only or dependency skip did run).
  const notRun = items.filter((i) => !results.has(i.id) || stoppedMidItem.has(i.id)).map((i) => i.id);
  const coverage = coverageOf({
    checklist: coverageItems(options.checklist.items, options.pos, applicability),
    results: items,
    notRun,
    selection,
    interrupted,
  });
  const result: RunResult = {
    schemaVersion: 1,
    tool: { name: 'cashlogy-cert', version: TOOL_VERSION },
    checklist: {
      id: options.checklist.id,
      version: options.checklist.version,
      sha256: options.checklist.sha256 ?? '',
      ...(options.checklist.file !== undefined ? { file: portablePath(options.checklist.file, roots) } : {}),
      title: options.checklist.title,
    },
    pos: {
      name: options.pos.name,
      version: options.pos.version,
      integration: options.pos.integration,
      company: options.pos.company,
      email: options.pos.email,
      features: options.pos.features,
      driver: options.pos.driver.type,
    },
    seed,
    timeScale,
    lang,
    ci,
    profile: options.profile ?? DEFAULT_PROFILE,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    verdict,
    ...(interrupted ? { interrupted: true } : {}),
    complete: coverage.complete,
    ...(coverage.selection ? { selection: coverage.selection } : {}),
    coverage: coverageRecord(coverage),
    summary,
    items: scrubPathsDeep(items, roots),
    ...(posOutput ? { posOutput } : {}),
    ...(real ? { connector: real.record() } : {}),
  };
  emit({ event: 'run:end', verdict, summary, interrupted, durationMs: Math.round(performance.now() - t0) });
  return result;
}

/** The profile's durations for the floor; a profile that does not load leaves them out (the lane reports that problem). */
function floorMachine(profile: string): FloorMachine | undefined {
  try {
    return floorMachineOf(loadProfile(profile));
  } catch {
    return undefined;
  }
}

function mergeOutput(lanes: Lane[]): { stdout: string; stderr: string } | undefined {
  const outputs = lanes.map((l) => ({ lane: l.number, ...l.output() })).filter((o) => o.stdout || o.stderr);
  if (outputs.length === 0) return undefined;
  if (outputs.length === 1) return { stdout: outputs[0]?.stdout ?? '', stderr: outputs[0]?.stderr ?? '' };
  return {
    stdout: outputs.map((o) => `── lane ${o.lane} ──\n${o.stdout}`).join('\n'),
    stderr: outputs.map((o) => `── lane ${o.lane} ──\n${o.stderr}`).join('\n'),
  };
}

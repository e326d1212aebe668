/**
 * `runChecklist`: boots one simulator and one POS per lane, runs each item from a clean
 * machine, judges it on the wire, and returns the plain RunResult (it never prints or writes
 * files: progress goes out as RunEvents, the CLI writes the reports).
 *
 *   lane ─ simulator (port 0) ◀─TCP─ POS (driver) 
 *     for each item: reset → steps (setup · action · customer · operator · fault · wait · expect)
 *                    → deferred checks + outcome/wire consistency → verdict
 *
 * Waiting happens here in real time; judging is pure (expect.ts, consistency.ts, verdict.ts).
 */
import { randomInt } from 'node:crypto';
import type { Checklist, ChecklistItem, Expectation, Lang, Step } from '../checklist/types.js';
import { askYesNo } from '../drivers/manual.js';
import { createDriver } from '../drivers/index.js';
import { DEFAULT_ACTION_TIMEOUTS_MS, type DriverContext, type OperatorConsole, type PerformResult, type PosDriver } from '../drivers/driver.js';
import { CertError } from '../errors.js';
import type { PosAction, PosProfile } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { SimulatorHandle, SimulatorOptions, SimulatorState } from '../server/types.js';
import { TOOL_VERSION } from '../version.js';
import { consistencyChecks, type ActionSpan } from './consistency.js';
import { connectorRefusals, describeRefusals } from './evidence.js';
import type { RunEvent, RunEventListener } from './events.js';
import {
  evaluateCaptured,
  evaluateMachine,
  evaluateNeverSends,
  evaluateOneCommandAtATime,
  evaluateOutcome,
  evaluateSends,
  evaluateSendsInOrder,
  formatMs,
  sentAnyCommand,
  sentSummary,
  type Evaluation,
  type Marker,
  type WireContext,
} from './expect.js';
import { describePattern, matchFrame, type Captures } from './patterns.js';
import type { ActionRecord, CheckResult, ItemResult, OperatorAnswer, RunResult, RunSelection } from './result.js';
import { coverageItems, coverageOf, coverageRecord } from './coverage.js';
import { portablePath, processRoots, scrubPathsDeep } from './portable-paths.js';
import { applicability as defaultApplicability, orderItems } from '../checklist/select.js';
import { selectItems, type Shard } from './selection.js';
import { dependencyMet, itemVerdict, runVerdict, summarize } from './verdict.js';

export interface RunOptions {
  checklist: Checklist;
  pos: PosProfile;
  /** Seed of the simulator's random source (replays fault decisions). Default: random, reported in the result. */
  seed?: number;
  /** Simulator time scale (0.02 = 50× faster). Default 1. */
  timeScale?: number;
  lang?: Lang;
  /** Never prompt: operator checks become `skipped`, the manual driver is refused. */
  ci?: boolean;
  /** Parallel lanes, each with its own simulator and POS instance. Default 1. */
  jobs?: number;
  shard?: Shard;
  only?: string[];
  tags?: string[];
  /** Simulator machine profile (name or file). Default `eur-pos1500`. */
  profile?: string;
  /** Build the POS driver for a lane instead of the registry driver of `pos.driver`. */
  driverFactory?: (lane: number) => PosDriver;
  /** Base directory, environment and operator terminal for registry drivers. */
  driverContext?: Partial<DriverContext>;
  /** Operator terminal for `operator` checks (and the manual driver). */
  console?: OperatorConsole;
  /** Override the simulator (tests); default `startSimulator` from src/server/start.ts. */
  startSimulator?: (options: SimulatorOptions) => Promise<SimulatorHandle>;
  /** Whether an item applies to the POS; default: `applicability` of src/checklist/select.ts (integrations and features). */
  applicability?: (item: ChecklistItem, pos: PosProfile) => { applicable: boolean; reason?: string };
  onEvent?: RunEventListener;
  /** Abort to stop the run (Ctrl-C): running items end as `skipped`, the result says `interrupted`. */
  signal?: AbortSignal;
}

export const DEFAULT_PROFILE = 'eur-pos1500';

const OPEN_FOR_CUSTOMER = new Set(['C', 'B', 'A']);

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
  const applicability = options.applicability ?? defaultApplicability;

  const selected = orderItems(selectItems(options.checklist.items, { only: options.only, tags: options.tags, shard: options.shard }));
  const results = new Map<string, ItemResult>();
  const skippedForDependency = new Set<string>();
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

  const selectedIds = new Set(selected.map((i) => i.id));
  const queue = [...selected];
  const done = new Set<string>();
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((r) => (wake = r));
  const notify = () => {
    const w = wake;
    changed = new Promise<void>((r) => (wake = r));
    w();
  };
  let index = 0;

  const pickNext = (): ChecklistItem | 'wait' | undefined => {
    for (let k = 0; k < queue.length; k++) {
      const item = queue[k] as ChecklistItem;
      const deps = item.dependsOn.filter((d) => selectedIds.has(d));
      if (deps.every((d) => done.has(d))) {
        queue.splice(k, 1);
        return item;
      }
    }
    return queue.length ? 'wait' : undefined;
  };

  const lanes: Lane[] = [];
  // A lane waiting for another lane's dependency must not wait forever once the run stops.
  signal.addEventListener('abort', notify, { once: true });
  const laneLoop = async (laneNo: number) => {
    let lane: Lane | undefined;
    for (;;) {
      if (signal.aborted) return;
      const next = pickNext();
      if (next === undefined) return;
      if (next === 'wait') {
        await changed;
        continue;
      }
      const item = next;
      const position = ++index;
      const emitStart = () => emit({ event: 'item:start', id: item.id, title: item.title[lang], lane: laneNo, index: position, total: selected.length });
      const naReason = notApplicable.get(item.id);
      if (naReason !== undefined) {
        const result = blankItem(item, lang, 'not-applicable', naReason);
        results.set(item.id, result);
        done.add(item.id);
        emitStart();
        emit({ event: 'item:end', id: item.id, verdict: result.verdict, durationMs: 0, reason: naReason, item: result });
        notify();
        continue;
      }
      const failedDep = item.dependsOn.find((d) => {
        const r = results.get(d);
        return r !== undefined && !dependencyMet(r.verdict, skippedForDependency.has(d));
      });
      let result: ItemResult;
      if (failedDep) {
        const dep = results.get(failedDep) as ItemResult;
        result = blankItem(item, lang, 'skipped', `depends on ${failedDep}, which ${dep.verdict === 'skipped' ? 'was skipped' : `ended ${dep.verdict}`}`);
        skippedForDependency.add(item.id);
        emitStart();
      } else {
        if (!lane) {
          lane = new Lane(laneNo, options, { seed, timeScale, lang, ci });
          lanes.push(lane);
          await lane.open(emit, signal);
        }
        emitStart();
        try {
          result = await lane.runItem(item, signal, emit);
        } catch (err) {
          result = blankItem(item, lang, 'error', `the runner could not run the item: ${message(err)}`);
          result.checks.push({ kind: 'step', status: 'errored', expected: 'the item runs', actual: result.reason ?? '', message: result.reason ?? '' });
        }
      }
      results.set(item.id, result);
      done.add(item.id);
      emit({ event: 'item:end', id: item.id, verdict: result.verdict, durationMs: result.durationMs, ...(result.reason ? { reason: result.reason } : {}), item: result });
      notify();
    }
  };

  try {
    await Promise.all(Array.from({ length: jobs }, (_, k) => laneLoop(k + 1).finally(notify)));
  } finally {
    signal.removeEventListener('abort', notify);
    await Promise.all(lanes.map((l) => l.close()));
  }

  const interrupted = signal.aborted;
  const items: ItemResult[] = selected.map(
    (item) => results.get(item.id) ?? blankItem(item, lang, 'skipped', 'not run: the run was interrupted'),
  );
  const verdict = runVerdict(items);
  const summary = summarize(items);
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
  const notRun = items
    .filter((i) => !results.has(i.id) || (interrupted && i.verdict === 'skipped' && !skippedForDependency.has(i.id)
      && (/interrupt/i.test(i.reason ?? '') || !i.checks.some((c) => c.kind === 'operator' && c.status === 'skipped'))))
    .map((i) => i.id);
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
  };
  emit({ event: 'run:end', verdict, summary, interrupted, durationMs: Math.round(performance.now() - t0) });
  return result;
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

function blankItem(item: ChecklistItem, lang: Lang, verdict: 'not-applicable' | 'skipped' | 'error', reason: string): ItemResult {
  return {
    id: item.id,
    title: item.title[lang],
    titles: item.title,
    description: item.description,
    catches: item.catches,
    ref: item.ref,
    level: item.level,
    tags: item.tags,
    verdict,
    reason,
    durationMs: 0,
    checks: [],
    actions: [],
    operatorAnswers: [],
    faults: [],
    transcript: [],
  };
}

interface LaneSettings {
  seed: number;
  timeScale: number;
  lang: Lang;
  ci: boolean;
}

interface RunningAction {
  record: ActionRecord;
  span: ActionSpan;
  marker: Marker;
  settled: Promise<PerformResult>;
  label: string;
}

/** Thrown inside an item to stop its steps (timeout, Ctrl-C). */
class ItemStopped extends Error {}

/** One simulator + one POS, running items one after the other. */
class Lane {
  private sim: SimulatorHandle | undefined;
  private driver: PosDriver | undefined;
  private openError: string | undefined;
  /** Set when an item left the POS hung, crashed or timed out: the next item starts it afresh. */
  private restartReason: string | undefined;
  /** Output of POS instances stopped by a restart, kept for the run's posOutput. */
  private readonly earlierOutput = { stdout: '', stderr: '' };
  private emit: (e: RunEvent) => void = () => undefined;
  private runSignal: AbortSignal | undefined;
  private entries: TranscriptEntry[] = [];
  private itemT0 = 0;
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly number: number,
    private readonly options: RunOptions,
    private readonly settings: LaneSettings,
  ) {}

  async open(emit: (e: RunEvent) => void, signal: AbortSignal): Promise<void> {
    try {
      const start = this.options.startSimulator ?? (await import('../server/start.js')).startSimulator;
      this.sim = await start({
        host: '127.0.0.1',
        port: 0,
        controlPort: null,
        profile: this.options.profile ?? DEFAULT_PROFILE,
        timeScale: this.settings.timeScale,
        seed: this.settings.seed,
        customer: 'manual',
      });
    } catch (err) {
      this.openError = `the simulator could not start: ${message(err)}`;
      return;
    }
    const sim = this.sim;
    this.unsubscribe = sim.onEntry((entry) => {
      this.entries.push({ ...entry, at: this.now() });
      for (const l of [...this.listeners]) l();
    });
    this.emit = emit;
    this.runSignal = signal;
    try {
      await this.startPos(sim);
      emit({ event: 'lane:ready', lane: this.number, host: sim.host, port: sim.port, ...(this.driver?.hookPort ? { hookPort: this.driver.hookPort } : {}) });
    } catch (err) {
      this.openError = `the POS could not be started (${this.options.pos.driver.type} driver): ${message(err)}`;
    }
  }

  private async startPos(sim: SimulatorHandle): Promise<void> {
    this.driver = this.options.driverFactory
      ? this.options.driverFactory(this.number)
      : createDriver(this.options.pos.driver, {
          baseDir: process.cwd(),
          env: process.env,
          integration: this.options.pos.integration,
          features: this.options.pos.features,
          ...(this.options.console ? { console: this.options.console } : {}),
          ...this.options.driverContext,
          lang: this.settings.lang,
          ci: this.settings.ci,
        });
    await this.driver.start({ host: sim.host, port: sim.port, onEntry: (l) => sim.onEntry(l), ...(this.runSignal ? { signal: this.runSignal } : {}) });
  }

  /**
   * Isolation between items: a POS left hung or crashed would make every later item error
   * (its hook still busy with the old action). Stop its whole process tree and start it again.
   */
  private async restartPos(sim: SimulatorHandle, reason: string): Promise<string | undefined> {
    const old = this.driver;
    this.driver = undefined;
    if (old) {
      const out = old.output();
      this.earlierOutput.stdout += out.stdout;
      this.earlierOutput.stderr += out.stderr;
      await old.stop().catch(() => undefined);
    }
    this.emit({ event: 'pos:restart', lane: this.number, reason });
    // Whatever the old POS left open (connections, an operation) goes before the new one starts.
    await sim.reset({ closeConnections: true });
    try {
      await this.startPos(sim);
      return undefined;
    } catch (err) {
      return `the POS could not be restarted (${this.options.pos.driver.type} driver) after ${reason}: ${message(err)}`;
    }
  }

  output(): { stdout: string; stderr: string } {
    const now = this.driver?.output() ?? { stdout: '', stderr: '' };
    return { stdout: this.earlierOutput.stdout + now.stdout, stderr: this.earlierOutput.stderr + now.stderr };
  }

  async close(): Promise<void> {
    try {
      await this.driver?.stop();
    } finally {
      this.unsubscribe?.();
      await this.sim?.close();
    }
  }

  private now(): number {
    return Math.round((performance.now() - this.itemT0) * 10) / 10;
  }

  private marker(): Marker {
    return { index: this.entries.length, at: this.now() };
  }

  /** Resolves on the next transcript entry, after `ms`, or when the signal aborts. */
  private waitForEntry(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.listeners.add(finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new ItemStopped());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ItemStopped());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async runItem(item: ChecklistItem, runSignal: AbortSignal, emit: (e: RunEvent) => void): Promise<ItemResult> {
    const { lang } = this.settings;
    const result = blankItem(item, lang, 'error', '');
    const started = performance.now();
    const restartReason = this.restartReason;
    this.restartReason = undefined;
    if (restartReason !== undefined && this.sim && !this.openError) {
      const failed = await this.restartPos(this.sim, restartReason);
      if (failed) this.openError = failed;
      result.posRestarted = restartReason;
    }
    if (this.openError || !this.sim || !this.driver) {
      result.reason = this.openError ?? 'the lane is not ready';
      result.checks.push({ kind: 'step', status: 'errored', expected: 'the simulator and the POS start', actual: result.reason, message: result.reason });
      return result;
    }
    const sim = this.sim;
    const driver = this.driver;
    // An operation an earlier item left open is ended (money accounted for); its connection is
    // closed then, since its reply will never come. A healthy POS keeps its connection, as it
    // would with a real connector between two sales.
    await sim.reset({ closeConnections: sim.getState().operation !== null });
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(new Error('interrupted'));
    if (runSignal.aborted) onRunAbort();
    runSignal.addEventListener('abort', onRunAbort, { once: true });
    const itemTimer = setTimeout(() => controller.abort(new Error('item timeout')), item.timeoutMs);
    const signal = controller.signal;

    this.entries = [];
    this.itemT0 = performance.now();
    let baseline: Pick<SimulatorState, 'inventory' | 'ledger'> = snapshot(sim.getState());

    const checks: CheckResult[] = [];
    const actions: RunningAction[] = [];
    const named = new Map<string, { marker: Marker; action?: RunningAction }>();
    const deferred: DeferredCheck[] = [];
    let captures: Captures = {};
    let amount: number | undefined;
    let lastAction: RunningAction | undefined;
    const itemStart: Marker = { index: 0, at: 0 };
    const ctx = (final: boolean): WireContext => ({ entries: this.entries, now: this.now(), final, captures, ...(amount !== undefined ? { amount } : {}) });
    const record = (step: number, kind: string, ev: Evaluation, stepMessage?: string) => {
      const failedWhy = ev.why ?? ev.actual;
      checks.push({
        kind,
        step,
        status: ev.status === 'passed' ? 'passed' : ev.status === 'errored' ? 'errored' : 'failed',
        expected: ev.expected,
        actual: ev.actual,
        ...(ev.status === 'passed' ? {} : { message: stepMessage ? `${stepMessage} — ${failedWhy}` : failedWhy }),
      });
      if (ev.status === 'passed' && ev.captures) captures = { ...captures, ...ev.captures };
    };
    const errored = (step: number | undefined, expected: string, actual: string) => {
      checks.push({ kind: 'step', ...(step !== undefined ? { step } : {}), status: 'errored', expected, actual, message: actual });
    };
    const actionResult = (running: RunningAction, r: PerformResult, step: number) => {
      if (r.timedOut) errored(step, `the POS finishes ${running.label}`, `the POS hung: ${r.error ?? 'timeout'}`);
      else if (!r.outcome && r.error && !signal.aborted) errored(step, `the POS answers ${running.label}`, r.error);
    };
    const sinceMarker = (name: string | undefined, fallback: Marker): Marker => {
      if (name === undefined) return fallback;
      return named.get(name)?.marker ?? fallback;
    };
    const helpers: ExpectHelpers = {
      ctx,
      record,
      deferred,
      itemStart,
      lastActionMarker: () => lastAction?.marker ?? itemStart,
      sinceMarker,
      findAction: (of) => (of === undefined ? lastAction : named.get(of)?.action),
      amountFor: () => amount,
      captures: () => captures,
      baseline: () => baseline,
      state: () => snapshot(sim.getState()),
      signal,
      checks,
      answers: result.operatorAnswers,
    };
    /** The step the item was on when it stopped (hang, timeout): later checks are judged on what was seen. */
    let reached = -1;

    try {
      for (let i = 0; i < item.steps.length; i++) {
        reached = i;
        if (signal.aborted) throw new ItemStopped();
        const step = item.steps[i] as Step;
        const stepNo = i;
        const here = this.marker();
        if (step.name) named.set(step.name, { marker: here });
        emit({ event: 'step', id: item.id, step: i, kind: step.kind, text: describeStep(step) });
        switch (step.kind) {
          case 'setup': {
            try {
              if (step.inventory) {
                const before = sim.getState().inventory;
                sim.setInventory(step.inventory);
                const after = sim.getState().inventory;
                baseline = shiftBaseline(baseline, before, after);
              }
              if (step.customer) sim.setCustomer(step.customer);
              for (const fault of step.faults ?? []) sim.armFault(fault);
            } catch (err) {
              errored(stepNo, 'the simulator accepts the setup', `setup failed: ${message(err)}`);
              throw new ItemStopped();
            }
            break;
          }
          case 'action': {
            const label = `${step.action}${step.amount !== undefined ? ` ${step.amount}` : ''}${step.name ? ` (${step.name})` : ''}`;
            if (step.amount !== undefined) amount = step.amount;
            const rec: ActionRecord = { action: step.action, startedAt: here.at, durationMs: 0 };
            if (step.amount !== undefined) rec.amount = step.amount;
            if (step.name) rec.name = step.name;
            const span: ActionSpan = { action: step.action, label, startIndex: here.index, endIndex: Number.MAX_SAFE_INTEGER };
            if (step.amount !== undefined) span.amount = step.amount;
            const timeoutMs = step.timeoutMs ?? this.options.pos.driver.timeoutsMs?.[step.action] ?? DEFAULT_ACTION_TIMEOUTS_MS[step.action as PosAction];
            const t = performance.now();
            const settled = driver
              .perform(step.action, step.amount !== undefined ? { amount: step.amount } : {}, { timeoutMs, signal })
              .catch((err: unknown): PerformResult => ({ error: `the driver failed: ${message(err)}` }))
              .then((r) => {
                rec.durationMs = Math.round(performance.now() - t);
                span.endIndex = this.entries.length;
                if (r.outcome) {
                  rec.outcome = r.outcome;
                  span.outcome = r.outcome;
                }
                if (r.error) rec.error = r.error;
                if (r.stdout) rec.stdout = r.stdout;
                if (r.stderr) rec.stderr = r.stderr;
                return r;
              });
            const running: RunningAction = { record: rec, span, marker: here, settled, label };
            actions.push(running);
            lastAction = running;
            if (step.name) named.set(step.name, { marker: here, action: running });
            if (step.wait) {
              const r = await settled;
              actionResult(running, r, stepNo);
              if (r.timedOut) {
                // The POS hung: stop waiting on it, let background actions end too.
                controller.abort(new Error('the POS hung'));
                throw new ItemStopped();
              }
            } else {
              void settled.then((r) => actionResult(running, r, stepNo));
            }
            break;
          }
          case 'customer': {
            const ok = await this.waitUntil(() => {
              const op = sim.getState().operation;
              return op !== null && (op.waitingFor === 'customer' || (op.waitingFor !== 'operator' && OPEN_FOR_CUSTOMER.has(op.command)));
            }, step.withinMs, signal);
            if (!ok) {
              if (signal.aborted) throw new ItemStopped();
              record(stepNo, 'customer', {
                status: 'failed',
                expected: `an acceptance open for the customer within ${formatMs(step.withinMs)}`,
                actual: `nothing was open; ${sentSummary(this.entries, lastAction?.marker.index ?? 0)}`,
                why: 'the POS never opened an acceptance for the customer',
              });
              break;
            }
            if (step.whenSends !== undefined) {
              const pattern = step.whenSends;
              const seen = await this.waitUntil(
                () => this.entries.slice(here.index).some((e) => e.dir === 'in' && matchFrame(pattern, e.data, { captures, ...(amount !== undefined ? { amount } : {}) }).ok),
                step.withinMs,
                signal,
              );
              if (!seen) {
                if (signal.aborted) throw new ItemStopped();
                record(stepNo, 'customer', {
                  status: 'failed',
                  expected: `the POS sends ${describePattern(pattern)} while the customer pays, within ${formatMs(step.withinMs)}`,
                  actual: sentSummary(this.entries, here.index),
                  why: `the POS never sent ${describePattern(pattern)} while the customer was paying`,
                });
                break;
              }
            }
            if (step.afterMs > 0) await this.sleep(step.afterMs, signal);
            try {
              if (step.insert && step.insert.length) sim.insert(step.insert, step.accept === false ? { accept: false } : undefined);
              if (step.cancel) sim.cancel();
              if (step.confirm) sim.confirm();
            } catch (err) {
              if (err instanceof CertError && err.code === 'NOTHING_OPEN') {
                record(stepNo, 'customer', {
                  status: 'failed',
                  expected: 'the acceptance stays open until the customer acts',
                  actual: message(err),
                  why: 'the POS closed the acceptance before the customer could act',
                });
              } else {
                errored(stepNo, 'the simulator takes the customer action', message(err));
              }
            }
            break;
          }
          case 'operator': {
            const ok = await this.waitUntil(() => sim.getState().operation?.waitingFor === 'operator', step.withinMs, signal);
            if (!ok) {
              if (signal.aborted) throw new ItemStopped();
              record(stepNo, 'operator-screen', {
                status: 'failed',
                expected: `a backoffice screen open within ${formatMs(step.withinMs)}`,
                actual: `no screen was open; ${sentSummary(this.entries, lastAction?.marker.index ?? 0)}`,
                why: 'the POS never opened the backoffice screen',
              });
              break;
            }
            if (step.afterMs > 0) await this.sleep(step.afterMs, signal);
            try {
              if (step.close) sim.closeBackoffice();
            } catch (err) {
              errored(stepNo, 'the simulator closes the backoffice', message(err));
            }
            break;
          }
          case 'fault': {
            try {
              sim.armFault(step.fault);
            } catch (err) {
              errored(stepNo, `the simulator arms the fault ${step.fault.type}`, message(err));
              throw new ItemStopped();
            }
            break;
          }
          case 'wait':
            await this.sleep(step.ms, signal);
            break;
          case 'expect':
            await this.expect(step.expect, stepNo, step.message, helpers, false);
            break;
        }
      }
      reached = item.steps.length;
      // Background actions (wait: false) must finish before the item is judged.
      for (const running of actions) await running.settled;
    } catch (err) {
      if (!(err instanceof ItemStopped)) errored(undefined, 'the runner completes the item', `internal runner error: ${message(err)}`);
    }
    const stoppedBy = signal.aborted ? String((signal.reason as Error | undefined)?.message ?? 'aborted') : undefined;
    if (stoppedBy) {
      // Let abandoned actions settle (drivers answer promptly on abort) so nothing outlives the item.
      await Promise.all(actions.map((a) => a.settled));
    }
    clearTimeout(itemTimer);
    runSignal.removeEventListener('abort', onRunAbort);
    if (stoppedBy !== undefined && stoppedBy !== 'interrupted') {
      // The item stopped early (the POS hung, the item timed out): what the wire already shows
      // still judges the checks about the actions that ran. Checks after an action that never
      // started are about something the POS was never asked to do, so they are not judged.
      for (let j = reached + 1; j < item.steps.length; j++) {
        const step = item.steps[j] as Step;
        if (step.kind === 'action') break;
        if (step.kind === 'expect') await this.expect(step.expect, j, step.message, helpers, true);
      }
    }

    const final = ctx(true);
    for (const d of [...deferred].sort((a, b) => a.order - b.order || a.step - b.step)) {
      const ev = d.run({ ...final, captures });
      record(d.step, d.kind, ev.status === 'pending' ? { ...ev, status: 'failed' } : ev, d.message);
    }
    checks.push(...consistencyChecks(this.entries, actions.map((a) => a.span)));
    if (stoppedBy === 'item timeout') {
      errored(undefined, `the item finishes within ${formatMs(item.timeoutMs)}`, `the item was stopped after ${formatMs(item.timeoutMs)} (the POS or a step hung)`);
    }
    for (const a of driver.drainAnswers?.() ?? []) result.operatorAnswers.push(a);

    // A POS that hung, crashed or answered no outcome starts afresh before the next item.
    const broken = actions.find((a) => a.record.error !== undefined && !a.record.outcome);
    if (stoppedBy !== 'interrupted' && driver.type !== 'manual' && (broken || stoppedBy !== undefined)) {
      this.restartReason = `${item.id} left it ${broken ? `without an answer to ${broken.label} (${broken.record.error})` : `stopped (${stoppedBy})`}`;
    }

    result.checks = checks;
    result.actions = actions.map((a) => a.record);
    if (restartReason !== undefined) {
      this.entries.unshift({ at: 0, conn: 0, dir: 'event', kind: 'control', data: `runner: the POS was restarted before this item (${restartReason})` });
    }
    result.transcript = [...this.entries];
    result.faults = this.entries.filter((e) => e.dir === 'event' && e.kind === 'fault').map((e) => e.data);
    result.durationMs = Math.round(performance.now() - started);
    if (stoppedBy === 'interrupted') {
      result.verdict = 'skipped';
      result.reason = 'interrupted (Ctrl-C) before the item finished';
    } else {
      const v = itemVerdict(checks, sentAnyCommand(this.entries, item.underTest));
      result.verdict = v.verdict;
      result.reason = v.reason;
      if (v.verdict === 'fail') {
        const refusals = connectorRefusals(this.entries);
        if (refusals.length > 0) result.reason = `${v.reason} — ${describeRefusals(refusals)}`;
      }
    }
    return result;
  }

  private async waitUntil(test: () => boolean, withinMs: number, signal: AbortSignal): Promise<boolean> {
    const deadline = performance.now() + withinMs;
    for (;;) {
      if (test()) return true;
      if (signal.aborted) return false;
      const left = deadline - performance.now();
      if (left <= 0) return test();
      // Machine state changes show up as transcript entries; the short cap catches the rest.
      await this.waitForEntry(Math.min(left, 25), signal);
    }
  }

  /**
   * Runs one expect step. `afterStop`: the item already stopped (hang, timeout); the check is
   * judged on what was seen, when the item is over, without waiting for anything.
   */
  private async expect(exp: Expectation, step: number, stepMessage: string | undefined, h: ExpectHelpers, afterStop: boolean): Promise<void> {
    /** Judge this expectation when the item is over (order 1: after the checks that capture). */
    const defer = (run: (c: WireContext) => Evaluation, order = 0) => {
      h.deferred.push({ step, kind: exp.type, run, order, ...(stepMessage ? { message: stepMessage } : {}) });
    };
    switch (exp.type) {
      case 'sends':
      case 'sendsInOrder': {
        const since = h.sinceMarker(exp.since, h.lastActionMarker());
        const evaluate = (c: WireContext) => (exp.type === 'sends' ? evaluateSends(exp, since, c) : evaluateSendsInOrder(exp, since, c));
        // With `atMost`, a late duplicate still counts: judged when the item is over.
        if (afterStop || exp.withinMs === undefined || (exp.type === 'sends' && exp.count?.atMost !== undefined)) {
          return defer(evaluate);
        }
        const endAt = since.at + exp.withinMs;
        for (;;) {
          const ev = evaluate(h.ctx(false));
          if (ev.status !== 'pending') return h.record(step, exp.type, ev, stepMessage);
          if (h.signal.aborted) return h.record(step, exp.type, { ...ev, status: 'failed', why: `${ev.why ?? 'not seen'} (the item was stopped)` }, stepMessage);
          await this.waitForEntry(Math.max(1, endAt - this.now()), h.signal);
        }
      }
      case 'neverSends': {
        const since = h.sinceMarker(exp.since, h.itemStart);
        return defer((c) => evaluateNeverSends(exp, since, c));
      }
      case 'oneCommandAtATime':
        return defer((c) => evaluateOneCommandAtATime(c));
      case 'captured':
        return defer((c) => evaluateCaptured(exp, c), 1);
      case 'machine': {
        // Judged at the end: money keeps moving until the last action is over.
        return defer((c) => evaluateMachine(exp, h.baseline(), h.state(), c));
      }
      case 'outcome': {
        const running = h.findAction(exp.of);
        if (running) await running.settled;
        const view = running
          ? {
              label: running.label,
              ...(running.record.outcome ? { outcome: running.record.outcome } : {}),
              ...(running.record.error ? { error: running.record.error } : {}),
              ...(running.record.amount !== undefined ? { amount: running.record.amount } : {}),
            }
          : undefined;
        const amount = h.amountFor();
        h.record(step, 'outcome', evaluateOutcome(exp, view, { captures: h.captures(), ...(amount !== undefined ? { amount } : {}) }), stepMessage);
        return;
      }
      case 'operator': {
        if (afterStop) return;
        const question = exp.question[this.settings.lang];
        if (this.settings.ci || !this.options.console) {
          h.checks.push({
            kind: 'operator',
            step,
            status: 'skipped',
            expected: question,
            actual: 'not asked',
            message: this.settings.ci ? 'operator check: skipped in --ci (a person must confirm it)' : 'operator check: no operator terminal',
          });
          return;
        }
        try {
          const { yes, answer } = await askYesNo(this.options.console, this.settings.lang, question, h.signal);
          const operator = this.driver?.operatorName?.() ?? '';
          h.answers.push({ question, answer, operator, at: new Date().toISOString() });
          h.checks.push({
            kind: 'operator',
            step,
            status: yes ? 'passed' : 'failed',
            expected: question,
            actual: `the operator answered "${answer}"`,
            ...(yes ? {} : { message: stepMessage ? `${stepMessage} — the operator answered no` : 'the operator answered no' }),
          });
        } catch (err) {
          h.checks.push({ kind: 'operator', step, status: 'skipped', expected: question, actual: 'no answer', message: `operator check: ${message(err)}` });
        }
        return;
      }
    }
  }
}

/** A check judged when the item is over, in `order`, then step order. */
interface DeferredCheck {
  step: number;
  run: (ctx: WireContext) => Evaluation;
  message?: string;
  kind: string;
  order: number;
}

interface ExpectHelpers {
  ctx: (final: boolean) => WireContext;
  record: (step: number, kind: string, ev: Evaluation, stepMessage?: string) => void;
  deferred: DeferredCheck[];
  itemStart: Marker;
  lastActionMarker: () => Marker;
  sinceMarker: (name: string | undefined, fallback: Marker) => Marker;
  findAction: (of: string | undefined) => RunningAction | undefined;
  amountFor: () => number | undefined;
  captures: () => Captures;
  baseline: () => Pick<SimulatorState, 'inventory' | 'ledger'>;
  state: () => Pick<SimulatorState, 'inventory' | 'ledger'>;
  signal: AbortSignal;
  checks: CheckResult[];
  answers: OperatorAnswer[];
}

function snapshot(state: SimulatorState): Pick<SimulatorState, 'inventory' | 'ledger'> {
  return {
    inventory: { recyclers: { ...state.inventory.recyclers }, stacker: { ...state.inventory.stacker } },
    ledger: { ...(state.ledger ?? { inserted: 0, dispensed: 0 }) },
  };
}

/** Counts a setup step sets are not money the POS moved: move the baseline with them. */
function shiftBaseline(
  baseline: Pick<SimulatorState, 'inventory' | 'ledger'>,
  before: SimulatorState['inventory'],
  after: SimulatorState['inventory'],
): Pick<SimulatorState, 'inventory' | 'ledger'> {
  const shifted = {
    inventory: { recyclers: { ...baseline.inventory.recyclers }, stacker: { ...baseline.inventory.stacker } },
    ledger: { ...baseline.ledger },
  };
  for (const place of ['recyclers', 'stacker'] as const) {
    const keys = new Set([...Object.keys(before[place]), ...Object.keys(after[place])]);
    for (const k of keys) {
      const delta = (after[place][k] ?? 0) - (before[place][k] ?? 0);
      if (delta !== 0) shifted.inventory[place][k] = (shifted.inventory[place][k] ?? 0) + delta;
    }
  }
  return shifted;
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'setup':
      return 'setting up the machine';
    case 'action':
      return `POS: ${step.action}${step.amount !== undefined ? ` ${step.amount}` : ''}`;
    case 'customer':
      return `customer: ${step.insert?.length ? `insert ${step.insert.join(' + ')}` : step.cancel ? 'cancel' : step.confirm ? 'confirm' : 'wait'}`;
    case 'operator':
      return 'operator: close the backoffice';
    case 'fault':
      return `fault: ${step.fault.type}`;
    case 'wait':
      return `wait ${formatMs(step.ms)}`;
    case 'expect':
      return `expect ${step.expect.type}`;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

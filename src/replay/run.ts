/**
 * A replay with the POS driven (adapter): start the replay connector, start the POS through its
 * driver pointed at it, perform the recorded item's actions in their recorded order and spacing,
 * and tell whether the POS followed the recording to its end.
 *
 * The POS diverges when a frame differs from the recorded one (matcher.ts), when it leaves out a
 * recorded frame, or when an action's outcome differs from the recorded outcome (outcome, paid,
 * change, owed, refunded, uncertain: the figures a regression would change; the message is free).
 */
import { DEFAULT_ACTION_TIMEOUTS_MS, type PosDriver } from '../drivers/driver.js';
import type { PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { Divergence } from './matcher.js';
import type { RecordedAction, RecordedItem } from './recording.js';
import { planActions } from './script.js';
import { startReplay, type ReplayHandle } from './server.js';

export interface OutcomeDivergence {
  reason: 'outcome';
  /** 0-based index of the action in the recorded item. */
  action: number;
  name: string;
  expected: PosOutcome | undefined;
  got: PosOutcome | undefined;
  /** What the driver said went wrong, when the action did not answer. */
  error?: string;
  message: string;
}

export interface ActionRun {
  action: RecordedAction['action'];
  amount?: number;
  startedAt: number;
  durationMs: number;
  outcome?: PosOutcome;
  error?: string;
}

export interface ReplayRunResult {
  /** True when every recorded frame came in order, nothing diverged and every outcome matched. */
  followed: boolean;
  /** Frame divergences, first first (by time). */
  divergences: Divergence[];
  outcomes: OutcomeDivergence[];
  actions: ActionRun[];
  transcript: TranscriptEntry[];
  progress: { matched: number; total: number };
  /** Stopped by the caller's signal (Ctrl-C). */
  interrupted: boolean;
}

export interface ReplayRunOptions {
  item: RecordedItem;
  driver: PosDriver;
  host?: string;
  port?: number;
  timeScale?: number;
  /** Per-action timeouts (pos.yaml `timeouts`); defaults otherwise. */
  timeoutsMs?: Partial<Record<RecordedAction['action'], number>>;
  /** How long to wait, once the last action ended, for recorded frames the POS sends after it. Default 2 s. */
  graceMs?: number;
  signal?: AbortSignal;
  /** The replay connector is listening (its address), before the POS starts. */
  onListening?: (replay: ReplayHandle) => void;
  onDivergence?: (divergence: Divergence | OutcomeDivergence) => void;
  onAction?: (run: ActionRun, index: number) => void;
}

const FIELDS = ['outcome', 'paid', 'change', 'owed', 'refunded', 'uncertain'] as const;

export async function replayWithPos(options: ReplayRunOptions): Promise<ReplayRunResult> {
  const replay = await startReplay({
    transcript: options.item.transcript,
    ...(options.host !== undefined ? { host: options.host } : {}),
    port: options.port ?? 0,
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
  });
  options.onListening?.(replay);
  const stopAll = new AbortController();
  const onOuterAbort = () => stopAll.abort(options.signal?.reason ?? 'interrupted');
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const offDivergence = replay.onDivergence((d) => {
    options.onDivergence?.(d);
    // The first divergence is the answer: waiting for the rest of the actions would only wait out timeouts.
    stopAll.abort('the POS diverged from the recording');
  });
  const outcomes: OutcomeDivergence[] = [];
  const runs: ActionRun[] = [];
  const started = performance.now();
  try {
    try {
      await options.driver.start({ host: replay.host, port: replay.port, signal: stopAll.signal });
    } catch (err) {
      // A POS that cannot start leaves nothing to judge; the connector must not outlive it.
      offDivergence();
      await options.driver.stop().catch(() => undefined);
      await replay.close();
      throw err;
    }
    const plan = planActions(options.item.actions);
    const startedAt: number[] = [];
    const ended: Promise<void>[] = [];
    const endedAt: number[] = [];
    for (const [i, step] of plan.entries()) {
      if (stopAll.signal.aborted) break;
      await Promise.race([Promise.all(step.waitsFor.map((j) => ended[j])), aborted(stopAll.signal)]);
      const anchorAt = step.anchor === undefined ? 0 : step.anchor.edge === 'start' ? (startedAt[step.anchor.action] ?? 0) : (endedAt[step.anchor.action] ?? 0);
      await sleep(Math.max(0, anchorAt + step.delayMs - (performance.now() - started)), stopAll.signal);
      if (stopAll.signal.aborted) break;
      startedAt[i] = performance.now() - started;
      const recorded = step.action;
      ended[i] = (async () => {
        const timeoutMs = options.timeoutsMs?.[recorded.action] ?? DEFAULT_ACTION_TIMEOUTS_MS[recorded.action];
        const result = await options.driver.perform(recorded.action, recorded.amount !== undefined ? { amount: recorded.amount } : {}, { timeoutMs, signal: stopAll.signal });
        endedAt[i] = performance.now() - started;
        const run: ActionRun = {
          action: recorded.action,
          ...(recorded.amount !== undefined ? { amount: recorded.amount } : {}),
          startedAt: round(startedAt[i] ?? 0),
          durationMs: round((endedAt[i] ?? 0) - (startedAt[i] ?? 0)),
          ...(result.outcome !== undefined ? { outcome: result.outcome } : {}),
          ...(result.error !== undefined ? { error: result.error } : {}),
        };
        runs[i] = run;
        options.onAction?.(run, i);
        if (stopAll.signal.aborted) return;
        const differs = compareOutcome(recorded.outcome, result.outcome);
        if (differs !== undefined) {
          const label = `${recorded.name ?? recorded.action}${recorded.amount !== undefined ? ` ${recorded.amount}` : ''}`;
          const d: OutcomeDivergence = {
            reason: 'outcome',
            action: i,
            name: label,
            expected: recorded.outcome,
            got: result.outcome,
            ...(result.error !== undefined ? { error: result.error } : {}),
            message: `action ${i + 1} (${label}): ${differs}${result.error !== undefined ? ` (${result.error})` : ''}`,
          };
          outcomes.push(d);
          options.onDivergence?.(d);
          stopAll.abort('the POS diverged from the recording');
        }
      })();
    }
    await Promise.all(ended);
    if (!stopAll.signal.aborted && !replay.complete()) {
      await Promise.race([replay.settled(), sleep(options.graceMs ?? 2000, stopAll.signal)]);
    }
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    await options.driver.stop().catch(() => undefined);
  }
  const interrupted = options.signal?.aborted === true;
  const divergences = interrupted ? replay.divergences() : replay.finish();
  offDivergence();
  const result: ReplayRunResult = {
    followed: !interrupted && divergences.length === 0 && outcomes.length === 0 && replay.complete(),
    divergences,
    outcomes,
    actions: runs.filter((r) => r !== undefined),
    transcript: replay.getTranscript(),
    progress: replay.progress(),
    interrupted,
  };
  await replay.close();
  return result;
}

/** What differs between the recorded outcome and the POS's, in words; undefined when they agree. */
export function compareOutcome(expected: PosOutcome | undefined, got: PosOutcome | undefined): string | undefined {
  if (expected === undefined) return undefined;
  if (got === undefined) return `the POS gave no outcome, the recording has ${describe(expected)}`;
  const diffs: string[] = [];
  for (const key of FIELDS) {
    const a = expected[key];
    const b = got[key];
    // An absent figure and 0 (or false) say the same thing.
    if ((a ?? falsy(key)) !== (b ?? falsy(key))) diffs.push(`${key} ${JSON.stringify(b ?? null)} instead of ${JSON.stringify(a ?? null)}`);
  }
  return diffs.length === 0 ? undefined : `outcome differs from the recording: ${diffs.join(', ')}`;
}

function falsy(key: (typeof FIELDS)[number]): unknown {
  return key === 'uncertain' ? false : key === 'outcome' ? undefined : 0;
}

function describe(outcome: PosOutcome): string {
  return FIELDS.filter((k) => outcome[k] !== undefined)
    .map((k) => `${k} ${JSON.stringify(outcome[k])}`)
    .join(', ');
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

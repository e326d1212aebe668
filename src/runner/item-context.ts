/**
 * What the steps of one item share while it runs: the simulator and the POS, the wire watch,
 * the item's signal, and the item's own record (checks, actions, named steps, captures, the
 * amount `{amount}` stands for, deferred checks, the machine baseline). Step kinds act through
 * it; judging stays in the pure evaluators of expect.ts.
 */
import type { PosDriver, PerformResult } from '../drivers/driver.js';
import type { OperatorAnswer, OperatorConsole } from '../drivers/operator.js';
import { LANGS, type Lang, type Localized } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import type { SimulatorHandle, SimulatorState } from '../server/types.js';
import type { ActionSpan } from './consistency.js';
import type { Evaluation, Marker, WireContext } from './expect.js';
import type { Captures, MatchContext } from './patterns.js';
import type { ActionRecord, CheckResult } from './result.js';
import { ItemStopped, type WireWatch } from './wire-watch.js';

export interface LaneSettings {
  seed: number;
  timeScale: number;
  lang: Lang;
  ci: boolean;
}

/** Everything an item runs against, fixed for the item. */
export interface ItemEnv {
  sim: SimulatorHandle;
  driver: PosDriver;
  watch: WireWatch;
  settings: LaneSettings;
  pos: PosProfile;
  /** A tickets integration's shared requests folder (the lane's own). */
  ticketsDir?: string;
  /** The operator terminal, when there is one. */
  console?: OperatorConsole;
}

/** An action step's run: its record in the result, its span on the wire, when it settles. */
export interface RunningAction {
  record: ActionRecord;
  span: ActionSpan;
  marker: Marker;
  settled: Promise<PerformResult>;
  label: string;
}

/** A check judged when the item is over, in `order`, then step order. */
export interface DeferredCheck {
  step: number;
  run: (ctx: WireContext) => Evaluation;
  message?: string;
  messages?: Localized;
  kind: string;
  order: number;
}

/** An expect step's sentence naming the defect: English, and in every language when the checklist gives it. */
export interface StepMessage {
  message?: string;
  messages?: Localized;
}

/**
 * A failed check's message in every language: the step's sentence in that language, then the
 * evidence exactly as the English message carries it (frames, counts, what the POS sent are
 * compared with logs, so they are never reworded).
 */
export function localizedFailure(messages: Localized, evidence: string): Localized {
  const out = {} as Localized;
  for (const lang of LANGS) out[lang] = `${messages[lang]} — ${evidence}`;
  return out;
}

/** Counts and totals a machine expectation compares. */
export type MachineSnapshot = Pick<SimulatorState, 'inventory' | 'ledger'>;

export function snapshot(state: SimulatorState): MachineSnapshot {
  return {
    inventory: { recyclers: { ...state.inventory.recyclers }, stacker: { ...state.inventory.stacker } },
    ledger: { ...(state.ledger ?? { inserted: 0, dispensed: 0 }) },
  };
}

export class ItemContext {
  readonly checks: CheckResult[] = [];
  readonly actions: RunningAction[] = [];
  readonly deferred: DeferredCheck[] = [];
  /** Position 0: where `neverSends` looks from by default. */
  readonly itemStart: Marker = { index: 0, at: 0 };
  captures: Captures = {};
  /** Amount of the last action with one: what `{amount}` stands for. */
  amount: number | undefined;
  lastAction: RunningAction | undefined;
  /** The machine when the item started, moved by what setup steps set (not money the POS moved). */
  baseline: MachineSnapshot;
  private readonly named = new Map<string, { marker: Marker; action?: RunningAction }>();

  constructor(
    readonly env: ItemEnv,
    private readonly controller: AbortController,
    /** Where operator answers go (the item result's list). */
    readonly answers: OperatorAnswer[],
  ) {
    this.baseline = snapshot(env.sim.getState());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop the item now (the POS hung): waits end, background actions are abandoned. */
  stop(reason: string): never {
    this.controller.abort(new Error(reason));
    throw new ItemStopped();
  }

  /** What `{name}` and `{amount}` stand for right now. */
  matchContext(): MatchContext {
    return { captures: this.captures, ...(this.amount !== undefined ? { amount: this.amount } : {}) };
  }

  /** The wire so far; `final`: the item is over, pending checks become final. */
  wire(final: boolean): WireContext {
    return { entries: this.env.watch.entries, now: this.env.watch.now(), final, ...this.matchContext() };
  }

  machine(): MachineSnapshot {
    return snapshot(this.env.sim.getState());
  }

  record(step: number, kind: string, ev: Evaluation, said: StepMessage = {}): void {
    const failedWhy = ev.why ?? ev.actual;
    const stepMessage = said.message;
    this.checks.push({
      kind,
      step,
      status: ev.status === 'passed' ? 'passed' : ev.status === 'errored' ? 'errored' : 'failed',
      expected: ev.expected,
      actual: ev.actual,
      ...(ev.status === 'passed' ? {} : { message: stepMessage ? `${stepMessage} — ${failedWhy}` : failedWhy }),
      ...(ev.status !== 'passed' && stepMessage && said.messages ? { messages: localizedFailure(said.messages, failedWhy) } : {}),
    });
    if (ev.status === 'passed' && ev.captures) this.captures = { ...this.captures, ...ev.captures };
  }

  /** A step that could not do its job (not a verdict on the POS's wire behaviour). */
  errored(step: number | undefined, expected: string, actual: string): void {
    this.checks.push({ kind: 'step', ...(step !== undefined ? { step } : {}), status: 'errored', expected, actual, message: actual });
  }

  defer(check: DeferredCheck): void {
    this.deferred.push(check);
  }

  /** Remember a named step (for `since`) and, for an action, its run (for `of`). */
  name(name: string, marker: Marker, action?: RunningAction): void {
    this.named.set(name, action ? { marker, action } : { marker });
  }

  /** Where a window starts: the named step, or `fallback`. */
  since(name: string | undefined, fallback: Marker): Marker {
    if (name === undefined) return fallback;
    return this.named.get(name)?.marker ?? fallback;
  }

  lastActionMarker(): Marker {
    return this.lastAction?.marker ?? this.itemStart;
  }

  /** The action an outcome check is about: the named one, or the last. */
  findAction(of: string | undefined): RunningAction | undefined {
    return of === undefined ? this.lastAction : this.named.get(of)?.action;
  }
}

/** The text of a thrown value, for a check's `actual`. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

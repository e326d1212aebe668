/**
 * One item, from its first step to its verdict, on a lane that is ready:
 *
 *   steps (each by its kind, ./steps) → [stopped early: the remaining checks judged on what was
 *   seen] → deferred checks → outcome/wire consistency → verdict (reason quoting the connector's
 *   refusals when it failed)
 *
 * Waiting is real time here; judging is pure (expect.ts, consistency.ts, verdict.ts).
 */
import type { ChecklistItem, Step } from '../checklist/types.js';
import type { Lang } from '../i18n.js';
import { consistencyChecks } from './consistency.js';
import { connectorRefusals, describeRefusals } from './evidence.js';
import type { RunEvent } from './events.js';
import { formatMs, sentAnyCommand } from './expect.js';
import { ItemContext, message, type ItemEnv } from './item-context.js';
import type { ItemResult } from './result.js';
import { describeStep, stepRunner } from './steps/index.js';
import { appendToReasons, itemVerdict, REASON_WORDS } from './verdict.js';
import { ItemStopped } from './wire-watch.js';

/** A result with no checks yet: the verdict of an item that did not run, or the start of one that does. */
export function blankItem(item: ChecklistItem, lang: Lang, verdict: 'not-applicable' | 'skipped' | 'error', reason: string): ItemResult {
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

/** Why an item stopped when the machine waited for a person who could not act (SimulatorHandle.onStuck). */
const STUCK = 'nobody at the machine';

export interface PlayedItem {
  /** Why the POS must start afresh before the next item (it hung, crashed or timed out), if it must. */
  leftBroken?: string;
  /** Ctrl-C stopped it before its verdict: it counts as not run. */
  interrupted?: boolean;
}

/**
 * Runs the item's steps and fills `result` (checks, actions, transcript, faults, verdict).
 * `restartedFor`: the POS was restarted before this item, for this reason.
 */
export async function playItem(
  env: ItemEnv,
  item: ChecklistItem,
  result: ItemResult,
  runSignal: AbortSignal,
  emit: (e: RunEvent) => void,
  restartedFor: string | undefined,
): Promise<PlayedItem> {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(new Error('interrupted'));
  if (runSignal.aborted) onRunAbort();
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  const itemTimer = setTimeout(() => controller.abort(new Error('item timeout')), item.timeoutMs);
  const signal = controller.signal;
  const { watch, driver } = env;
  // A person at a real connector could not act: the machine waits for ever, and the rest of
  // the item would judge the POS on money that never came.
  let stuck: string | undefined;
  const offStuck = env.sim.onStuck?.((reason) => {
    if (signal.aborted) return;
    stuck = reason;
    controller.abort(new Error(STUCK));
  });

  watch.restart();
  const ctx = new ItemContext(env, controller, result.operatorAnswers);
  const reached = await runSteps(item, ctx, emit);

  const stoppedBy = signal.aborted ? String((signal.reason as Error | undefined)?.message ?? 'aborted') : undefined;
  if (stoppedBy) {
    // Let abandoned actions settle (drivers answer promptly on abort) so nothing outlives the item.
    await Promise.all(ctx.actions.map((a) => a.settled));
  }
  clearTimeout(itemTimer);
  offStuck?.();
  runSignal.removeEventListener('abort', onRunAbort);
  const judgeRest = stoppedBy !== undefined && stoppedBy !== 'interrupted' && stoppedBy !== STUCK;
  if (judgeRest) await judgeAfterStop(item, ctx, reached);

  const final = ctx.wire(true);
  for (const d of stoppedBy === STUCK ? [] : [...ctx.deferred].sort((a, b) => a.order - b.order || a.step - b.step)) {
    const ev = d.run({ ...final, captures: ctx.captures });
    ctx.record(d.step, d.kind, ev.status === 'pending' ? { ...ev, status: 'failed' } : ev, {
      ...(d.message !== undefined ? { message: d.message } : {}),
      ...(d.messages !== undefined ? { messages: d.messages } : {}),
    });
  }
  const checks = ctx.checks;
  checks.push(...consistencyChecks(watch.entries, ctx.actions.map((a) => a.span)));
  if (stoppedBy === 'item timeout') {
    ctx.errored(undefined, `the item finishes within ${formatMs(item.timeoutMs)}`, `the item was stopped after ${formatMs(item.timeoutMs)} (the POS or a step hung)`);
  }
  if (stoppedBy === STUCK) {
    ctx.errored(undefined, 'a person at the machine does what the item needs', `the item was stopped, not judged: ${stuck ?? 'nobody could act at the machine'}`);
  }
  for (const a of driver.drainAnswers?.() ?? []) result.operatorAnswers.push(a);

  // A POS that hung, crashed or answered no outcome starts afresh before the next item.
  const broken = ctx.actions.find((a) => a.record.error !== undefined && !a.record.outcome);
  const leftBroken =
    stoppedBy !== 'interrupted' && driver.type !== 'manual' && (broken || stoppedBy !== undefined)
      ? `${item.id} left it ${broken ? `without an answer to ${broken.label} (${broken.record.error})` : `stopped (${stoppedBy})`}`
      : undefined;

  result.checks = checks;
  result.actions = ctx.actions.map((a) => a.record);
  const entries = watch.entries;
  if (restartedFor !== undefined) {
    entries.unshift({ at: 0, conn: 0, dir: 'event', kind: 'control', data: `runner: the POS was restarted before this item (${restartedFor})` });
  }
  result.transcript = [...entries];
  result.faults = entries.filter((e) => e.dir === 'event' && e.kind === 'fault').map((e) => e.data);
  if (stoppedBy === 'interrupted') {
    result.verdict = 'skipped';
    result.reason = 'interrupted (Ctrl-C) before the item finished';
  } else {
    const v = itemVerdict(checks, sentAnyCommand(entries, item.underTest));
    result.verdict = v.verdict;
    result.reason = v.reason;
    let reasons = v.reasons;
    if (v.verdict === 'fail') {
      const refusals = connectorRefusals(entries);
      if (refusals.length > 0) {
        // The refusals are evidence in the protocol's words: every language quotes them as written.
        const refused = ` — ${describeRefusals(refusals)}`;
        result.reason = `${v.reason}${refused}`;
        if (reasons) reasons = appendToReasons(reasons, () => refused);
      }
      // The POS's own words about a failed action ("TODO: sale is not implemented yet") say what to fix first.
      const said = ctx.actions.map((a) => a.record.outcome).find((o) => o?.outcome === 'failed' && typeof o.message === 'string' && o.message.trim() !== '');
      const words = typeof said?.message === 'string' ? said.message.trim() : '';
      if (words !== '' && !result.reason.includes(words)) {
        result.reason = `${result.reason}; ${REASON_WORDS.posSaid.en} ${words}`;
        if (reasons) reasons = appendToReasons(reasons, (lang) => `; ${REASON_WORDS.posSaid[lang]} ${words}`);
      }
    }
    if (reasons) result.reasons = reasons;
  }
  return { ...(leftBroken !== undefined ? { leftBroken } : {}), ...(stoppedBy === 'interrupted' ? { interrupted: true } : {}) };
}

/** Runs the steps in order; returns the index of the step the item was on when it stopped (the step count when it did not). */
async function runSteps(item: ChecklistItem, ctx: ItemContext, emit: (e: RunEvent) => void): Promise<number> {
  let reached = -1;
  try {
    for (let i = 0; i < item.steps.length; i++) {
      reached = i;
      if (ctx.signal.aborted) throw new ItemStopped();
      const step = item.steps[i] as Step;
      const marker = ctx.env.watch.marker();
      if (step.name) ctx.name(step.name, marker);
      emit({ event: 'step', id: item.id, step: i, kind: step.kind, text: describeStep(step) });
      await stepRunner(step).run(step, ctx, { index: i, marker });
    }
    reached = item.steps.length;
    // Background actions (wait: false) must finish before the item is judged.
    for (const running of ctx.actions) await running.settled;
  } catch (err) {
    if (!(err instanceof ItemStopped)) ctx.errored(undefined, 'the runner completes the item', `internal runner error: ${message(err)}`);
  }
  return reached;
}

/**
 * The item stopped early (the POS hung, the item timed out): what the wire already shows still
 * judges the checks about the actions that ran. Checks after an action that never started are
 * about something the POS was never asked to do, so they are not judged.
 */
async function judgeAfterStop(item: ChecklistItem, ctx: ItemContext, reached: number): Promise<void> {
  for (let j = reached + 1; j < item.steps.length; j++) {
    const step = item.steps[j] as Step;
    const runner = stepRunner(step);
    if (runner.endsLateJudging) break;
    await runner.judgeAfterStop?.(step, ctx, j);
  }
}

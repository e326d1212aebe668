/**
 * `expect:` one check. Wire checks with a window wait for it here (in real time) and are judged
 * by the pure evaluators of ../expect.ts; the others are deferred to the end of the item, when
 * money has stopped moving and every capture is known. A window ends early once the POS has
 * answered every action and stayed quiet (../wire-watch.ts, QUIET_MS). After an early stop (the
 * POS hung, the item timed out) the check is judged on what was seen, without waiting.
 */
import { readdirSync } from 'node:fs';
import type { Expectation, ExpectStep } from '../../checklist/types.js';
import { askYesNo } from '../../drivers/operator.js';
import {
  evaluateCaptured,
  evaluateMachine,
  evaluateNeverSends,
  evaluateOneCommandAtATime,
  evaluateOutcome,
  evaluateSends,
  evaluateSendsInOrder,
  type Evaluation,
  type WireContext,
} from '../expect.js';
import { evaluateAnswersRemoved, evaluateNoFileEvent, evaluateRequests, evaluateRequestsLeft, evaluateUniqueRequests } from '../expect-tickets.js';
import { LANGS, type Localized } from '../../i18n.js';
import { message, type ItemContext, type StepMessage } from '../item-context.js';
import { quietNote, QUIET_MS } from '../wire-watch.js';
import type { StepRunner } from './step-runner.js';

export const expectStep: StepRunner<ExpectStep> = {
  describe: (step) => `expect ${step.expect.type}`,
  run: (step, ctx, at) => expectation(step.expect, ctx, at.index, said(step), false),
  judgeAfterStop: (step, ctx, index) => expectation(step.expect, ctx, index, said(step), true),
};

function said(step: ExpectStep): StepMessage {
  return { ...(step.message !== undefined ? { message: step.message } : {}), ...(step.messages !== undefined ? { messages: step.messages } : {}) };
}

/** "— the operator answered no" after an operator check's own sentence, in each language. */
const OPERATOR_SAID_NO: Localized = {
  fr: "l'opérateur a répondu non",
  en: 'the operator answered no',
  es: 'el operador respondió que no',
};

function operatorRefusal(messages: Localized): Localized {
  const out = {} as Localized;
  for (const lang of LANGS) out[lang] = `${messages[lang]} — ${OPERATOR_SAID_NO[lang]}`;
  return out;
}

/**
 * Waits for a pending evaluation to settle (it ends by itself once its window is past), then
 * records it. `quietEnds`: a POS that answered every action and went silent closes the window.
 */
async function watchUntilSettled(
  ctx: ItemContext,
  evaluate: (c: WireContext) => Evaluation,
  step: number,
  kind: string,
  stepMessage: StepMessage,
  quietEnds = true,
): Promise<void> {
  const { watch } = ctx.env;
  for (;;) {
    const ev = evaluate(ctx.wire(false));
    if (ev.status !== 'pending') return ctx.record(step, kind, ev, stepMessage);
    if (ctx.signal.aborted) {
      const final = evaluate({ ...ctx.wire(false), final: true });
      return ctx.record(step, kind, final.status === 'passed' ? final : { ...final, why: `${final.why ?? 'not seen'} (the item was stopped)` }, stepMessage);
    }
    const quiet = quietEnds ? watch.quietFor() : undefined;
    if (quiet !== undefined && quiet >= QUIET_MS) {
      const closed = evaluate({ ...ctx.wire(false), final: true });
      return ctx.record(step, kind, closed.status === 'passed' ? closed : { ...closed, actual: `${closed.actual}; ${quietNote()}` }, stepMessage);
    }
    await watch.waitForEntry(quiet !== undefined ? Math.max(1, QUIET_MS - quiet) : 100, ctx.signal);
  }
}

async function expectation(exp: Expectation, ctx: ItemContext, step: number, stepMessage: StepMessage, afterStop: boolean): Promise<void> {
  /** Judge this expectation when the item is over (order 1: after the checks that capture). */
  const defer = (run: (c: WireContext) => Evaluation, order = 0) => {
    ctx.defer({ step, kind: exp.type, run, order, ...stepMessage });
  };
  switch (exp.type) {
    case 'sends':
    case 'sendsInOrder': {
      const since = ctx.since(exp.since, ctx.lastActionMarker());
      const evaluate = (c: WireContext) => (exp.type === 'sends' ? evaluateSends(exp, since, c) : evaluateSendsInOrder(exp, since, c));
      // With `atMost`, a late duplicate still counts: judged when the item is over.
      if (afterStop || exp.withinMs === undefined || (exp.type === 'sends' && exp.count?.atMost !== undefined)) {
        return defer(evaluate);
      }
      const { watch } = ctx.env;
      const endAt = since.at + exp.withinMs;
      for (;;) {
        const ev = evaluate(ctx.wire(false));
        if (ev.status !== 'pending') return ctx.record(step, exp.type, ev, stepMessage);
        if (ctx.signal.aborted) return ctx.record(step, exp.type, { ...ev, status: 'failed', why: `${ev.why ?? 'not seen'} (the item was stopped)` }, stepMessage);
        const quiet = watch.quietFor();
        if (quiet !== undefined && quiet >= QUIET_MS) {
          // The POS answered every action and went silent: judge the window as closed now.
          const closed = evaluate({ ...ctx.wire(false), final: true });
          return ctx.record(step, exp.type, closed.status === 'passed' ? closed : { ...closed, actual: `${closed.actual}; ${quietNote()}` }, stepMessage);
        }
        const untilQuiet = quiet !== undefined ? QUIET_MS - quiet : Infinity;
        await watch.waitForEntry(Math.max(1, Math.min(endAt - watch.now(), untilQuiet)), ctx.signal);
      }
    }
    case 'neverSends': {
      const since = ctx.since(exp.since, ctx.itemStart);
      return defer((c) => evaluateNeverSends(exp, since, c));
    }
    case 'requests': {
      const since = ctx.since(exp.since, ctx.lastActionMarker());
      const evaluate = (c: WireContext) => evaluateRequests(exp, since, c);
      if (afterStop || exp.withinMs === undefined || exp.count?.atMost !== undefined) return defer(evaluate);
      return watchUntilSettled(ctx, evaluate, step, exp.type, stepMessage);
    }
    case 'noFileEvent': {
      const since = ctx.since(exp.since, ctx.itemStart);
      return defer((c) => evaluateNoFileEvent(exp, since, c));
    }
    case 'uniqueRequests':
      return defer((c) => evaluateUniqueRequests(c));
    case 'requestsLeft': {
      const dir = ctx.env.ticketsDir;
      // Listed when the item is judged: every action has settled by then.
      return defer((c) => evaluateRequestsLeft(exp, dir === undefined ? undefined : listFolder(dir), c));
    }
    case 'answersRemoved': {
      const since = ctx.since(exp.since, ctx.itemStart);
      const evaluate = (c: WireContext) => evaluateAnswersRemoved(exp, since, c);
      if (afterStop) return defer(evaluate);
      // Removing an answer is the POS's own pace after the action: never cut short by a quiet POS.
      return watchUntilSettled(ctx, evaluate, step, exp.type, stepMessage, false);
    }
    case 'oneCommandAtATime':
      return defer((c) => evaluateOneCommandAtATime(c));
    case 'captured':
      return defer((c) => evaluateCaptured(exp, c), 1);
    case 'machine': {
      // Judged at the end: money keeps moving until the last action is over.
      return defer((c) => evaluateMachine(exp, ctx.baseline, ctx.machine(), c));
    }
    case 'outcome': {
      const running = ctx.findAction(exp.of);
      if (running) await running.settled;
      const view = running
        ? {
            label: running.label,
            ...(running.record.outcome ? { outcome: running.record.outcome } : {}),
            ...(running.record.error ? { error: running.record.error } : {}),
            ...(running.record.amount !== undefined ? { amount: running.record.amount } : {}),
          }
        : undefined;
      ctx.record(step, 'outcome', evaluateOutcome(exp, view, ctx.matchContext()), stepMessage);
      return;
    }
    case 'operator': {
      if (afterStop) return;
      const { settings, console, driver } = ctx.env;
      const question = exp.question[settings.lang];
      if (settings.ci || !console) {
        ctx.checks.push({
          kind: 'operator',
          step,
          status: 'skipped',
          expected: question,
          actual: 'not asked',
          message: settings.ci ? 'operator check: skipped in --ci (a person must confirm it)' : 'operator check: no operator terminal',
        });
        return;
      }
      try {
        const { yes, answer } = await askYesNo(console, settings.lang, question, ctx.signal);
        const operator = driver.operatorName?.() ?? '';
        ctx.answers.push({ question, answer, operator, at: new Date().toISOString() });
        ctx.checks.push({
          kind: 'operator',
          step,
          status: yes ? 'passed' : 'failed',
          expected: question,
          actual: `the operator answered "${answer}"`,
          ...(yes ? {} : { message: stepMessage.message ? `${stepMessage.message} — ${OPERATOR_SAID_NO.en}` : OPERATOR_SAID_NO.en }),
          ...(!yes && stepMessage.message && stepMessage.messages ? { messages: operatorRefusal(stepMessage.messages) } : {}),
        });
      } catch (err) {
        ctx.checks.push({ kind: 'operator', step, status: 'skipped', expected: question, actual: 'no answer', message: `operator check: ${message(err)}` });
      }
      return;
    }
  }
}

function listFolder(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

/**
 * `action:` ask the POS to do something through its driver. With `wait: false` the action runs
 * in the background while the next steps act as customer or send a cancel; the item is judged
 * only once every action has settled.
 */
import type { ActionStep } from '../../checklist/types.js';
import { DEFAULT_ACTION_TIMEOUTS_MS, type PerformResult } from '../../drivers/driver.js';
import type { ActionSpan } from '../consistency.js';
import { message, type ItemContext, type RunningAction } from '../item-context.js';
import type { ActionRecord } from '../result.js';
import type { StepRunner } from './step-runner.js';

export const actionStep: StepRunner<ActionStep> = {
  describe: (step) => `POS: ${step.action}${step.amount !== undefined ? ` ${step.amount}` : ''}`,
  async run(step, ctx, at) {
    const { driver, watch, pos } = ctx.env;
    const here = at.marker;
    const label = `${step.action}${step.amount !== undefined ? ` ${step.amount}` : ''}${step.name ? ` (${step.name})` : ''}`;
    if (step.amount !== undefined) ctx.amount = step.amount;
    const rec: ActionRecord = { action: step.action, startedAt: here.at, durationMs: 0 };
    if (step.amount !== undefined) rec.amount = step.amount;
    if (step.name) rec.name = step.name;
    const span: ActionSpan = { action: step.action, label, startIndex: here.index, endIndex: Number.MAX_SAFE_INTEGER };
    if (step.amount !== undefined) span.amount = step.amount;
    const timeoutMs = step.timeoutMs ?? pos.driver.timeoutsMs?.[step.action] ?? DEFAULT_ACTION_TIMEOUTS_MS[step.action];
    const t = performance.now();
    const settle = watch.actionStarted();
    const settled = driver
      .perform(step.action, step.amount !== undefined ? { amount: step.amount } : {}, { timeoutMs, signal: ctx.signal })
      .catch((err: unknown): PerformResult => ({ error: `the driver failed: ${message(err)}` }))
      .then((r) => {
        rec.durationMs = Math.round(performance.now() - t);
        span.endIndex = watch.entries.length;
        if (r.outcome) {
          rec.outcome = r.outcome;
          span.outcome = r.outcome;
        }
        if (r.error) rec.error = r.error;
        if (r.stdout) rec.stdout = r.stdout;
        if (r.stderr) rec.stderr = r.stderr;
        settle();
        return r;
      });
    const running: RunningAction = { record: rec, span, marker: here, settled, label };
    ctx.actions.push(running);
    ctx.lastAction = running;
    if (step.name) ctx.name(step.name, here, running);
    if (step.wait) {
      const r = await settled;
      judgeAnswer(ctx, running, r, at.index);
      // The POS hung: stop waiting on it, let background actions end too.
      if (r.timedOut) ctx.stop('the POS hung');
    } else {
      void settled.then((r) => judgeAnswer(ctx, running, r, at.index));
    }
  },
  endsLateJudging: true,
};

/** A hang or a missing answer is a step error; a late one after the item stopped is not news. */
function judgeAnswer(ctx: ItemContext, running: RunningAction, r: PerformResult, step: number): void {
  if (r.timedOut) ctx.errored(step, `the POS finishes ${running.label}`, `the POS hung: ${r.error ?? 'timeout'}`);
  else if (!r.outcome && r.error && !ctx.signal.aborted) ctx.errored(step, `the POS answers ${running.label}`, r.error);
}

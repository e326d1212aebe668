/**
 * `customer:` act as the customer at the connector. Waits until an acceptance is open (or,
 * with `whenSends`, until the POS sends that frame while it is), then `after`, then inserts,
 * cancels or confirms. A POS that answered every action and went quiet will not open one: the
 * wait ends then (../wire-watch.ts, QUIET_MS).
 */
import type { CustomerStep } from '../../checklist/types.js';
import { CertError } from '../../errors.js';
import { opensAcceptance } from '../../protocol/commands.js';
import { formatMs, sentSummary } from '../expect.js';
import { message } from '../item-context.js';
import { describePattern, matchFrame } from '../patterns.js';
import { ItemStopped, quietNote } from '../wire-watch.js';
import type { StepRunner } from './step-runner.js';

export const customerStep: StepRunner<CustomerStep> = {
  describe: (step) => `customer: ${step.insert?.length ? `insert ${step.insert.join(' + ')}` : step.cancel ? 'cancel' : step.confirm ? 'confirm' : 'wait'}`,
  async run(step, ctx, at) {
    const { sim, watch } = ctx.env;
    const open = await watch.waitFor(
      () => {
        const op = sim.getState().operation;
        return op !== null && (op.waitingFor === 'customer' || (op.waitingFor !== 'operator' && opensAcceptance(op.command)));
      },
      step.withinMs,
      ctx.signal,
      true,
    );
    if (open !== 'met') {
      if (open === 'stopped' || ctx.signal.aborted) throw new ItemStopped();
      ctx.record(at.index, 'customer', {
        status: 'failed',
        expected: `an acceptance open for the customer within ${formatMs(step.withinMs)}`,
        actual: `nothing was open; ${sentSummary(watch.entries, ctx.lastAction?.marker.index ?? 0)}${open === 'quiet' ? `; ${quietNote()}` : ''}`,
        why: 'the POS never opened an acceptance for the customer',
      });
      return;
    }
    if (step.whenSends !== undefined) {
      const pattern = step.whenSends;
      const seen = await watch.waitFor(
        () => watch.entries.slice(at.marker.index).some((e) => e.dir === 'in' && matchFrame(pattern, e.data, ctx.matchContext()).ok),
        step.withinMs,
        ctx.signal,
        true,
      );
      if (seen !== 'met') {
        if (seen === 'stopped' || ctx.signal.aborted) throw new ItemStopped();
        ctx.record(at.index, 'customer', {
          status: 'failed',
          expected: `the POS sends ${describePattern(pattern)} while the customer pays, within ${formatMs(step.withinMs)}`,
          actual: `${sentSummary(watch.entries, at.marker.index)}${seen === 'quiet' ? `; ${quietNote()}` : ''}`,
          why: `the POS never sent ${describePattern(pattern)} while the customer was paying`,
        });
        return;
      }
    }
    if (step.afterMs > 0) await watch.sleep(step.afterMs, ctx.signal);
    try {
      // Awaited: on a real connector (src/runner/connector.ts) each is a prompt a person answers.
      if (step.insert && step.insert.length) await sim.insert(step.insert, step.accept === false ? { accept: false } : undefined);
      if (step.cancel) await sim.cancel();
      if (step.confirm) await sim.confirm();
    } catch (err) {
      if (err instanceof CertError && err.code === 'NOTHING_OPEN') {
        ctx.record(at.index, 'customer', {
          status: 'failed',
          expected: 'the acceptance stays open until the customer acts',
          actual: message(err),
          why: 'the POS closed the acceptance before the customer could act',
        });
      } else {
        ctx.errored(at.index, 'the simulator takes the customer action', message(err));
      }
    }
  },
};

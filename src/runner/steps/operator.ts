/**
 * `operator:` act as the operator at the connector: wait for a backoffice screen, then close it.
 * A POS that answered every action and went quiet will not open one (../wire-watch.ts, QUIET_MS).
 */
import type { OperatorStep } from '../../checklist/types.js';
import { formatMs, sentSummary } from '../expect.js';
import { message } from '../item-context.js';
import { ItemStopped, quietNote } from '../wire-watch.js';
import type { StepRunner } from './step-runner.js';

export const operatorStep: StepRunner<OperatorStep> = {
  describe: () => 'operator: close the backoffice',
  async run(step, ctx, at) {
    const { sim, watch } = ctx.env;
    const open = await watch.waitFor(() => sim.getState().operation?.waitingFor === 'operator', step.withinMs, ctx.signal, true);
    if (open !== 'met') {
      if (open === 'stopped' || ctx.signal.aborted) throw new ItemStopped();
      ctx.record(at.index, 'operator-screen', {
        status: 'failed',
        expected: `a backoffice screen open within ${formatMs(step.withinMs)}`,
        actual: `no screen was open; ${sentSummary(watch.entries, ctx.lastAction?.marker.index ?? 0)}${open === 'quiet' ? `; ${quietNote()}` : ''}`,
        why: 'the POS never opened the backoffice screen',
      });
      return;
    }
    if (step.afterMs > 0) await watch.sleep(step.afterMs, ctx.signal);
    try {
      // Awaited: on a real connector it is a prompt a person answers.
      if (step.close) await sim.closeBackoffice();
    } catch (err) {
      ctx.errored(at.index, 'the simulator closes the backoffice', message(err));
    }
  },
};

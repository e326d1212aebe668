/**
 * `wait:` let time pass (the POS polls, a timeout runs out). What follows it, up to the next
 * action, is about the POS's own pace: its windows are never cut short by a quiet POS.
 */
import type { WaitStep } from '../../checklist/types.js';
import { formatMs } from '../expect.js';
import type { StepRunner } from './step-runner.js';

export const waitStep: StepRunner<WaitStep> = {
  describe: (step) => `wait ${formatMs(step.ms)}`,
  async run(step, ctx) {
    ctx.env.watch.watchOwnPace();
    await ctx.env.watch.sleep(step.ms, ctx.signal);
  },
};

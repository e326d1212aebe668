/** `fault:` arm a fault mid-item. */
import type { FaultStep } from '../../checklist/types.js';
import { message } from '../item-context.js';
import { ItemStopped } from '../wire-watch.js';
import type { StepRunner } from './step-runner.js';

export const faultStep: StepRunner<FaultStep> = {
  describe: (step) => `fault: ${step.fault.type}`,
  async run(step, ctx, at) {
    try {
      ctx.env.sim.armFault(step.fault);
    } catch (err) {
      ctx.errored(at.index, `the simulator arms the fault ${step.fault.type}`, message(err));
      throw new ItemStopped();
    }
  },
};

/** `setup:` put the machine in a known state (counts, customer, faults) before the POS acts. */
import type { SetupStep } from '../../checklist/types.js';
import { message, type MachineSnapshot } from '../item-context.js';
import { ItemStopped } from '../wire-watch.js';
import type { StepRunner } from './step-runner.js';

export const setupStep: StepRunner<SetupStep> = {
  describe: () => 'setting up the machine',
  async run(step, ctx, at) {
    const { sim } = ctx.env;
    try {
      if (step.inventory) {
        const before = sim.getState().inventory;
        sim.setInventory(step.inventory);
        const after = sim.getState().inventory;
        ctx.baseline = shiftBaseline(ctx.baseline, before, after);
      }
      if (step.customer) sim.setCustomer(step.customer);
      for (const fault of step.faults ?? []) sim.armFault(fault);
    } catch (err) {
      ctx.errored(at.index, 'the simulator accepts the setup', `setup failed: ${message(err)}`);
      throw new ItemStopped();
    }
  },
};

/** Counts a setup step sets are not money the POS moved: move the baseline with them. */
export function shiftBaseline(baseline: MachineSnapshot, before: MachineSnapshot['inventory'], after: MachineSnapshot['inventory']): MachineSnapshot {
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

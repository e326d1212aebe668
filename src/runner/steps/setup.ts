/** `setup:` put the machine in a known state (counts, customer, faults, tickets files) before the POS acts. */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
      if (step.ticketsFiles) await writeTicketsFiles(step.ticketsFiles, ctx.env.ticketsDir);
    } catch (err) {
      ctx.errored(at.index, 'the simulator accepts the setup', `setup failed: ${message(err)}`);
      throw new ItemStopped();
    }
  },
};

/**
 * Stale files of an earlier day, put in the shared folder before the POS acts. Written in one
 * go before the POS is asked anything, so no reader sees them half-written.
 */
async function writeTicketsFiles(files: NonNullable<SetupStep['ticketsFiles']>, dir: string | undefined): Promise<void> {
  if (dir === undefined) throw new Error('ticketsFiles needs a tickets integration (the POS profile says `integration: tickets`): there is no shared folder');
  for (const [name, content] of Object.entries(files)) {
    // The format allows a plain file name only; this keeps a hand-built checklist inside the folder too.
    if (basename(name) !== name || name === '.' || name === '..') throw new Error(`ticketsFiles: "${name}" is not a plain file name`);
    await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content), 'utf8');
  }
}

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

/**
 * The contract of one step kind. The table of every kind is ./index.ts; a new kind of step is
 * one file implementing this plus one line there (and its shape in the checklist format).
 */
import type { Step } from '../../checklist/types.js';
import type { Marker } from '../expect.js';
import type { ItemContext } from '../item-context.js';

/** Where a step runs: its index in the item, and the wire position when it began. */
export interface StepAt {
  index: number;
  marker: Marker;
}

export interface StepRunner<S extends Step> {
  /** One line for progress output ("POS: sale 990"). */
  describe(step: S): string;
  /** Do the step; throw ItemStopped to end the item (its checks so far are kept). */
  run(step: S, ctx: ItemContext, at: StepAt): Promise<void>;
  /**
   * The item stopped before reaching this step (the POS hung, the item timed out): judge what
   * the wire already shows, without waiting for anything. Kinds without it are passed over.
   */
  judgeAfterStop?(step: S, ctx: ItemContext, index: number): Promise<void>;
  /**
   * Judging after a stop ends at this step: what follows it is about something the POS was
   * never asked to do.
   */
  endsLateJudging?: true;
}

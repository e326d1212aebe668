/**
 * Every step kind of the checklist format, each in its own file. The mapped type makes a kind
 * without a runner (or a runner for the wrong kind) a type error.
 */
import type { Step } from '../../checklist/types.js';
import { actionStep } from './action.js';
import { customerStep } from './customer.js';
import { expectStep } from './expect.js';
import { faultStep } from './fault.js';
import { operatorStep } from './operator.js';
import { setupStep } from './setup.js';
import type { StepRunner } from './step-runner.js';
import { waitStep } from './wait.js';

export type { StepAt, StepRunner } from './step-runner.js';

export const STEP_KINDS: { readonly [K in Step['kind']]: StepRunner<Extract<Step, { kind: K }>> } = {
  setup: setupStep,
  action: actionStep,
  customer: customerStep,
  operator: operatorStep,
  fault: faultStep,
  wait: waitStep,
  expect: expectStep,
};

/** The runner of a step's kind. */
export function stepRunner<S extends Step>(step: S): StepRunner<S> {
  // The table is keyed by kind, so the entry for `step.kind` is a runner of exactly S.
  return STEP_KINDS[step.kind] as unknown as StepRunner<S>;
}

export function describeStep(step: Step): string {
  return stepRunner(step).describe(step);
}

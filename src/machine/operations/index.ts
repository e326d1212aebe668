/**
 * Every kind of operation, keyed by its `kind`: the reducer dispatches here instead of switching
 * on the kind. A new kind is one file in this folder plus its member in `Operation` and its line
 * in `OPERATIONS` (the table's type makes a missing line a type error).
 */
import type { AcceptOperation } from './acceptance.js';
import { acceptance } from './acceptance.js';
import type { ChargeOperation } from './charge.js';
import { charge } from './charge.js';
import type { DispenseOperation } from './dispense.js';
import { dispense } from './dispense.js';
import type { OperationHandler } from './handler.js';
import type { InitOperation } from './init.js';
import { init } from './init.js';
import type { ScreenOperation } from './screen.js';
import { screen } from './screen.js';

export type Operation = InitOperation | ChargeOperation | AcceptOperation | DispenseOperation | ScreenOperation;

export type { AcceptOperation, ChargeOperation, DispenseOperation, InitOperation, ScreenOperation };
export type { Inserted, OperationHandler } from './handler.js';

export const OPERATIONS: { readonly [K in Operation['kind']]: OperationHandler<Extract<Operation, { kind: K }>> } = {
  init,
  charge,
  accept: acceptance,
  dispense,
  screen,
};

/** The handler of an open operation. */
export function handlerOf(op: Operation): OperationHandler<Operation> {
  return OPERATIONS[op.kind];
}

/** The handlers in the table's order, listed once: every command asks each of them. */
const HANDLERS: readonly OperationHandler<Operation>[] = Object.values(OPERATIONS);

/** The kind of operation a command starts, if it starts one (`#A#2#` an acceptance, `#A#1#` a screen). */
export function operationStartedBy(cmd: Parameters<OperationHandler<Operation>['starts']>[0]): OperationHandler<Operation> | undefined {
  for (const handler of HANDLERS) if (handler.starts(cmd)) return handler;
  return undefined;
}

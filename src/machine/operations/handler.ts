/**
 * What every kind of operation tells the reducer. An operation is what a command starts and
 * what runs across several steps (`#I#` warming up, a `#C#` taking cash, a `#P#` paying out, a
 * backoffice screen waiting for the operator); the reducer dispatches to its handler at every
 * place it used to switch on the kind: start, timer, `#!#`, a fault stopping it, a connector
 * restart, a reset, the customer and the operator, and the `GET /state` view.
 *
 * A new kind of operation is one file in this folder (its state interface and its handler)
 * plus its line in the table of index.ts.
 */
import type { ParsedCommand } from '../../protocol/codec.js';
import type { CommandHandler, Ctx } from '../context.js';
import type { OperationView } from '../types.js';
import type { Operation } from './index.js';

/** What the customer did, for the operation to react (a charge presses Accept once covered). */
export interface Inserted {
  /** The automatic customer inserted (its timer fired), rather than a control input. */
  auto: boolean;
  /** The customer will press Accept once the cash covers the amount. */
  pressesAccept: boolean;
}

// Methods (not function properties) so that a handler of one kind is a handler of the union:
// the table is keyed by kind, so a handler only ever sees operations of its own kind.
export interface OperationHandler<O extends Operation> {
  /**
   * true: while it runs every command but `#!#` is `#ER:BUSY#`, and it completes even when its
   * connection closes (only the reply is lost). false: `admits` lists what may run beside it.
   */
  readonly blocking: boolean;
  /** For an operation that does not block: the commands that may run while it is open. */
  readonly admits?: ReadonlySet<string>;
  /** Commands that act on it while it is open (`#Q#`, `#J#` on an acceptance). */
  readonly commands?: Readonly<Record<string, CommandHandler>>;

  /** Whether this command starts an operation of this kind (`#A#2#` is an acceptance, `#A#1#` a screen). */
  starts(cmd: ParsedCommand): boolean;
  /** Opens it, or replies why it cannot (`#ER:BAD_DATA#`). Runs only past the gate. */
  start(ctx: Ctx, conn: number, cmd: ParsedCommand): void;
  /** Its 'op' timer fired: a piece moved, or it completes. */
  timer(ctx: Ctx, op: O): void;
  /** `#!#` from the POS while it is open. */
  cancel(ctx: Ctx, op: O, conn: number): void;
  /** A fault stops it where it is (`pieceWasGoingIn`: the moving piece was not taken). */
  fail(ctx: Ctx, op: O, pieceWasGoingIn: boolean): void;
  /** The connector restarts: what happens to cash in flight; the reducer then drops it. */
  restart?(ctx: Ctx, op: O): void;
  /**
   * A reset ends it at once, already removed from the state, with the money accounted for as its
   * own rules say: the sentence's head and what was done. `name` is how it is written ("#C#").
   */
  settle(ctx: Ctx, op: O, name: string): { head: string; what: string[] };
  /** `GET /state`. */
  view(op: O): OperationView;

  /** Cash may go in now (into the validator). */
  takesCash(op: O): boolean;
  /** The automatic customer pays into it (a screen's cash comes from the operator). */
  readonly autoCustomer: boolean;
  /** What the automatic customer must cover when no "pay" list is set; undefined: it carries no amount. */
  amountLeft?(op: O): number;
  /** Whether it shows the customer an Accept button. */
  acceptButton?(op: O): boolean;
  /** Pieces went into the validator. */
  inserted?(ctx: Ctx, op: O, how: Inserted): void;
  /** The customer pressed Cancel; false when that means nothing now. */
  pressCancel?(ctx: Ctx, op: O): boolean;
  /** The customer pressed Accept; false when that means nothing now. */
  pressAccept?(ctx: Ctx, op: O): boolean;
  /** The operator closes it; absent when there is nothing to close. */
  closeByOperator?(ctx: Ctx, op: O): void;
  /** What it is busy doing, for "cannot insert cash: #C# is paying change". Default "not taking cash". */
  doing?(op: O): string;

  /** Device errors were cleared (an acceptance's inlet works again once nothing blocks). */
  errorsCleared?(ctx: Ctx, op: O): void;
  /** partial-dispense: the rest of what it pays out comes out `cents` short. */
  shorten?(ctx: Ctx, op: O, cents: number): void;
  /** `#E#` or `#Z#` ends the session while it is open (only an operation that does not block can be). */
  sessionEnds?(ctx: Ctx, op: O, why: string): void;
}

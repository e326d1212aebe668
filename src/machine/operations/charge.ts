/**
 * `#C#`: the connector's payment screen. The customer pays (accepting → confirming when an
 * Accept button is shown), then the change is paid; a Cancel (customer or `#!#`) refunds what
 * went in. One reply at the end: amounts in and out.
 */
import { encodeReply } from '../../protocol/codec.js';
import { addError } from '../active-errors.js';
import { planChange } from '../change.js';
import type { Ctx } from '../context.js';
import { CHANGE_SHORT_CODE } from '../device-errors.js';
import { returnIntake, scheduleCustomer, scheduleIntake, takeNextPiece, type CustomerFeed } from '../intake.js';
import { okOrLevel, payOutNow, stock } from '../inventory.js';
import { movePiece, scheduleNextPiece, shortenDispense } from '../payout.js';
import type { Move, OperationBase } from '../state.js';
import { answerNothingCancelled, endOperation, operationBase } from './common.js';
import type { OperationHandler } from './handler.js';

export interface ChargeOperation extends OperationBase {
  kind: 'charge';
  amount: number;
  acceptButton: boolean;
  partialAllowed: boolean;
  /** accepting → (confirming) → paying change, or → refunding after a cancel. */
  phase: 'accepting' | 'confirming' | 'paying' | 'refunding';
  /** Cash validated and stored so far. */
  inserted: number;
  /** Pieces the customer put in that are still going through the validator (head = in progress). */
  intake: number[];
  /** Accept was pressed while pieces were still being validated. */
  confirmRequested: boolean;
  /** The customer will press Accept once the cash covers the amount (the last insert did not opt out). */
  acceptWhenCovered: boolean;
  /** What the paying/refunding phase must pay out. */
  due: number;
  plan: Move[];
  paid: number;
  /** A jam or power loss stopped it. */
  failed: boolean;
  /** What the automatic customer still means to insert, one piece at a time (intake.ts). */
  feed: CustomerFeed | null;
}

const takingCash = (op: ChargeOperation): boolean => op.phase === 'accepting' || op.phase === 'confirming';

export const charge: OperationHandler<ChargeOperation> = {
  blocking: true,
  autoCustomer: true,
  starts: (cmd) => cmd.code === 'C',
  start(ctx, conn, cmd) {
    const { s } = ctx;
    const p = cmd.params;
    const op: ChargeOperation = {
      kind: 'charge',
      ...operationBase(ctx, conn, 'C'),
      amount: Number(p[2]),
      acceptButton: p[6] === '1',
      partialAllowed: p[7] === '1',
      phase: 'accepting',
      inserted: 0,
      intake: [],
      confirmRequested: false,
      acceptWhenCovered: false,
      due: 0,
      plan: [],
      paid: 0,
      failed: false,
      feed: null,
    };
    s.operation = op;
    ctx.event('machine', `charge of ${ctx.money(op.amount)} started (operation ${JSON.stringify(p[0])}, till ${JSON.stringify(p[1])})`, { conn });
    scheduleCustomer(ctx);
    checkCharge(ctx, op);
  },
  timer(ctx, op) {
    if (takingCash(op)) {
      if (takeNextPiece(ctx, op)) checkCharge(ctx, op);
    } else if (movePiece(ctx, op)) nextPiece(ctx, op);
  },
  cancel(ctx, op, conn) {
    if (!takingCash(op)) return answerNothingCancelled(ctx, conn);
    op.cancelAcks.push(conn);
    startRefund(ctx, op, 'the POS (#!#)');
  },
  fail(ctx, op, pieceWasGoingIn) {
    op.failed = true;
    if (takingCash(op)) {
      if (pieceWasGoingIn) op.intake.shift();
      returnIntake(ctx, op, 'the machine stopped');
    }
    op.plan = [];
    finishCharge(ctx, op);
  },
  restart(ctx, op) {
    returnIntake(ctx, op, 'the connector restarted');
  },
  settle(ctx, op, name) {
    const { s } = ctx;
    const what: string[] = [];
    if (takingCash(op)) {
      if (op.inserted === 0) what.push('nothing had been inserted');
      else {
        const back = payOutNow(ctx, planChange(op.inserted, stock(s, 'all')).pieces.map((value): Move => ({ value, to: 'exit' })));
        what.push(`returned ${ctx.money(back.out)}`);
        if (back.out < op.inserted) what.push(`${ctx.money(op.inserted - back.out)} could not be made from the recyclers and stays in the machine`);
      }
    } else {
      const rest = payOutNow(ctx, op.plan);
      what.push(`${op.phase === 'refunding' ? 'returned' : 'paid out'} the remaining ${ctx.money(rest.out)}`);
    }
    return { head: `ended the open ${name}`, what };
  },
  view: (op) => ({
    command: 'C',
    conn: op.conn,
    amount: op.amount,
    inserted: op.inserted,
    dispensed: op.paid,
    waitingFor: takingCash(op) ? 'customer' : null,
    phase: op.phase,
    acceptButton: op.acceptButton,
    partialCharge: op.partialAllowed,
    validating: op.intake.length,
  }),
  takesCash: takingCash,
  amountLeft: (op) => op.amount - op.inserted - op.intake.reduce((a, b) => a + b, 0),
  acceptButton: (op) => op.acceptButton,
  inserted(ctx, op, how) {
    // The last insert decides: an item that tests the Accept button opts out with accept: false.
    op.acceptWhenCovered = how.pressesAccept;
    if (how.auto) checkCharge(ctx, op);
  },
  pressCancel(ctx, op) {
    if (!takingCash(op)) return false;
    ctx.event('customer', 'customer pressed Cancel', { conn: op.conn });
    startRefund(ctx, op, 'the customer');
    return true;
  },
  pressAccept(ctx, op) {
    if (!takingCash(op)) return false;
    ctx.event('customer', 'customer pressed Accept', { conn: op.conn });
    op.confirmRequested = true;
    checkCharge(ctx, op);
    return true;
  },
  doing: (op) => (op.phase === 'refunding' ? 'refunding' : 'paying change'),
  shorten: shortenDispense,
};

/** After every validated piece and every Accept press: is the charge complete? */
function checkCharge(ctx: Ctx, op: ChargeOperation): void {
  if (!takingCash(op)) return;
  const reached = op.inserted >= op.amount;
  if (reached && !op.acceptButton) {
    returnIntake(ctx, op, 'the amount is reached');
    return startPaying(ctx, op, op.inserted - op.amount);
  }
  if (reached) op.phase = 'confirming';
  if (reached && op.acceptWhenCovered && !op.confirmRequested && op.intake.length === 0) {
    // A person presses Accept once the screen shows the whole amount paid, never to settle for
    // a partial payment (partialAllowed only makes an explicit Accept with less valid).
    op.acceptWhenCovered = false;
    op.confirmRequested = true;
    ctx.event('customer', `customer pressed Accept: ${ctx.money(op.inserted)} inserted covers ${ctx.money(op.amount)}`, { conn: op.conn });
  }
  if (op.confirmRequested && op.intake.length === 0) {
    op.confirmRequested = false;
    if (reached) return startPaying(ctx, op, op.inserted - op.amount);
    if (op.partialAllowed) {
      ctx.event('machine', `partial charge accepted: ${ctx.money(op.inserted)} of ${ctx.money(op.amount)}`, { conn: op.conn });
      return startPaying(ctx, op, 0);
    }
    ctx.event('customer', `Accept pressed with ${ctx.money(op.inserted)} of ${ctx.money(op.amount)}: ignored (partial charge not allowed)`, { conn: op.conn });
  }
  scheduleIntake(ctx, op);
}

function startPaying(ctx: Ctx, op: ChargeOperation, change: number): void {
  const { s } = ctx;
  ctx.clearTimer('customer');
  op.feed = null;
  op.phase = 'paying';
  op.due = change;
  const plan = planChange(change, stock(s, 'all'));
  if (plan.total < change) {
    ctx.event('machine', `cannot give all the change: ${ctx.money(change - plan.total)} missing in the recyclers`, { conn: op.conn });
    addError(ctx, CHANGE_SHORT_CODE, 'not enough change');
  }
  op.plan = plan.pieces.map((value) => ({ value, to: 'exit' }));
  nextPiece(ctx, op);
}

function startRefund(ctx: Ctx, op: ChargeOperation, who: string): void {
  const { s } = ctx;
  ctx.clearTimer('customer');
  ctx.clearTimer('op');
  returnIntake(ctx, op, 'the charge was cancelled');
  op.phase = 'refunding';
  op.due = op.inserted;
  const plan = planChange(op.inserted, stock(s, 'all'));
  ctx.event('machine', `charge cancelled by ${who}: returning ${ctx.money(op.inserted)}`, { conn: op.conn });
  if (plan.total < op.inserted) addError(ctx, CHANGE_SHORT_CODE, 'not enough cash to refund');
  op.plan = plan.pieces.map((value) => ({ value, to: 'exit' }));
  nextPiece(ctx, op);
}

function nextPiece(ctx: Ctx, op: ChargeOperation): void {
  if (!scheduleNextPiece(ctx, op)) finishCharge(ctx, op);
}

function finishCharge(ctx: Ctx, op: ChargeOperation): void {
  const { s } = ctx;
  let status: string;
  if (op.failed) status = 'ER:GENERIC';
  else if (op.phase === 'refunding') status = op.paid < op.due ? 'ER:GENERIC' : 'WR:CANCEL';
  else status = op.paid < op.due ? 'ER:GENERIC' : okOrLevel(s, 'C');
  ctx.event('machine', `charge finished (${status}): ${ctx.money(op.inserted)} in, ${ctx.money(op.paid)} out`, { conn: op.conn });
  endOperation(ctx, op, encodeReply(status, [op.inserted, op.paid, 0, 0]));
}

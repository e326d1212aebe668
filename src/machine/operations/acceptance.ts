/**
 * `#B#` (sale) or `#A#2#` (refill): the inlet is open and the POS reads it with `#Q#` and
 * closes it with `#J#`. It does not block: queries run beside it.
 */
import { encodeReply } from '../../protocol/codec.js';
import { blockingError } from '../active-errors.js';
import type { CommandHandler, Ctx } from '../context.js';
import { finishIntakeNow, returnIntake, scheduleCustomer, scheduleIntake, takeNextPiece, type CustomerFeed } from '../intake.js';
import { okOrLevel } from '../inventory.js';
import type { OperationBase } from '../state.js';
import { operationBase } from './common.js';
import type { OperationHandler } from './handler.js';

/** Not blocking: read with `#Q#`, closed with `#J#`. */
export interface AcceptOperation extends OperationBase {
  kind: 'accept';
  inserted: number;
  intake: number[];
  /** The inlet jammed: no more cash goes in until `#J#`/`#!#`. */
  jammed: boolean;
  /** What the automatic customer still means to insert, one piece at a time (intake.ts). */
  feed: CustomerFeed | null;
}

/** Commands that may run while an acceptance is open; others get `#ER:BUSY#`. */
const DURING_ACCEPTANCE = new Set(['Q', 'J', '!', 'Z', 'E', 'T', 'T2', 'Y', 'Y2', 'X', 'X2', 'GC', 'GC2', 'GI', 'GV', '?', 'W', 'INFO']);

/** `#Q#` reads what went in; `#J#` takes what is still in the validator and closes. */
const readOrClose: CommandHandler = (ctx, conn, cmd) => {
  const { s } = ctx;
  const code = cmd.code;
  const open = s.operation;
  if (!open || open.kind !== 'accept') return ctx.reply(conn, code, encodeReply('ER:ILLEGAL'));
  if (code === 'Q') return ctx.reply(conn, code, encodeReply(open.jammed ? 'ER:GENERIC' : okOrLevel(s, code), [open.inserted]));
  finishIntakeNow(ctx, open);
  s.operation = null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  ctx.event('machine', `acceptance closed (#J#): ${ctx.money(open.inserted)} accepted`, { conn });
  return ctx.reply(conn, code, encodeReply(open.jammed ? 'ER:GENERIC' : okOrLevel(s, code), [open.inserted]));
};

export const acceptance: OperationHandler<AcceptOperation> = {
  blocking: false,
  admits: DURING_ACCEPTANCE,
  commands: { Q: readOrClose, J: readOrClose },
  autoCustomer: true,
  starts: (cmd) => cmd.code === 'B' || (cmd.code === 'A' && (Number(cmd.params[0] ?? '0') || 0) === 2),
  start(ctx, conn, cmd) {
    const command = cmd.code;
    const op: AcceptOperation = { kind: 'accept', ...operationBase(ctx, conn, command), inserted: 0, intake: [], jammed: false, feed: null };
    ctx.s.operation = op;
    ctx.event('machine', command === 'B' ? 'acceptance opened for a sale (#B#)' : 'acceptance opened for a refill (#A#2#)', { conn });
    ctx.reply(conn, command, encodeReply('0'));
    scheduleCustomer(ctx);
  },
  timer(ctx, op) {
    if (takeNextPiece(ctx, op)) scheduleIntake(ctx, op);
  },
  cancel(ctx, op, conn) {
    const { s } = ctx;
    // No-screen cancel: acceptance stops and #!# itself reports what went in (S-QF); the money stays.
    finishIntakeNow(ctx, op);
    s.operation = null;
    ctx.clearTimer('customer');
    ctx.event('machine', `acceptance cancelled (#!#): ${ctx.money(op.inserted)} stays in the machine`, { conn });
    ctx.reply(conn, '!', encodeReply('WR:CANCEL', [op.inserted]));
  },
  fail(ctx, op, pieceWasGoingIn) {
    if (pieceWasGoingIn) op.intake.shift();
    returnIntake(ctx, op, 'the inlet jammed');
    op.jammed = true;
  },
  restart(ctx, op) {
    returnIntake(ctx, op, 'the connector restarted');
  },
  settle: (ctx, op, name) => ({ head: `ended the open ${name}`, what: [`${ctx.money(op.inserted)} inserted stays in the machine`] }),
  view: (op) => ({ command: op.command, conn: op.conn, inserted: op.inserted, waitingFor: op.jammed ? null : 'customer', phase: op.jammed ? 'jammed' : 'accepting' }),
  takesCash: (op) => !op.jammed,
  errorsCleared(ctx, op) {
    if (op.jammed && !blockingError(ctx.s)) op.jammed = false;
  },
  sessionEnds: closeAcceptance,
};

function closeAcceptance(ctx: Ctx, op: AcceptOperation, why: string): void {
  returnIntake(ctx, op, why);
  ctx.s.operation = null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  ctx.event('machine', `acceptance closed, ${why}: ${ctx.money(op.inserted)} stays in the machine`, { conn: op.conn });
}

/** How every operation ends: its reply, then the `#!#` acknowledgements that waited for it. */
import { encodeReply } from '../../protocol/codec.js';
import type { Ctx } from '../context.js';
import type { Operation } from './index.js';

/**
 * The `#!#` acknowledgements sent after the reply of the command they cancelled: only with
 * dialect cancelReply 'ack'. By default ('idle') the cancelled command's `#WR:CANCEL…#` is the one
 * reply, as S-QF and S-HIT read it (protocol.md §5.26): a stray `#0#` would be taken as the start
 * of the next command's reply.
 */
export function sendCancelAcks(ctx: Ctx, conns: readonly number[]): void {
  if (ctx.s.dialect.cancelReply !== 'ack') return;
  for (const c of conns) ctx.reply(c, '!', encodeReply('0'));
}

/** `#!#` found nothing it could cancel: `#0#` ("no running operation to cancel", S-QF), unless cancelReply is 'none'. */
export function answerNothingCancelled(ctx: Ctx, conn: number): void {
  if (ctx.s.dialect.cancelReply === 'none') return;
  ctx.reply(conn, '!', encodeReply('0'));
}

/** The operation replies and ends; `#!#` acknowledgements follow its reply. */
export function endOperation(ctx: Ctx, op: Operation, frame: string): void {
  const { s } = ctx;
  if (isSameOperation(s.operation, op)) s.operation = null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  ctx.reply(op.conn, op.command, frame);
  sendCancelAcks(ctx, op.cancelAcks);
}

export function isSameOperation(a: Operation | null, b: Operation): boolean {
  return a !== null && a.id === b.id;
}

/** The operation's fields every kind shares, numbered in start order. */
export function operationBase(ctx: Ctx, conn: number, command: string): { id: number; conn: number; command: string; startedAt: number; cancelAcks: number[] } {
  return { id: ctx.s.nextOperationId++, conn, command, startedAt: ctx.now, cancelAcks: [] };
}

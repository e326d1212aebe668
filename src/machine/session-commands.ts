/** The POS's session with the connector: `#E#` ends it, `#Z#` resets the connector, `#!#` cancels what is open. */
import { encodeReply } from '../protocol/codec.js';
import type { CommandHandler, Ctx } from './context.js';
import { answerNothingCancelled } from './operations/common.js';
import { handlerOf } from './operations/index.js';

export const SESSION_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  E: (ctx, conn, cmd) => {
    const { s } = ctx;
    sessionEnds(ctx, 'the session ended (#E#)');
    if (s.dialect.initPerConnection) s.initConns = s.initConns.filter((c) => c !== conn);
    else s.initialized = false;
    return ctx.reply(conn, cmd.code, encodeReply('0'));
  },
  Z: (ctx, conn, cmd) => {
    const { s } = ctx;
    sessionEnds(ctx, 'reset (#Z#)');
    s.initialized = false;
    s.initConns = [];
    ctx.event('machine', 'connector reset (#Z#): #I# needed again', { conn });
    return ctx.reply(conn, cmd.code, encodeReply('0'));
  },
  '!': (ctx, conn) => {
    const op = ctx.s.operation;
    if (!op) return answerNothingCancelled(ctx, conn);
    handlerOf(op).cancel(ctx, op, conn);
  },
};

/** Only an operation that does not block can be open when `#E#` or `#Z#` gets past the gate. */
function sessionEnds(ctx: Ctx, why: string): void {
  const op = ctx.s.operation;
  if (op) handlerOf(op).sessionEnds?.(ctx, op, why);
}

/** `#I#`: the connector initialises (a cold start after power-up or a restart, warm otherwise). */
import { encodeReply } from '../../protocol/codec.js';
import type { OperationBase } from '../state.js';
import { answerNothingCancelled, endOperation, operationBase, sendCancelAcks } from './common.js';
import type { OperationHandler } from './handler.js';

export interface InitOperation extends OperationBase {
  kind: 'init';
  cold: boolean;
}

export const init: OperationHandler<InitOperation> = {
  blocking: true,
  autoCustomer: false,
  starts: (cmd) => cmd.code === 'I',
  start(ctx, conn) {
    const { s } = ctx;
    const cold = !s.warm;
    const duration = cold ? s.profile.durations.initColdMs : s.profile.durations.initWarmMs;
    s.operation = { kind: 'init', ...operationBase(ctx, conn, 'I'), cold };
    ctx.event('machine', `initialising (${cold ? 'cold' : 'warm'} start, ${Math.round(duration)} ms)`, { conn });
    ctx.setTimer('op', ctx.now + duration);
  },
  timer(ctx, op) {
    const { s } = ctx;
    s.operation = null;
    s.warm = true;
    s.restartPending = false;
    s.initialized = true;
    if (!s.initConns.includes(op.conn)) s.initConns = [...s.initConns, op.conn];
    ctx.event('machine', 'initialised', { conn: op.conn });
    ctx.reply(op.conn, 'I', encodeReply('0', [s.dialect.version]));
    sendCancelAcks(ctx, op.cancelAcks);
  },
  cancel(ctx, _op, conn) {
    answerNothingCancelled(ctx, conn);
  },
  fail(ctx, op) {
    endOperation(ctx, op, encodeReply('ER:GENERIC'));
  },
  settle: (_ctx, _op, name) => ({ head: `ended the ${name} in progress`, what: [] }),
  view: (op) => ({ command: 'I', conn: op.conn, waitingFor: null, phase: op.cold ? 'cold-start' : 'warm-start' }),
  takesCash: () => false,
  doing: () => 'initialising',
};

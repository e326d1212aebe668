/**
 * The machine's side of src/faults/effects.ts: what a fired domain fault may do, for one
 * firing. A fault's `apply` acts only through these effects, and each effect goes to the open
 * operation's handler, so neither a new fault nor a new kind of operation adds a branch here.
 */
import type { DomainEffects, MovingPiece } from '../faults/effects.js';
import type { FiredFault } from '../faults/engine-types.js';
import { getFaultDefinition } from '../faults/registry.js';
import { addError } from './active-errors.js';
import type { Ctx, FaultApplier, FaultOutcome } from './context.js';
import { isWarningCode } from './device-errors.js';
import { handlerOf } from './operations/index.js';

/** Apply a fired domain fault through the effects API; says whether it stopped the operation or asked for #ER:BUSY#. */
export const applyFault: FaultApplier = (ctx, f, conn, piece) => {
  const definition = getFaultDefinition(f.type);
  if (definition.apply === undefined) return { stopped: false, busy: false };
  const effects = createEffects(ctx, f, conn, piece);
  definition.apply(definition.parseOptions(f.spec), effects);
  return effects.outcome;
};

function createEffects(ctx: Ctx, f: FiredFault, conn: number, piece: MovingPiece | null): DomainEffects & { outcome: FaultOutcome } {
  const outcome = { stopped: false, busy: false };
  return {
    outcome,
    piece,
    operation: ctx.s.operation?.kind ?? null,
    money: (cents) => ctx.money(cents),
    event: (text) => ctx.event('machine', text, { conn }),
    isWarningCode,
    addDeviceError(code, options = {}) {
      addError(ctx, code, f.id, {
        ...(options.blocking !== undefined ? { blocking: options.blocking } : {}),
        until: options.forMs !== undefined ? ctx.now + options.forMs : null,
        ...(options.denomination !== undefined ? { denomination: options.denomination } : {}),
      });
    },
    failOperation({ pieceWasGoingIn }) {
      if (!ctx.s.operation) return;
      failOperation(ctx, pieceWasGoingIn);
      outcome.stopped = true;
    },
    restartConnector() {
      restartConnector(ctx);
      // The piece in flight belongs to an operation that no longer exists.
      if (piece) outcome.stopped = true;
    },
    switchOff() {
      ctx.s.warm = false;
      ctx.s.initialized = false;
      ctx.s.initConns = [];
    },
    fillStacker() {
      ctx.s.stackerFull = true;
    },
    shortenDispense(short) {
      const op = ctx.s.operation;
      if (op) handlerOf(op).shorten?.(ctx, op, short);
    },
    answerBusy() {
      outcome.busy = true;
    },
  };
}

/** The operation stops where it is; the reply tells the money that really moved. */
function failOperation(ctx: Ctx, pieceWasGoingIn: boolean): void {
  const op = ctx.s.operation;
  if (!op) return;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  handlerOf(op).fail(ctx, op, pieceWasGoingIn);
}

/** The connector process restarts: it forgets #I#, and the reply of an operation in flight is lost. */
function restartConnector(ctx: Ctx): void {
  const { s } = ctx;
  const op = s.operation;
  if (op) {
    handlerOf(op).restart?.(ctx, op);
    const inserted = 'inserted' in op ? op.inserted : 0;
    const paid = 'paid' in op ? op.paid : 0;
    ctx.event('machine', `connector restarted during #${op.command}#: its reply is lost (${ctx.money(inserted)} went in, ${ctx.money(paid)} came out and stay accounted)`, { conn: op.conn });
    s.operation = null;
  }
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  s.initialized = false;
  s.initConns = [];
  s.warm = false;
  s.restartPending = true;
}

/**
 * A connector screen that waits for the operator: the backoffice screens (`#G#`, `#D#`, `#H#`,
 * `#R#`, `#M#`, `#N#`, `#O#`, `#L#`), stacker removal (`#S#`), closure (`#F#`), change loading
 * (`#A#1#`) and the error screen (`#?#SHOW#`). It replies when the operator closes it.
 */
import { encodeReply, type FieldValue } from '../../protocol/codec.js';
import { removeErrors } from '../active-errors.js';
import type { Ctx } from '../context.js';
import { STACKER_FULL_CODE } from '../device-errors.js';
import { finishIntakeNow, returnIntake, scheduleIntake, takeNextPiece } from '../intake.js';
import { cashTotal, sum } from '../inventory.js';
import type { OperationBase } from '../state.js';
import { endOperation, operationBase } from './common.js';
import type { OperationHandler } from './handler.js';

export interface ScreenOperation extends OperationBase {
  kind: 'screen';
  /** The operator may put cash in (add change) while it is open. */
  acceptsCash: boolean;
  inserted: number;
  intake: number[];
  /** Cash in the machine (recyclers + stacker) when it opened. */
  before: number;
  /** Cash in the recyclers when it opened (closure). */
  beforeRecyclers: number;
}

const SCREENS = new Set(['S', 'F', 'G', 'D', 'H', 'R', 'M', 'N', 'O', 'L']);
/** Screens on which the operator may put cash in (add change, closure). */
const CASH_SCREENS = new Set(['G', 'H', 'F', 'A']);

const written = (command: string): string => (command === '?' ? '?#SHOW' : command);

export const screen: OperationHandler<ScreenOperation> = {
  blocking: true,
  autoCustomer: false,
  starts(cmd) {
    if (SCREENS.has(cmd.code)) return true;
    // #A#2# is an acceptance; #?# without SHOW is a query.
    if (cmd.code === 'A') return (Number(cmd.params[0] ?? '0') || 0) !== 2;
    return cmd.code === '?' && cmd.given > 0 && cmd.params[0] === 'SHOW';
  },
  start(ctx, conn, cmd) {
    const { s } = ctx;
    const command = cmd.code;
    const op: ScreenOperation = {
      kind: 'screen',
      ...operationBase(ctx, conn, command),
      acceptsCash: CASH_SCREENS.has(command),
      inserted: 0,
      intake: [],
      before: cashTotal(s),
      beforeRecyclers: sum(s.recyclers),
    };
    s.operation = op;
    ctx.event('operator', `#${written(command)}# screen open: waiting for the operator to close it`, { conn });
  },
  timer(ctx, op) {
    if (takeNextPiece(ctx, op)) scheduleIntake(ctx, op);
  },
  cancel(ctx, op, conn) {
    op.cancelAcks.push(conn);
    closeScreen(ctx, op, true);
  },
  fail(ctx, op, pieceWasGoingIn) {
    if (pieceWasGoingIn) op.intake.shift();
    returnIntake(ctx, op, 'the inlet jammed');
  },
  restart(ctx, op) {
    returnIntake(ctx, op, 'the connector restarted');
    finishIntakeNow(ctx, op);
  },
  settle: (ctx, op, name) => ({ head: `closed the open ${name} screen`, what: op.inserted > 0 ? [`${ctx.money(op.inserted)} inserted stays in the machine`] : [] }),
  view: (op) => ({ command: op.command, conn: op.conn, inserted: op.inserted, waitingFor: 'operator', phase: 'screen' }),
  takesCash: (op) => op.acceptsCash,
  closeByOperator(ctx, op) {
    ctx.event('operator', `operator closed the #${written(op.command)}# screen`, { conn: op.conn });
    closeScreen(ctx, op, false);
  },
};

function closeScreen(ctx: Ctx, op: ScreenOperation, cancelled: boolean): void {
  const { s } = ctx;
  finishIntakeNow(ctx, op);
  const status = cancelled ? 'WR:CANCEL' : '0';
  let fields: FieldValue[];
  switch (op.command) {
    case 'S': {
      let removed = 0;
      if (!cancelled) {
        removed = sum(s.stacker);
        const stacker = ctx.own('stacker');
        for (const key of Object.keys(stacker)) stacker[key] = 0;
        ctx.own('ledger').removed += removed;
        s.stackerFull = false;
        removeErrors(ctx, (e) => e.code === STACKER_FULL_CODE, 'stacker emptied');
        ctx.event('operator', `stacker removed and emptied: ${ctx.money(removed)}`, { conn: op.conn });
      }
      fields = [removed];
      break;
    }
    case 'F':
      fields = [op.beforeRecyclers, op.inserted, sum(s.recyclers)];
      break;
    case 'A':
      fields = [op.inserted];
      break;
    case '?':
      fields = [];
      break;
    default:
      fields = [op.before, cashTotal(s), op.inserted, 0, 0, 0];
  }
  endOperation(ctx, op, encodeReply(status, fields));
}

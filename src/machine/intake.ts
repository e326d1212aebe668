/**
 * Pieces going in: the customer (or the operator, on a cash screen) puts pieces into the
 * validator, which takes them one at a time (the 'op' timer); each validated piece goes to its
 * recycler, the stacker or the cash box. Shared by every operation that takes cash.
 */
import type { Ctx } from './context.js';
import { addError } from './active-errors.js';
import { MAINTENANCE_DUE_CODE } from './device-errors.js';
import { denomination, describePieces, stackerNotes } from './inventory.js';
import type { AcceptOperation } from './operations/acceptance.js';
import type { ChargeOperation } from './operations/charge.js';
import type { ScreenOperation } from './operations/screen.js';
import type { Denomination } from './profile.js';

export type IntakeOperation = ChargeOperation | AcceptOperation | ScreenOperation;

/** What the validator needs of an operation that takes cash: its queue of pieces, and where to tell. */
export interface CashInlet {
  readonly conn: number;
  intake: number[];
}

export function scheduleIntake(ctx: Ctx, op: CashInlet): void {
  if ('op' in ctx.s.timers) return;
  const head = op.intake[0];
  if (head === undefined) return;
  const d = denomination(ctx.profile, head);
  ctx.setTimer('op', ctx.now + (d?.isNote ? ctx.profile.durations.noteAcceptMs : ctx.profile.durations.coinAcceptMs));
}

/**
 * The piece at the head of the validator is done: faults may act on it first ('progress'),
 * then it is stored. False when there was none, or a fault stopped the operation.
 */
export function takeNextPiece(ctx: Ctx, op: IntakeOperation): boolean {
  const { s } = ctx;
  const value = op.intake[0];
  if (value === undefined) return false;
  const d = denomination(s.profile, value) as Denomination;
  const due = op.kind === 'charge' ? op.amount : 0;
  const fired = ctx.consult({
    point: 'progress',
    conn: op.conn,
    command: op.command,
    phase: 'accept',
    progress: due > 0 ? Math.min(1, op.inserted / due) : 0,
    elapsedMs: ctx.now - op.startedAt,
    denomination: value,
    isNote: d.isNote,
  });
  for (const f of fired) {
    if (ctx.applyFault(f, op.conn, { value, isNote: d.isNote, phase: 'accept' }).stopped) return false;
  }
  if (s.operation === null || s.operation.id !== op.id) return false;
  op.intake.shift();
  storeInserted(ctx, op, d);
  return true;
}

/** A validated piece goes to its recycler, or the stacker, or back to the customer when neither has room. */
function storeInserted(ctx: Ctx, op: IntakeOperation, d: Denomination): void {
  const { s } = ctx;
  const key = String(d.value);
  let where: string;
  if (d.recyclable && (s.recyclers[key] ?? 0) < d.capacity) {
    s.recyclers[key] = (s.recyclers[key] ?? 0) + 1;
    where = 'recycler';
  } else if (!d.isNote) {
    s.stacker[key] = (s.stacker[key] ?? 0) + 1;
    where = 'cash box';
  } else if (!s.stackerFull && stackerNotes(s) < s.profile.stacker.capacity) {
    s.stacker[key] = (s.stacker[key] ?? 0) + 1;
    where = 'stacker';
  } else {
    ctx.event('machine', `${ctx.money(d.value)} note refused: the stacker is full; returned to the customer`, { conn: op.conn });
    return;
  }
  op.inserted += d.value;
  s.ledger.inserted += d.value;
  if (d.isNote && s.maintenanceNotesLeft > 0) {
    s.maintenanceNotesLeft -= 1;
    if (s.maintenanceNotesLeft === 0) addError(ctx, MAINTENANCE_DUE_CODE, 'maintenance counter', { blocking: false });
  }
  ctx.event('machine', `IN: ${ctx.money(d.value)} ${d.isNote ? 'note' : 'coin'} → ${where} (${ctx.money(op.inserted)} so far)`, { conn: op.conn });
}

/** `#J#` or an operator closing a screen: pieces still in the validator are taken at once. */
export function finishIntakeNow(ctx: Ctx, op: IntakeOperation): void {
  ctx.clearTimer('op');
  while (op.intake.length > 0 && !('jammed' in op && op.jammed)) {
    const value = op.intake.shift() as number;
    const d = denomination(ctx.profile, value);
    if (d) storeInserted(ctx, op, d);
  }
  op.intake = [];
}

/** Pieces still in the validator go back to the customer. */
export function returnIntake(ctx: Ctx, op: IntakeOperation, why: string): void {
  if (op.intake.length === 0) return;
  const total = op.intake.reduce((a, b) => a + b, 0);
  ctx.event('machine', `${ctx.money(total)} not taken (${why}): returned to the customer`, { conn: op.conn });
  op.intake = [];
  ctx.clearTimer('op');
}

export function insertPieces(ctx: Ctx, op: CashInlet, pieces: readonly number[], who: string, note = ''): void {
  if (pieces.length === 0) return;
  op.intake.push(...pieces);
  ctx.event('customer', `${who} inserted ${describePieces(ctx, pieces)}${note}`, { conn: op.conn });
  scheduleIntake(ctx, op);
}

/** The automatic customer acts after its delay (the 'customer' timer); a manual one never does. */
export function scheduleCustomer(ctx: Ctx): void {
  const { s } = ctx;
  if (s.customer.mode !== 'auto') return;
  const delay = s.customer.delayMs ?? s.profile.durations.customerDelayMs;
  ctx.setTimer('customer', ctx.now + delay);
}

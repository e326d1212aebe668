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
import { coveringCombination } from './change.js';
import { allDenominations, type Denomination } from './profile.js';

export type IntakeOperation = ChargeOperation | AcceptOperation | ScreenOperation;

/** What the validator needs of an operation that takes cash: its queue of pieces, and where to tell. */
export interface CashInlet {
  readonly conn: number;
  intake: number[];
  /** What the automatic customer still means to insert (absent: the customer is done or manual). */
  feed?: CustomerFeed | null;
}

/**
 * What the automatic customer still means to put in. It inserts one piece at a time: the next
 * one once the validator has taken the previous one, so the pace, and every reply, are what
 * they were when it put its whole payment in at once; but the state holds only what is still
 * due, never a list of pieces as long as the amount (a `#C#` of 9 999 999.99 € used to work out
 * two million notes, and a table as large as the amount, before the first one went in).
 */
export interface CustomerFeed {
  /** Cents still to cover before its next pieces are worked out (paid with its largest piece while above COVER_LIMIT). */
  left: number;
  /** Its next pieces, in order: the `pay` list, or the covering combination of what was left. */
  next: number[];
}

/**
 * Up to this amount (plus its largest piece) the customer pays exactly the covering combination
 * (change.ts) of the whole amount, as one plan worked out at once (a few pieces, a table of
 * this size); above it, it puts in its largest piece until what is left is below it.
 */
export const COVER_LIMIT = 200_000;

/** The automatic customer's next piece, or undefined when it has put in all it meant to. */
export function nextFedPiece(ctx: Ctx, feed: CustomerFeed): number | undefined {
  if (feed.next.length === 0 && feed.left > 0) {
    const values = allDenominations(ctx.profile).map((d) => d.value);
    const largest = Math.max(...values);
    if (feed.left - largest >= COVER_LIMIT) {
      feed.left -= largest;
      return largest;
    }
    feed.next = coveringCombination(feed.left, values);
    feed.left = 0;
  }
  return feed.next.shift();
}

/** The validator is free: the automatic customer puts its next piece in, if it has one. */
function feedCustomer(ctx: Ctx, op: CashInlet): void {
  if (!op.feed || op.intake.length > 0) return;
  const piece = nextFedPiece(ctx, op.feed);
  if (piece === undefined) {
    op.feed = null;
    return;
  }
  insertPieces(ctx, op, [piece], 'automatic customer');
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
  feedCustomer(ctx, op);
  return true;
}

/** A validated piece goes to its recycler, or the stacker, or back to the customer when neither has room. */
function storeInserted(ctx: Ctx, op: IntakeOperation, d: Denomination): void {
  const { s } = ctx;
  const key = String(d.value);
  let where: string;
  if (d.recyclable && (s.recyclers[key] ?? 0) < d.capacity) {
    ctx.own('recyclers')[key] = (s.recyclers[key] ?? 0) + 1;
    where = 'recycler';
  } else if (!d.isNote) {
    ctx.own('stacker')[key] = (s.stacker[key] ?? 0) + 1;
    where = 'cash box';
  } else if (!s.stackerFull && stackerNotes(s) < s.profile.stacker.capacity) {
    ctx.own('stacker')[key] = (s.stacker[key] ?? 0) + 1;
    where = 'stacker';
  } else {
    ctx.event('machine', `${ctx.money(d.value)} note refused: the stacker is full; returned to the customer`, { conn: op.conn });
    return;
  }
  op.inserted += d.value;
  ctx.own('ledger').inserted += d.value;
  if (d.isNote && s.maintenanceNotesLeft > 0) {
    s.maintenanceNotesLeft -= 1;
    if (s.maintenanceNotesLeft === 0) addError(ctx, MAINTENANCE_DUE_CODE, 'maintenance counter', { blocking: false });
  }
  ctx.event('machine', `IN: ${ctx.money(d.value)} ${d.isNote ? 'note' : 'coin'} → ${where} (${ctx.money(op.inserted)} so far)`, { conn: op.conn });
}

/** `#J#` or an operator closing a screen: pieces still in the validator are taken at once. */
export function finishIntakeNow(ctx: Ctx, op: IntakeOperation): void {
  ctx.clearTimer('op');
  if ('feed' in op) op.feed = null;
  while (op.intake.length > 0 && !('jammed' in op && op.jammed)) {
    const value = op.intake.shift() as number;
    const d = denomination(ctx.profile, value);
    if (d) storeInserted(ctx, op, d);
  }
  op.intake = [];
}

/** Pieces still in the validator go back to the customer. */
export function returnIntake(ctx: Ctx, op: IntakeOperation, why: string): void {
  // The customer stops too: what it still held never went in.
  if ('feed' in op) op.feed = null;
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

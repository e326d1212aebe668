/**
 * Pieces coming out: a plan of moves leaves the recyclers one piece at a time (the 'op' timer),
 * to the exit or into the stacker. Shared by the change or refund of a charge and by the
 * dispensing commands; the operation decides what happens when its plan is done.
 */
import { planChange } from './change.js';
import type { Ctx } from './context.js';
import { denomination, stock, sumOf } from './inventory.js';
import type { ChargeOperation } from './operations/charge.js';
import type { DispenseOperation } from './operations/dispense.js';
import type { Move } from './state.js';

export type PayingOperation = ChargeOperation | DispenseOperation;

/** Sets the timer for the next piece of the plan; false when the plan is done. */
export function scheduleNextPiece(ctx: Ctx, op: PayingOperation): boolean {
  const head = op.plan[0];
  if (!head) {
    ctx.clearTimer('op');
    return false;
  }
  const d = denomination(ctx.profile, head.value);
  ctx.setTimer('op', ctx.now + (d?.isNote ? ctx.profile.durations.noteDispenseMs : ctx.profile.durations.coinDispenseMs));
  return true;
}

/**
 * The piece at the head of the plan moves: faults may act on it first ('progress'), then it
 * leaves its recycler as far as the stock allows. False when a fault stopped the operation.
 */
export function movePiece(ctx: Ctx, op: PayingOperation): boolean {
  const { s } = ctx;
  const head = op.plan[0];
  if (!head) return true;
  const isNote = denomination(s.profile, head.value)?.isNote ?? false;
  const due = op.kind === 'charge' ? op.due : op.requested;
  const moved = op.kind === 'charge' ? op.paid : op.paid + op.toStacker;
  const fired = ctx.consult({
    point: 'progress',
    conn: op.conn,
    command: op.command,
    phase: 'dispense',
    progress: due > 0 ? Math.min(1, moved / due) : 0,
    elapsedMs: ctx.now - op.startedAt,
    denomination: head.value,
    isNote,
  });
  for (const f of fired) {
    if (ctx.applyFault(f, op.conn, { value: head.value, isNote, phase: 'dispense' }).stopped) return false;
  }
  if (s.operation === null || s.operation.id !== op.id) return false;
  const move = op.plan.shift();
  if (move) {
    const key = String(move.value);
    const have = s.recyclers[key] ?? 0;
    if (have <= 0) {
      // The stock changed under the plan (PUT /inventory): the piece is simply not there.
      if (op.kind === 'dispense') op.short = true;
    } else {
      ctx.own('recyclers')[key] = have - 1;
      if (move.to === 'exit') {
        ctx.own('ledger').dispensed += move.value;
        op.paid += move.value;
      } else {
        const stacker = ctx.own('stacker');
        stacker[key] = (stacker[key] ?? 0) + 1;
        if (op.kind === 'dispense') op.toStacker += move.value;
      }
      if (op.kind === 'dispense') op.moved[key] = (op.moved[key] ?? 0) + 1;
    }
  }
  return true;
}

/** partial-dispense: the rest of the plan comes out `short` less (exactly, when the stock allows it). */
export function shortenDispense(ctx: Ctx, op: PayingOperation, short: number): void {
  const due = op.kind === 'charge' ? op.due : op.requested;
  const moved = op.kind === 'charge' ? op.paid : op.paid + op.toStacker;
  const budget = Math.max(0, due - short - moved);
  if (op.kind === 'charge' || op.command === 'P') {
    // Pay the shorter amount as well as the stock allows, so it comes out exactly `short` less when it can.
    const coinsOnly = op.kind === 'dispense' && op.coinsOnly === true;
    op.plan = planChange(budget, stock(ctx.s, coinsOnly ? 'coins' : 'all')).pieces.map((value) => ({ value, to: 'exit' as const }));
  } else trimPlan(op, budget - sumOf(op.plan.filter((m) => m.to === 'stacker')));
  if (op.kind === 'dispense') op.short = true;
  // What the new plan leaves out: exactly `short` when the stock can make it, more when not.
  const planned = moved + sumOf(op.plan);
  ctx.event('machine', `dispense comes out short by ${ctx.money(due - planned)} (${ctx.money(short)} asked)`, { conn: op.conn });
}

/** Keep the largest remaining exit pieces that still fit in `budget` cents, and every stacker move (partial-dispense fault). */
function trimPlan(op: PayingOperation, budget: number): void {
  const exits = op.plan.filter((m) => m.to === 'exit').sort((a, b) => b.value - a.value);
  const kept: Move[] = [];
  let left = budget;
  for (const m of exits) {
    if (m.value <= left) {
      kept.push(m);
      left -= m.value;
    }
  }
  op.plan = [...kept, ...op.plan.filter((m) => m.to === 'stacker')];
}

/**
 * Control inputs: what the simulator's control API, a library user or a test does to the
 * machine besides the POS's frames. The customer (insert, Cancel, Accept, the automatic
 * customer), the operator (close a screen, clear errors), the inventory, the fault book and
 * reset. Inputs that make no sense right now throw `NOTHING_OPEN`; bad values `INVALID_INPUT`.
 */
import { CertError, InvalidInputError } from '../errors.js';
import { armFault, disarmFault, newFaultBook, resetFaultBook, type FaultBook } from '../faults/book.js';
import type { MachineInput, MachineOutput, StepResult, TimerRequest } from './api.js';
import { removeErrors } from './active-errors.js';
import type { Ctx } from './context.js';
import { normaliseCustomer } from './customer.js';
import { insertPieces, nextFedPiece, scheduleCustomer, type CashInlet, type CustomerFeed } from './intake.js';
import { cashTotal, denomination, describePieces } from './inventory.js';
import { handlerOf, type Operation } from './operations/index.js';
import { allDenominations } from './profile.js';
import { connSetList, connSetRemove, initialState, type MachineState } from './state.js';
import type { CustomerConfig, InventoryCounts } from './types.js';

// ─── the customer ───────────────────────────────────────────────────────────────────────────

export function onCustomer(ctx: Ctx, input: Extract<MachineInput, { type: 'customer' }>): void {
  const { s } = ctx;
  const op = s.operation;
  if (input.insert && input.insert.length > 0) {
    const unknown = input.insert.filter((v) => !denomination(s.profile, v));
    if (unknown.length > 0) {
      throw new InvalidInputError(`unknown denomination${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for profile ${s.profile.name}`, [
        { severity: 'error', message: `not a denomination of ${s.profile.name}: ${unknown.join(', ')}`, hint: `use one of ${allDenominations(s.profile).map((d) => d.value).join(', ')} (cents)` },
      ]);
    }
    if (!op || !handlerOf(op).takesCash(op) || !inlet(op)) throw nothingOpen('insert cash', op);
    const handler = handlerOf(op);
    const accept = input.accept !== false;
    const leavesButton = !accept && handler.acceptButton?.(op) === true;
    insertPieces(ctx, op, input.insert, 'customer', leavesButton ? ' (and will not press Accept)' : '');
    handler.inserted?.(ctx, op, { auto: false, pressesAccept: accept });
  }
  if (input.cancel) {
    const current = s.operation;
    if (!current || !(handlerOf(current).pressCancel?.(ctx, current) ?? false)) throw nothingOpen('press Cancel', current);
  }
  if (input.confirm) {
    const current = s.operation;
    if (!current || !(handlerOf(current).pressAccept?.(ctx, current) ?? false)) throw nothingOpen('press Accept', current);
  }
}

/** The 'customer' timer: the automatic customer pays what is due, or its fixed "pay" list. */
export function autoCustomer(ctx: Ctx): void {
  const { s } = ctx;
  const op = s.operation;
  if (!op) return;
  const handler = handlerOf(op);
  if (!handler.takesCash(op) || !handler.autoCustomer || !inlet(op)) return;
  const left = handler.amountLeft?.(op);
  let feed: CustomerFeed;
  if (s.customer.pay && s.customer.pay.length > 0) feed = { left: 0, next: [...s.customer.pay] };
  else if (left !== undefined) feed = { left, next: [] };
  else {
    ctx.event('customer', `automatic customer: #${op.command}# carries no amount and no "pay" list is set, so nothing is inserted`, { conn: op.conn });
    return;
  }
  // One piece now; the validator taking it lets the next one in (intake.ts).
  const first = nextFedPiece(ctx, feed);
  op.feed = first === undefined ? null : feed;
  if (first !== undefined) insertPieces(ctx, op, [first], 'automatic customer');
  handler.inserted?.(ctx, op, { auto: true, pressesAccept: true });
}

export function onSetCustomer(ctx: Ctx, customer: CustomerConfig): void {
  const { s } = ctx;
  s.customer = normaliseCustomer(customer, { name: s.profile.name, denominations: allDenominations(s.profile).map((d) => d.value) });
  ctx.event('control', `customer set to ${s.customer.mode}${s.customer.pay ? ` paying ${describePieces(ctx, s.customer.pay)}` : ''}`);
  ctx.clearTimer('customer');
  const op = s.operation;
  // The new customer decides what goes in next; pieces already in the validator stay there.
  if (op && inlet(op)) op.feed = null;
  if (s.customer.mode === 'auto' && op && handlerOf(op).takesCash(op) && handlerOf(op).autoCustomer) scheduleCustomer(ctx);
}

/** An operation that takes cash has a validator queue. */
function inlet(op: Operation): op is Operation & CashInlet {
  return 'intake' in op;
}

function nothingOpen(action: string, op: Operation | null): CertError {
  const what = op ? `#${op.command}# is ${handlerOf(op).doing?.(op) ?? 'not taking cash'}` : 'no operation is open';
  return new CertError('NOTHING_OPEN', `cannot ${action}: ${what}`);
}

// ─── the operator ───────────────────────────────────────────────────────────────────────────

export function onOperatorClose(ctx: Ctx): void {
  const op = ctx.s.operation;
  const close = op ? handlerOf(op).closeByOperator : undefined;
  if (!op || !close) throw nothingOpen('close a screen', op);
  close(ctx, op);
}

export function onClearErrors(ctx: Ctx): void {
  const { s } = ctx;
  s.stackerFull = false;
  if (s.errors.length === 0) {
    ctx.event('operator', 'operator cleared errors: none were active');
    return;
  }
  removeErrors(ctx, () => true, 'the operator cleared them');
  const op = s.operation;
  if (op) handlerOf(op).errorsCleared?.(ctx, op);
}

// ─── the inventory ──────────────────────────────────────────────────────────────────────────

export function onSetInventory(ctx: Ctx, inventory: Partial<InventoryCounts>): void {
  const { s } = ctx;
  const problems: Array<{ path: string; message: string }> = [];
  const updates: Array<['recyclers' | 'stacker', string, number]> = [];
  for (const place of ['recyclers', 'stacker'] as const) {
    const counts = inventory[place];
    if (counts === undefined) continue;
    if (typeof counts !== 'object' || counts === null) {
      problems.push({ path: place, message: 'must be an object of denomination → count' });
      continue;
    }
    for (const [key, count] of Object.entries(counts)) {
      const path = `${place}.${key}`;
      const d = denomination(s.profile, Number(key));
      if (!d || String(d.value) !== key) problems.push({ path, message: `not a denomination of ${s.profile.name}` });
      else if (!Number.isSafeInteger(count) || count < 0) problems.push({ path, message: `count must be a non-negative integer, got ${JSON.stringify(count)}` });
      // 0 is what GET /state shows for a denomination the recyclers cannot hold: setting it back is no change.
      else if (place === 'recyclers' && !d.recyclable && count > 0) problems.push({ path, message: `${ctx.money(d.value)} ${d.isNote ? 'notes' : 'coins'} are not recycled by ${s.profile.name}` });
      else if (place === 'recyclers' && count > d.capacity) problems.push({ path, message: `${count} is above the recycler capacity ${d.capacity}` });
      else updates.push([place, key, count]);
    }
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      `invalid inventory: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ severity: 'error' as const, path: p.path, message: p.message })),
    );
  }
  const before = cashTotal(s);
  for (const [place, key, count] of updates) ctx.own(place)[key] = count;
  // Setting counts is not a cash movement: the baseline moves with it, so conservation still holds.
  ctx.own('ledger').initial += cashTotal(s) - before;
  ctx.event('control', `inventory set: ${updates.map(([place, key, count]) => `${place} ${ctx.money(Number(key))} × ${count}`).join(', ')}`);
}

// ─── the fault book ─────────────────────────────────────────────────────────────────────────

/** Domain faults live in the machine's book; the simulator arms transport faults in the connections' chain. */
export function onArmFault(ctx: Ctx, id: string | undefined, spec: unknown): void {
  const armed = armFault(ctx.s.faults ?? newBookFor(ctx.s), spec, id !== undefined ? { id } : {});
  ctx.s.faults = armed.book;
}

export function onDisarmFault(ctx: Ctx, id: string): void {
  if (ctx.s.faults) ctx.s.faults = disarmFault(ctx.s.faults, id).book;
}

/** A machine started without a book gets one when its first fault is armed (seed 1, the simulator's default). */
function newBookFor(s: MachineState): FaultBook {
  return newFaultBook(1, { currency: s.profile.currency.symbol });
}

// ─── reset ──────────────────────────────────────────────────────────────────────────────────

/**
 * A reset isolates what comes next from what came before: connections are closed (a POS that
 * hung cannot carry a half-read reply into the next test; with `closeAll` false the healthy
 * ones stay and only the one whose operation is ended goes, its reply will never come), the
 * open operation ends with its money accounted for, and the machine is back to the profile's
 * initial state. The only output event is one sentence saying what was done.
 */
export function onReset(ctx: Ctx, closeAll: boolean): StepResult<MachineState> {
  const old = ctx.s;
  const owner = old.operation?.conn;
  const ended = settleOperation(ctx);
  const fresh = initialState(old.profile, { customer: old.initialCustomer, faults: old.faults ? resetFaultBook(old.faults) : null, dialect: old.dialect });
  const open = connSetList(old.conns);
  const closed = closeAll ? open : open.filter((c) => c === owner);
  fresh.conns = closed.length === 0 ? old.conns : closeAll ? [] : connSetRemove(old.conns, owner as number);
  const done: string[] = [];
  if (closed.length === 1) done.push(`closed connection ${closed[0]}`);
  else if (closed.length > 1) done.push(`closed ${closed.length} connections (${closed.join(', ')})`);
  if (ended) done.push(ended);
  const idle = `${open.length > closed.length ? 'connections kept' : 'no connection was open'} and no operation was running`;
  const text = `reset: ${done.length > 0 ? done.join('; ') : idle}; machine back to the profile's initial state`;
  const outputs: MachineOutput[] = [{ type: 'event', kind: 'control', text }, ...closed.map((conn): MachineOutput => ({ type: 'close', conn, how: 'disconnect' }))];
  const timers: TimerRequest[] = [...ctx.timers, ...Object.keys(old.timers).map((id): TimerRequest => ({ type: 'clear', id }))];
  return { state: fresh, outputs, timers };
}

/**
 * Ends the open operation at once, with no reply (its connection is being closed), and with the
 * money accounted for as the operation's own rules say: a charge still taking cash pays back
 * what went in (as on Cancel); change or a refund being paid, and a dispense, finish at once (as
 * when the client disconnects, protocol.md §2.9); cash put into an acceptance or a screen stays.
 * Pieces still in the validator were never taken and go back to the customer.
 * Returns what it did, for the reset sentence, or null when nothing was open.
 */
export function settleOperation(ctx: Ctx): string | null {
  const { s } = ctx;
  const op = s.operation;
  if (!op) return null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  s.operation = null;
  const { head, what } = handlerOf(op).settle(ctx, op, `#${op.command === '?' ? '?#SHOW' : op.command}#`);
  const unvalidated = 'intake' in op ? op.intake.reduce((a, b) => a + b, 0) : 0;
  if (unvalidated > 0) what.push(`${ctx.money(unvalidated)} still in the validator went back to the customer`);
  return what.length > 0 ? `${head} (${what.join('; ')})` : head;
}

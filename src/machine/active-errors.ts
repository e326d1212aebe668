/**
 * The device errors the machine shows now (`#?#`): raised by faults and by the machine itself
 * (short change, maintenance due), cleared by the operator, by a command (`#W#2#`, `#RI#`) or
 * when a fault's `for` window ends (the 'errors' timer).
 */
import type { Ctx } from './context.js';
import { isWarningCode, STACKER_FULL_CODE } from './device-errors.js';
import type { ActiveError, MachineState } from './state.js';

export function addError(ctx: Ctx, code: number, source: string, options: { blocking?: boolean; until?: number | null; denomination?: number } = {}): void {
  const { s } = ctx;
  const existing = s.errors.find((e) => e.code === code);
  const blocking = options.blocking ?? !isWarningCode(code);
  const until = options.until ?? null;
  if (existing) {
    const merged: ActiveError = {
      ...existing,
      blocking: existing.blocking || blocking,
      until: existing.until === null || until === null ? null : Math.max(existing.until, until),
      source,
    };
    s.errors = s.errors.map((e) => (e === existing ? merged : e));
  } else {
    s.errors = [...s.errors, { code, blocking, until, source, ...(options.denomination !== undefined ? { denomination: options.denomination } : {}) }];
    ctx.event('machine', `device ${blocking ? 'error' : 'warning'} ${code} active`);
  }
  scheduleErrorTimer(ctx);
}

export function removeErrors(ctx: Ctx, predicate: (e: ActiveError) => boolean, why: string): void {
  const { s } = ctx;
  const removed = s.errors.filter(predicate);
  if (removed.length === 0) return;
  s.errors = s.errors.filter((e) => !predicate(e));
  if (removed.some((e) => e.code === STACKER_FULL_CODE)) s.stackerFull = false;
  ctx.event('machine', `device error${removed.length > 1 ? 's' : ''} ${removed.map((e) => e.code).join(', ')} cleared (${why})`);
  scheduleErrorTimer(ctx);
}

/** One timer for the earliest error that clears by itself. */
function scheduleErrorTimer(ctx: Ctx): void {
  const next = ctx.s.errors.reduce<number | null>((min, e) => (e.until !== null && (min === null || e.until < min) ? e.until : min), null);
  if (next === null) ctx.clearTimer('errors');
  else if (ctx.s.timers['errors'] !== next) ctx.setTimer('errors', next);
}

export function hasError(s: MachineState, code: number): boolean {
  return s.errors.some((e) => e.code === code);
}

export function blockingError(s: MachineState): boolean {
  return s.errors.some((e) => e.blocking);
}

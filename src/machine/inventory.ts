/**
 * The cash inside the machine: denominations, stock for change-making, totals, level warnings,
 * and moving pieces out of the recyclers at once. Pure functions over the state.
 */
import type { StockEntry } from './change.js';
import type { Ctx } from './context.js';
import { isLevelWarning, levelCode, stackerLevelCode } from './levels.js';
import { allDenominations, type Denomination, type MachineProfile } from './profile.js';
import type { MachineState, Move } from './state.js';

/** Commands whose success may come back as WR:LEVEL (protocol.md §3). */
const LEVEL_REPLIES = new Set(['C', 'Q', 'J', 'P', 'Y', 'U', 'U2']);

export function denomination(profile: MachineProfile, value: number): Denomination | undefined {
  return profile.coins.find((d) => d.value === value) ?? profile.notes.find((d) => d.value === value);
}

/** What the recyclers can pay out now, for change-making. */
export function stock(s: MachineState, which: 'all' | 'coins'): StockEntry[] {
  const list = which === 'coins' ? s.profile.coins : allDenominations(s.profile);
  return list.filter((d) => d.recyclable).map((d) => ({ value: d.value, count: s.recyclers[String(d.value)] ?? 0 }));
}

/** Cents held by a set of counts. */
export function sum(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  const keys = Object.keys(counts);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    total += Number(key) * (counts[key] as number);
  }
  return total;
}

const VALUES = new WeakMap<MachineProfile, readonly number[]>();

/**
 * Cents held by an inventory (recyclers or stacker). Its keys are always the profile's
 * denominations (the initial state, the moves and `set-inventory` use nothing else), and
 * reading them by value is about 4× faster than walking the keys: V8 keeps cent keys such
 * as "50000" as dictionary elements, and `#T#` sums both inventories on every call.
 */
export function inventoryTotal(profile: MachineProfile, counts: Readonly<Record<string, number>>): number {
  let values = VALUES.get(profile);
  if (values === undefined) {
    values = allDenominations(profile).map((d) => d.value);
    VALUES.set(profile, values);
  }
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    total += value * (counts[value] ?? 0);
  }
  return total;
}

/** Cents a list of moves carries. */
export function sumOf(moves: readonly Move[]): number {
  return moves.reduce((total, m) => total + m.value, 0);
}

export function cashTotal(s: Pick<MachineState, 'recyclers' | 'stacker'>): number {
  return sum(s.recyclers) + sum(s.stacker);
}

export function stackerNotes(s: MachineState): number {
  return s.profile.notes.reduce((n, d) => n + (s.stacker[String(d.value)] ?? 0), 0);
}

export function levelWarning(s: MachineState): boolean {
  for (const d of allDenominations(s.profile)) {
    if (d.recyclable && isLevelWarning(levelCode(d, s.recyclers[String(d.value)] ?? 0))) return true;
  }
  return isLevelWarning(stackerLevelCode(s.profile, stackerNotes(s), s.stackerFull));
}

/** The success status of a command: `WR:LEVEL` when it is one that reports levels and a level warns. */
export function okOrLevel(s: MachineState, code: string): string {
  return LEVEL_REPLIES.has(code) && levelWarning(s) ? 'WR:LEVEL' : '0';
}

/** Moves pieces out of the recyclers at once, each as far as the stock allows. */
export function payOutNow(ctx: Ctx, moves: readonly Move[]): { out: number; toStacker: number } {
  let out = 0;
  let toStacker = 0;
  if (moves.length === 0) return { out, toStacker };
  const recyclers = ctx.own('recyclers');
  for (const move of moves) {
    const key = String(move.value);
    const have = recyclers[key] ?? 0;
    if (have <= 0) continue;
    recyclers[key] = have - 1;
    if (move.to === 'exit') {
      ctx.own('ledger').dispensed += move.value;
      out += move.value;
    } else {
      const stacker = ctx.own('stacker');
      stacker[key] = (stacker[key] ?? 0) + 1;
      toStacker += move.value;
    }
  }
  return { out, toStacker };
}

/** "2 × 20 €, 1 × 0.50 €", largest first. */
export function describePieces(ctx: Ctx, pieces: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const p of pieces) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([value, n]) => `${n} × ${ctx.money(value)}`)
    .join(', ');
}

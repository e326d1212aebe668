/**
 * The soak's seeded protocol fuzzer: what to send (random bytes with NUL and bytes that are no
 * valid UTF-8, valid frames, mutated frames, oversized frames) and the oracles that need no
 * model of the machine. Same seed, same bytes: a failing run replays with `--seed`.
 * Used by scripts/soak.ts and by the fast slice in npm test (test/server/fuzz-slice.test.ts).
 */
import { createRandom, type Random } from '../../src/random.js';

export { createRandom, type Random };

/** Frames that answer at once and change no money (safe to pipeline in any number). */
export const QUERY_FRAMES = ['#T#', '#Y#', '#GC#', '#GI#', '#GV#', '#INFO#', '#?#', '#Q#', '#X#200#', '#T2#', '#Y2#', '#GC2#'];
/** Frames that start operations, cancel them, or move money (the machine must conserve it). */
export const ACTION_FRAMES = [
  '#I#',
  '#!#',
  '#C#1#1#150#0#0#0#0#0#0#0#0#',
  '#C#2#1#990#1#15360#0#0#0#1#0#0#',
  '#P#1#1#50#0#0#',
  '#B#0#',
  '#U#0#1#',
  '#W#0#',
  '#E#',
  '#K#0#',
  '#?#SHOW#',
];
const ALL_FRAMES = [...QUERY_FRAMES, ...ACTION_FRAMES];
const SEPARATORS = ['', '\r\n', '\n', ' ', '\t'];

export function pick<T>(random: Random, list: readonly T[]): T {
  return list[random.int(list.length)] as T;
}

/** Random bytes, NUL and 0x80–0xff included (Latin-1 on the wire; invalid as UTF-8). */
export function randomBytes(random: Random, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    const r = random.next();
    b[i] = r < 0.1 ? 0 : r < 0.2 ? 0x23 : r < 0.3 ? 0x80 + random.int(128) : random.int(256);
  }
  return b;
}

/** A valid frame damaged the way fuzzers do: bytes flipped, inserted, deleted, duplicated, cut. */
export function mutate(random: Random, frame: string): string {
  let s = frame;
  const edits = 1 + random.int(3);
  for (let e = 0; e < edits; e++) {
    const at = random.int(s.length + 1);
    switch (random.int(6)) {
      case 0:
        s = s.slice(0, at) + String.fromCharCode(random.int(256)) + s.slice(at + 1);
        break;
      case 1:
        s = s.slice(0, at) + String.fromCharCode(random.int(256)) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1);
        break;
      case 3:
        s = s.slice(0, at) + '#' + s.slice(at);
        break;
      case 4:
        s = s.slice(0, at) + String(random.int(2) === 0 ? 999999999 : -1) + s.slice(at);
        break;
      default:
        s = s.slice(0, at);
    }
  }
  return s;
}

export type UnitKind = 'valid' | 'mutated' | 'random';

/** One unit of fuzz traffic: a frame, a damaged frame or random bytes, with a separator. */
export function unit(random: Random, queriesOnly = false): { kind: UnitKind; bytes: Buffer } {
  const r = random.next();
  const frames = queriesOnly ? QUERY_FRAMES : ALL_FRAMES;
  if (r < 0.45) return { kind: 'valid', bytes: Buffer.from(pick(random, frames) + pick(random, SEPARATORS), 'latin1') };
  if (r < 0.85) return { kind: 'mutated', bytes: Buffer.from(mutate(random, pick(random, frames)) + pick(random, SEPARATORS), 'latin1') };
  return { kind: 'random', bytes: randomBytes(random, 1 + random.int(64)) };
}

/**
 * Replies are the connector's words only: no control byte of what the client sent may come
 * back (an echo of garbage would be a bug). Printable Latin-1 only.
 */
export function badReplyByte(replies: string): number {
  for (let i = 0; i < replies.length; i++) {
    const c = replies.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c > 0xff) return i;
  }
  return -1;
}

/** The money check: what is in the machine plus what left it equals what was there plus what came in. */
export interface Ledgered {
  totals: { recyclers: number; stacker: number };
  ledger?: { initial: number; inserted: number; dispensed: number; removed: number };
}

export function moneyMismatch(state: Ledgered): string | undefined {
  const l = state.ledger;
  if (l === undefined) return 'GET /state has no ledger';
  const inside = state.totals.recyclers + state.totals.stacker;
  if (inside + l.dispensed + l.removed === l.initial + l.inserted) return undefined;
  return `money not conserved: recyclers ${state.totals.recyclers} + stacker ${state.totals.stacker} + dispensed ${l.dispensed} + removed ${l.removed} ≠ initial ${l.initial} + inserted ${l.inserted}`;
}

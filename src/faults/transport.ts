/** Shared arithmetic of the transport faults' toxics (catalogue/split, corrupt, disconnect, reset). */
import type { Random } from '../random.js';
import type { Delivery } from './engine-types.js';
import type { FaultSpec } from './spec.js';

/** Where a reply of `length` bytes is cut: inside (0, length), ascending, no duplicates. */
export function splitOffsets(at: unknown, length: number): number[] {
  if (length < 2) return [];
  if (at === 'every') return Array.from({ length: length - 1 }, (_, i) => i + 1);
  if (Array.isArray(at)) {
    const inside = at.filter((o): o is number => typeof o === 'number' && Number.isInteger(o) && o > 0 && o < length);
    const offsets = [...new Set(inside)].sort((a, b) => a - b);
    // Offsets past a short reply would leave it whole, which is not what the user asked for.
    return offsets.length > 0 ? offsets : [Math.floor(length / 2)];
  }
  return [Math.floor(length / 2)];
}

const FIRST_PRINTABLE = 0x21;
const PRINTABLE_COUNT = 0x7e - 0x21 + 1;

/**
 * `count` distinct bytes of `text` replaced by other printable characters, all drawn from
 * `random` so that the same seed damages the same bytes the same way.
 */
export function damage(text: string, count: number, random: Random): string {
  if (text.length === 0) return text;
  const chars = [...text];
  const indexes = chars.map((_, i) => i);
  const n = Math.min(Math.max(1, Math.floor(count)), chars.length);
  for (let k = 0; k < n; k++) {
    const pick = k + random.int(indexes.length - k);
    const position = indexes[pick] ?? k;
    indexes[pick] = indexes[k] ?? position;
    indexes[k] = position;
    const original = chars[position]?.charCodeAt(0) ?? 0;
    let code = FIRST_PRINTABLE + random.int(PRINTABLE_COUNT - 1);
    if (original >= FIRST_PRINTABLE && code >= original) code += 1;
    chars[position] = String.fromCharCode(code);
  }
  return chars.join('');
}

/** `midReply` of a disconnect/reset spec: bytes of the reply sent before the cut (0: none). */
function midReply(spec: FaultSpec): number {
  return typeof spec['midReply'] === 'number' ? spec['midReply'] : 0;
}

/** The typed options of disconnect and reset. */
export function midReplyOption(spec: FaultSpec): { midReply: number } {
  return { midReply: midReply(spec) };
}

export function dropAt(how: 'disconnect' | 'reset', midReplyBytes: number, reply: string): Partial<Delivery> {
  return { drop: how, dropAfterBytes: Math.min(Math.max(0, midReplyBytes), reply.length) };
}

export function cutPhrase(spec: FaultSpec): string {
  const mid = midReply(spec);
  return mid > 0 ? ` after ${mid} bytes of the reply` : ' instead of the reply';
}

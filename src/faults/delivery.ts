/**
 * The to-POS toxics that fired on one reply, merged into the one Delivery the connection
 * carries out: in each toxic's `order` (later replacements win), delays add up, cut offsets
 * merge, and the strongest drop wins (reset, then disconnect, then silence).
 */
import type { Random } from '../random.js';
import type { Delivery, FiredFault } from './engine-types.js';
import { getFaultDefinition } from './registry.js';

const DROP_STRENGTH = { silence: 1, disconnect: 2, reset: 3 } as const;

export function mergeDeliveries(fired: readonly FiredFault[], reply: string, previousReply: string | undefined, random: Random): Delivery | undefined {
  const toxics = fired
    .map((f) => ({ fault: f, definition: getFaultDefinition(f.type) }))
    .filter(({ definition }) => definition.toxic?.direction === 'to-pos' && definition.toxic.shape !== undefined)
    .sort((a, b) => (a.definition.toxic?.order ?? 0) - (b.definition.toxic?.order ?? 0));
  if (toxics.length === 0) return undefined;
  const delivery: Delivery = { faults: [] };
  const offsets = new Set<number>();
  for (const { fault, definition } of toxics) {
    const toxic = definition.toxic;
    const part = fault.delivery ?? toxic?.shape?.(definition.parseOptions(fault.spec), reply, previousReply, random) ?? {};
    delivery.faults.push(fault.id);
    if (part.delayMs !== undefined) delivery.delayMs = (delivery.delayMs ?? 0) + part.delayMs;
    for (const offset of part.splitAt ?? []) offsets.add(offset);
    if (part.replaceWith !== undefined) delivery.replaceWith = part.replaceWith;
    if (part.drop !== undefined && (delivery.drop === undefined || DROP_STRENGTH[part.drop] > DROP_STRENGTH[delivery.drop])) {
      delivery.drop = part.drop;
      if (part.dropAfterBytes !== undefined) delivery.dropAfterBytes = part.dropAfterBytes;
      else delete delivery.dropAfterBytes;
    }
  }
  const length = (delivery.replaceWith ?? reply).length;
  const splitAt = [...offsets].filter((o) => o > 0 && o < length).sort((a, b) => a - b);
  if (splitAt.length > 0) delivery.splitAt = splitAt;
  if (delivery.dropAfterBytes !== undefined) delivery.dropAfterBytes = Math.min(delivery.dropAfterBytes, length);
  return delivery;
}

/**
 * Where a disconnect/reset with `dropAfterBytes` cuts the reply: the number of bytes of `text`
 * that go out before the connection goes, or 0 when it goes instead of the reply. `offset` is
 * where the reply's frame starts in `text` (a relayed reply may carry leading bytes).
 */
export function cutPoint(delivery: Delivery | undefined, text: string, offset = 0): number {
  if (delivery?.drop !== 'disconnect' && delivery?.drop !== 'reset') return 0;
  const bytes = Math.floor(delivery.dropAfterBytes ?? 0);
  if (bytes <= 0) return 0;
  return Math.min(text.length, offset + bytes);
}

/** Where a split fault cuts `text` into pieces, in order, each strictly inside it. */
export function splitOffsets(delivery: Delivery | undefined, text: string, offset = 0): number[] {
  const cuts = (delivery?.splitAt ?? []).map((n) => n + offset).filter((n) => Number.isInteger(n) && n > 0 && n < text.length);
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** Whether carrying this delivery out involves waiting (latency, the pieces of a split, a partial reply before a cut). */
export function deliveryWaits(delivery: Delivery | undefined, text: string, offset = 0): boolean {
  if (delivery === undefined) return false;
  if (delivery.delayMs !== undefined && delivery.delayMs > 0) return true;
  if (cutPoint(delivery, text, offset) > 0) return true;
  return delivery.drop === undefined && splitOffsets(delivery, text, offset).length > 0;
}

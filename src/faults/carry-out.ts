/**
 * Carries out a reply's delivery (delivery.ts) on a connection to the POS: after its latency,
 * in the pieces of a split, cut short by a disconnect or reset, withheld, or whole. One routine
 * for the simulator's session and the proxy's relay, each a DeliveryTarget: the same fault
 * does the same thing to a POS wherever the reply comes from. No I/O of its own: the target
 * writes, records, waits and hangs up.
 */
import { cutPoint, splitOffsets } from './delivery.js';
import type { Delivery } from './engine-types.js';

/**
 * The default pause between the pieces of a split reply, wall ms: long enough that a POS reading
 * as soon as bytes arrive gets each piece in its own read, or the fault would test nothing.
 */
export const SPLIT_PAUSE_MS = 40;

/** What carrying out a delivery needs of a connection. */
export interface DeliveryTarget {
  readonly conn: number;
  /** Pause between the pieces of a split reply, and before a cut after a partial reply. */
  readonly splitPauseMs: number;
  wait(ms: number): Promise<void>;
  /** Replies are no longer delivered: a reset, or a fault that already cut the connection. */
  discarding(): boolean;
  /** The POS's side can still be written. */
  writable(): boolean;
  writeReply(text: string): void;
  /** Records a reply sent whole at once. */
  recordReply(text: string, fault: string | undefined): void;
  /** Records what went out in pieces, or before a cut (the relay trims the line ends it relayed). */
  recordWritten(text: string, fault: string | undefined): void;
  recordEvent(kind: 'connection' | 'fault', text: string, fault?: string): void;
  /** A fault ends the connection instead of (the rest of) a reply: nothing more is read. */
  cutByFault(how: 'disconnect' | 'reset'): void;
}

export interface OutgoingReply {
  /** The command it answers. */
  command: string;
  /** The reply's frame. */
  frame: string;
  /** What the transcript records for the reply sent unchanged: the frame, or a label standing for it. */
  shown: string;
  /** The bytes to write: the frame, a relayed reply with its line end, or a fault's replacement. */
  text: string;
  /** Where the frame starts in `text` (a relayed reply may carry leading bytes). */
  offset: number;
}

/** At once: the reply whole, withheld, or the connection cut instead of it. */
export function deliverNow(target: DeliveryTarget, reply: OutgoingReply, delivery: Delivery | undefined): void {
  if (target.discarding()) return;
  const fault = delivery?.faults[0];
  if (!target.writable()) {
    target.recordEvent('connection', `reply ${reply.shown} to #${reply.command}# not sent: connection ${target.conn} is closed`);
    return;
  }
  if (delivery?.drop === 'silence') {
    target.recordEvent('fault', `reply ${reply.frame} to #${reply.command}# withheld (silence)`, fault);
    return;
  }
  if (delivery?.drop === 'disconnect' || delivery?.drop === 'reset') {
    recordCut(target, reply, delivery, 0);
    target.cutByFault(delivery.drop);
    return;
  }
  target.writeReply(reply.text);
  target.recordReply(delivery?.replaceWith ?? reply.shown, fault);
}

/** After the delivery's latency, piece by piece: what deliverNow does, plus the waits. */
export async function deliverLater(target: DeliveryTarget, reply: OutgoingReply, delivery: Delivery | undefined): Promise<void> {
  const fault = delivery?.faults[0];
  if (delivery?.delayMs !== undefined && delivery.delayMs > 0) await target.wait(delivery.delayMs);
  if (target.discarding()) return;
  if (!target.writable()) return deliverNow(target, reply, delivery);
  const { text, offset } = reply;
  const cut = cutPoint(delivery, text, offset);
  if (cut > 0 && (delivery?.drop === 'disconnect' || delivery?.drop === 'reset')) {
    target.writeReply(text.slice(0, cut));
    target.recordWritten(text.slice(0, cut), fault);
    // Let the partial reply leave before the connection goes away (an RST discards unsent bytes).
    await target.wait(target.splitPauseMs);
    recordCut(target, reply, delivery, cut - offset);
    target.cutByFault(delivery.drop);
    return;
  }
  const offsets = splitOffsets(delivery, text, offset);
  if (offsets.length === 0 || delivery?.drop !== undefined) return deliverNow(target, reply, delivery);
  let start = 0;
  for (const end of [...offsets, text.length]) {
    if (start > 0) {
      await target.wait(target.splitPauseMs);
      if (target.discarding()) return;
      if (!target.writable()) {
        target.recordEvent('connection', `connection ${target.conn} closed after ${start - offset} bytes of the split reply to #${reply.command}#`, fault);
        return;
      }
    }
    target.writeReply(text.slice(start, end));
    start = end;
  }
  target.recordWritten(text, fault);
}

function recordCut(target: DeliveryTarget, reply: OutgoingReply, delivery: Delivery, cut: number): void {
  const how = delivery.drop === 'reset' ? 'reset (RST)' : 'closed (FIN)';
  target.recordEvent('fault', `connection ${target.conn} ${how} ${cut > 0 ? `after ${cut} bytes of` : 'instead of'} the reply to #${reply.command}#`, delivery.faults[0]);
}

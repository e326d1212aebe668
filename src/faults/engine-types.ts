/**
 * The contract between the fault book (src/faults/), the machine model (src/machine/) and the
 * connection chain (src/faults/chain.ts, applied by src/server/session.ts). Pure data: the
 * book decides, the machine applies domain faults through its effects API, the chain applies
 * the transport faults' toxics.
 *
 *   connection accepted ──► chain: consult({point:'connect'})  ──► refuse (closed at once)
 *   frame received ───────► machine: consult({point:'command'}) ──► busy / restart / device-error /
 *                           (chain: counts it for `nth`)           door-open / power-off / stacker-full
 *   operation progresses ─► machine: consult({point:'progress'}) ─► note-jam / coin-jam / partial-dispense
 *   reply about to leave ─► chain: consult({point:'reply'})    ──► Delivery: disconnect / reset /
 *                                                                   silence / latency / split /
 *                                                                   corrupt / stale-reply
 */
import type { FaultSpec, FaultStatus, FaultType } from './spec.js';

/** A moment at which armed faults are consulted. `command` is the code without `#` ("C"). */
export type FaultOpportunity =
  | { point: 'connect'; conn: number }
  | { point: 'command'; conn: number; command: string; frame: string }
  | {
      point: 'progress';
      conn: number;
      command: string;
      /** 'accept': cash going in (charge, acceptance, refill); 'dispense': cash coming out. */
      phase: 'accept' | 'dispense';
      /** 0..1 of the operation: amount moved / amount due (accept) or requested (dispense). */
      progress: number;
      /** Simulated ms since the operation started (unscaled machine time). */
      elapsedMs: number;
      /** The denomination about to move (cents) and whether it is a note. */
      denomination: number;
      isNote: boolean;
    }
  | { point: 'reply'; conn: number; command: string; frame: string };

/** One fault that fired at an opportunity. */
export interface FiredFault {
  id: string;
  type: FaultType;
  spec: FaultSpec;
  /** The human sentence for the transcript ("jammed a 20 € note at 40 % of the charge"). */
  sentence: string;
  /**
   * True when the fault fired earlier and is still inside its `for` window (refuse, busy,
   * silence, latency): it acts again without using up one of its `times`.
   */
  continuing?: boolean;
  /** For transport faults at a 'reply' point: the delivery directive worked out for that reply. */
  delivery?: Partial<Delivery>;
}

/** How the session must deliver one reply (transport faults), all optional. */
export interface Delivery {
  /** Wall-clock delay before the reply is written (latency). */
  delayMs?: number;
  /** Byte offsets at which the reply is cut into separate writes, with a short pause between them (split). */
  splitAt?: number[];
  /** Replace the reply with these exact bytes (corrupt, stale-reply). */
  replaceWith?: string;
  /** Instead of (or after part of) the reply: 'silence' never answers, 'disconnect' closes (FIN), 'reset' destroys with RST. */
  drop?: 'silence' | 'disconnect' | 'reset';
  /** With drop 'disconnect' / 'reset': how many bytes of the reply go out first (mid-reply cut). Default 0. */
  dropAfterBytes?: number;
  /** Ids of the faults that shaped this delivery. */
  faults: string[];
}

/** Options schema entry, used for validation, the web page's fault panel and the README table. */
export interface FaultOptionInfo {
  name: string;
  kind: 'cents' | 'integer' | 'duration' | 'offsets' | 'string' | 'code';
  description: string;
  default?: unknown;
  required?: boolean;
  /** For `string` options: the accepted words. */
  values?: readonly string[];
  /** Smallest accepted number (cents, integer, code); durations and offsets are never negative. */
  min?: number;
}

/** What the registry says about a fault type. */
export interface FaultInfo {
  type: FaultType;
  /** tickets: acts in the CashlogyTickets look-alike (src/server/tickets-watcher.ts), not on the machine or a connection. */
  plane: 'domain' | 'transport' | 'tickets';
  /** One line for help texts and the README table. */
  summary: string;
  /** What the POS sees on the wire. */
  wireEffect: string;
  options: FaultOptionInfo[];
}

export type { FaultSpec, FaultStatus };

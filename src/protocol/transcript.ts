/**
 * The wire transcript: every frame in and out of the simulator, plus human-readable events
 * (faults that fired, customer/operator actions, state changes). Shape pinned by
 * docs/simulator.md, Control API reference (`GET /transcript`); the optional fields are our additions.
 */
export type TranscriptDirection = 'in' | 'out' | 'event';

export type TranscriptEventKind =
  | 'connection' // a client connected or disconnected
  | 'fault' // an armed fault fired
  | 'customer' // the simulated customer inserted, cancelled or confirmed
  | 'operator' // the simulated operator acted (closed the backoffice…)
  | 'machine' // an operation started/finished, a device error appeared or cleared
  | 'control' // the control API or library changed the machine (inventory, reset…)
  | 'file'; // the CashlogyTickets look-alike saw something in its folder (written in place, reused name, removed…)

export interface TranscriptEntry {
  /** Wall-clock milliseconds since the simulator started or was last reset. */
  at: number;
  /** Connection id (1, 2, …); 0 for machine-level events. */
  conn: number;
  dir: TranscriptDirection;
  /** The frame exactly as it crossed the wire (Latin-1 text, CR/LF stripped), or a human sentence for events. */
  data: string;
  /** For `event` entries: what kind of event it is. */
  kind?: TranscriptEventKind;
  /** For fault events, and for frames a fault altered: the id of the fault. */
  fault?: string;
  /**
   * CashlogyTickets exchange (docs/tickets.md): the file an entry is about. `in`: a request as the
   * look-alike read it (text, BOM stripped); `out`: an answer it wrote; `event` (kind `file`): an
   * observation starting with `written in place:`, `reused name:`, `removed:`, `ignored:` or
   * `rejected:`. Always on connection 0.
   */
  file?: string;
}

/** The last fractional number written, and its text: a command's entries mostly share their time. */
let lastFraction = Number.NaN;
let lastFractionText = '';

/** What `JSON.stringify` writes for a number (`null` for NaN and the infinities). */
export function jsonNumber(n: number): string {
  if (n === lastFraction) return lastFractionText;
  if (!Number.isFinite(n)) return 'null';
  const text = String(n);
  if (!Number.isInteger(n)) {
    lastFraction = n;
    lastFractionText = text;
  }
  return text;
}

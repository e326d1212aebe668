/**
 * Reading money out of the connector's replies. Pure: no sockets, no time.
 */
import { centsField, type Reply } from './replies.js';

/** The four amounts of a `#C#` reply (protocol.md §5.3). */
export interface ChargeMoney {
  /** Cash the machine accepted (gross, not net). */
  auto: number;
  /** Change given back. */
  returned: number;
  /** Collected by hand and recorded on the connector screen. */
  manual: number;
  /** Net paid = auto + manual − returned (§5.3, §13.14). */
  net: number;
}

/** `undefined` when the reply does not carry the four amounts (a bare `#ER:BUSY#`). */
export function chargeMoney(reply: Reply): ChargeMoney | undefined {
  const auto = centsField(reply, 0);
  const returned = centsField(reply, 1);
  const manual = centsField(reply, 2);
  if (auto === undefined || returned === undefined || manual === undefined) return undefined;
  return { auto, returned, manual, net: auto + manual - returned };
}

/** "9.90": amounts in messages read like a receipt, whatever the currency. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Operation numbers that never repeat (§13.13: S-VB's `yyyyMMddHHss` collides twice an
 * hour). Milliseconds since the epoch, bumped past the last one handed out, so two sales in
 * the same millisecond, or after a POS restart, still differ. Digits only: the connector's
 * length and character limits are unknown (§16.10), and every client seen uses digits.
 */
export function createOperationNumbers(now: () => number): () => string {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 1);
    return String(last);
  };
}

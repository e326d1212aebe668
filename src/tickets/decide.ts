/**
 * What the CashlogyTickets look-alike asks of the machine for a request, and how it reads the
 * machine's reply into an answer. The look-alike is a client of the same machine model as the
 * TCP connector (a sale ≈ an Express `#C#` with the connector's screens, a refund ≈ `#P#`), so
 * money, the customer, faults and the inventory behave exactly as for a TCP POS. Pure.
 */
import type { TicketOutcome, TicketRequest } from './messages.js';

export type Money = (cents: number) => string;

/** The frame the look-alike feeds the machine for a request. */
export function machineFrame(request: TicketRequest): string {
  if (request.kind === 'sale') {
    // Express layout with every screen flag off but the screen itself: the customer pays at the
    // connector screen (web page, control API or the automatic customer), no Accept button.
    return `#C#${request.ticket}#${request.till ?? '1'}#${request.amount}#0#0#0#0#0#0#0#0#`;
  }
  return `#P#${request.amount}#0#0#0#`;
}

export const INIT_FRAME = '#I#';

/** Device error codes that only say the change ran short (protocol.md §8: 1110 not enough coins). */
const CHANGE_CODES = new Set([1110]);

export type ReplyReading = { type: 'answer'; outcome: TicketOutcome } | { type: 'init-first' };

/**
 * The machine's reply to the request's frame → the answer. `errors`: the device errors active
 * after the reply (a jam, a door: `device-error`; only "not enough coins": `not-enough-change`).
 * `#ER:ILLEGAL#` means the connector is not initialised: initialise and try once more.
 */
export function readReply(request: TicketRequest, reply: string, errors: readonly number[], money: Money, initTried: boolean): ReplyReading {
  const fields = reply.split('#').slice(1, -1);
  const status = fields[0] ?? '';
  const n = (i: number) => {
    const v = Number(fields[i]);
    return Number.isFinite(v) ? v : 0;
  };
  const { ticket, amount } = request;
  const answer = (outcome: TicketOutcome): ReplyReading => ({ type: 'answer', outcome });
  const nok = (reason: Extract<TicketOutcome, { ok: false }>['reason'], message: string, moved: Partial<Record<'paid' | 'change' | 'dispensed', number>> = {}) =>
    answer({ ok: false, ticket, reason, message, amount, ...moved });
  if (status === 'ER:ILLEGAL' && !initTried) return { type: 'init-first' };
  if (status === 'ER:BUSY') return nok('busy', `the machine is busy with another operation; ${what(request, money)} was not started`);
  if (status === 'ER:BAD_DATA') return nok('bad-request', `the connector refused ${what(request, money)} (${reply})`);
  if (status === 'ER:ILLEGAL') return nok('device-error', `the connector is not initialised; ${what(request, money)} was not started`);
  const deviceFault = errors.some((code) => !CHANGE_CODES.has(code));

  if (request.kind === 'sale') {
    const paid = n(1);
    const change = n(2);
    if (status === '0' || status === 'WR:LEVEL') return answer({ ok: true, kind: 'sale', ticket, amount, paid, change });
    if (status === 'WR:CANCEL') {
      return nok('cancelled', `the customer cancelled the sale; ${money(paid)} inserted, ${money(change)} given back`, { paid, change });
    }
    const owed = Math.max(0, paid - amount - change);
    if (!deviceFault && owed > 0) {
      return nok('not-enough-change', `not enough change: ${money(paid)} inserted for ${money(amount)}, ${money(change)} given back; ${money(owed)} is owed to the customer`, { paid, change });
    }
    return nok('device-error', `the machine failed during the sale (${reply}${errors.length ? `, device errors ${errors.join(', ')}` : ''}); ${money(paid)} inserted, ${money(change)} given back`, { paid, change });
  }
  const dispensed = n(1);
  if (status === '0' || status === 'WR:LEVEL') return answer({ ok: true, kind: 'refund', ticket, amount, dispensed });
  if (status === 'WR:CANCEL') return nok('cancelled', `the refund was cancelled after ${money(dispensed)} of ${money(amount)}`, { dispensed });
  if (!deviceFault) {
    return nok('not-enough-change', `not enough change: ${money(dispensed)} of ${money(amount)} dispensed; ${money(amount - dispensed)} must be paid by hand`, { dispensed });
  }
  return nok('device-error', `the machine failed during the refund (${reply}, device errors ${errors.join(', ')}); ${money(dispensed)} of ${money(amount)} dispensed`, { dispensed });
}

/** A short refund answered `.OK` with `partial: true` (dialect `partialRefund: ok`). */
export function asPartialOk(outcome: TicketOutcome): TicketOutcome {
  if (outcome.ok || outcome.reason !== 'not-enough-change' || outcome.dispensed === undefined || outcome.amount === undefined || outcome.ticket === undefined) return outcome;
  return { ok: true, kind: 'refund', ticket: outcome.ticket, amount: outcome.amount, dispensed: outcome.dispensed, partial: true };
}

function what(request: TicketRequest, money: Money): string {
  return `the ${request.kind} of ${money(request.amount)} (ticket ${request.ticket})`;
}

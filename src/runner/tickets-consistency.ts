/**
 * The outcome-vs-answer check of a tickets action (PURE), the counterpart of ./consistency.ts
 * for the Cashlogy Tickets file exchange: the answer CashlogyTickets wrote is the truth.
 *
 *   sale    `.OK` {ticket, amount, paid, change}      kept = paid − change; the POS books paid + owed = kept
 *   refund  `.OK` {ticket, amount, dispensed, …}       the POS reports refunded = dispensed (or refunded − owed = dispensed)
 *   `.NOK`  {ticket, reason, message, …}               only the money it says moved all the same (paid/change, dispensed) may be accounted for
 *
 * An answer belongs to the request with the same base name (`a.azk` → `a.OK`), written during
 * the action. Without an answer a completed, paid sale is a sale booked on nothing.
 */
import type { PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { ActionSpan } from './consistency.js';
import { answerKind, answersIn, requestsIn, type TicketsFile } from './expect-tickets.js';

export interface TicketsFinding {
  wire: string;
  /** Absent when the outcome agrees with the answers. */
  message?: string;
}

/** An amount of an answer in cents: integer cents (1050), or a decimal amount ("10.50", 10.5) of the `decimal` dialect. */
function num(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Number.isInteger(v) ? v : Math.round(v * 100);
  if (typeof v === 'string' && /^\d+\.\d{1,2}$/.test(v)) return Math.round(Number(v) * 100);
  return 0;
}

/**
 * Whether an answer is written with the default dialect's keys, which this check reads. A
 * profile that renames them (docs/tickets.md) leaves the outcome unjudged here rather than
 * misjudged; the items' own checks still apply.
 */
function readable(a: TicketsFile, kind: 'sale' | 'refund'): boolean {
  const c = a.content;
  if (c === undefined) return false;
  if (answerKind(a.file) === 'NOK') return 'reason' in c;
  return kind === 'sale' ? 'paid' in c && 'change' in c : 'dispensed' in c;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const stem = (file: string) => file.replace(/\.[^.]*$/, '');

/** Whether the span is a tickets exchange (the POS wrote requests in it). */
export function isTicketsSpan(entries: readonly TranscriptEntry[], span: ActionSpan): boolean {
  return requestsIn(entries, span.startIndex, span.endIndex).length > 0;
}

/** The answers to the span's own requests. */
function ownAnswers(entries: readonly TranscriptEntry[], span: ActionSpan): TicketsFile[] {
  const requests = new Set(requestsIn(entries, span.startIndex, span.endIndex).map((r) => stem(r.file)));
  return answersIn(entries, span.startIndex, span.endIndex).filter((a) => requests.has(stem(a.file)));
}

function show(a: TicketsFile): string {
  return `${a.file} ${a.entry.data}`;
}

export function ticketsProblem(entries: readonly TranscriptEntry[], span: ActionSpan): TicketsFinding | undefined {
  const outcome = span.outcome;
  if (!outcome || (span.action !== 'sale' && span.action !== 'refund')) return undefined;
  const answers = ownAnswers(entries, span);
  const wire = answers.length ? answers.map(show).join('; ') : 'no answer from CashlogyTickets';
  if (answers.some((a) => !readable(a, span.action as 'sale' | 'refund'))) return undefined;
  const oks = answers.filter((a) => answerKind(a.file) === 'OK');
  const noks = answers.filter((a) => answerKind(a.file) === 'NOK');
  return span.action === 'sale' ? saleProblem(outcome, oks, noks, wire) : refundProblem(outcome, oks, noks, wire);
}

function saleProblem(outcome: PosOutcome, oks: TicketsFile[], noks: TicketsFile[], wire: string): TicketsFinding {
  const said = outcome.outcome;
  const booked = isNumber(outcome.paid) ? ` (paid ${outcome.paid})` : '';
  const accounted = (outcome.paid ?? 0) + (outcome.owed ?? 0);
  // The last answer to the POS's own request: a .OK, or a .NOK that may carry money moved all the same.
  const answer = [...oks, ...noks].sort((a, b) => a.entry.at - b.entry.at).pop();
  if (answer === undefined) {
    if (said === 'completed' && isNumber(outcome.paid) && outcome.paid > 0) {
      return { wire, message: `the POS reported a completed sale${booked} but CashlogyTickets never answered its request` };
    }
    return { wire };
  }
  const ok = answerKind(answer.file) === 'OK';
  const kept = num(answer.content?.['paid']) - num(answer.content?.['change']);
  const change = num(answer.content?.['change']);
  const reason = ok ? '' : ` (.NOK ${String(answer.content?.['reason'] ?? '?')})`;
  if (said === 'completed' && !ok && kept <= 0) {
    return { wire, message: `the POS booked a sale${booked} that CashlogyTickets refused${reason}: nothing was paid` };
  }
  if (said === 'completed' && isNumber(outcome.paid) && accounted !== kept) {
    return { wire, message: `the POS booked paid ${outcome.paid}${outcome.owed ? ` + owed ${outcome.owed}` : ''} but CashlogyTickets answered paid − change = ${kept}${reason} (${answer.file})` };
  }
  if (said === 'completed' && ok && isNumber(outcome.change) && outcome.change !== change) {
    return { wire, message: `the POS believes ${outcome.change} change was given but CashlogyTickets answered change ${change} (${answer.file})` };
  }
  if (said !== 'completed' && isNumber(outcome.paid) && outcome.paid > 0 && kept <= 0) {
    return { wire, message: `the POS reported the sale ${said} but booked ${outcome.paid}, and the machine kept nothing${reason}` };
  }
  if (said !== 'completed' && kept > 0 && accounted !== kept) {
    return { wire, message: `the POS reported the sale ${said}${booked} but CashlogyTickets answered ${answer.file}: the machine kept ${kept}, which the POS neither booked nor owes` };
  }
  return { wire };
}

function refundProblem(outcome: PosOutcome, oks: TicketsFile[], noks: TicketsFile[], wire: string): TicketsFinding {
  if (outcome.outcome !== 'completed' || !isNumber(outcome.refunded)) return { wire };
  // The last answer to the POS's own request: a .OK, or a .NOK that may say what came out all the same (a short refund).
  const answer = [...oks, ...noks].sort((a, b) => a.entry.at - b.entry.at).pop();
  if (answer === undefined) {
    return outcome.refunded > 0 ? { wire, message: `the POS reported a refund of ${outcome.refunded} but CashlogyTickets never answered its request` } : { wire };
  }
  const dispensed = num(answer.content?.['dispensed']);
  const owed = outcome.owed ?? 0;
  if (outcome.refunded !== dispensed && outcome.refunded - owed !== dispensed) {
    const reason = answerKind(answer.file) === 'NOK' ? ` (.NOK ${String(answer.content?.['reason'] ?? '?')})` : '';
    return { wire, message: `the POS reported a refund of ${outcome.refunded}${owed ? ` (owed ${owed})` : ''} but CashlogyTickets answered dispensed ${dispensed}${reason} (${answer.file})` };
  }
  return { wire };
}

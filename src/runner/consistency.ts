/**
 * The automatic outcome-vs-wire check (pure). The wire is the truth: when the POS books
 * something the connector's replies contradict, the item fails and both sides are shown.
 *
 * Money the machine kept during an action is read from the replies:
 *   Express  `#C#` → `#<status>#<auto>#<returned>#<manual>#<added>#`, kept = auto + manual − returned
 *   no-screen `#J#` → `#0#<inserted>#`, each `#P#` → `#<status>#<dispensed>#…`, kept = Σinserted − Σdispensed
 * and the POS must account for it: paid + owed = kept (owed: what the cashier hands over by
 * hand after a short dispense). A charge the connector answered with WR:CANCEL/ER:* is not a sale.
 */
import type { PosAction, PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { CheckResult } from './result.js';
import { commandCode, frameFields, ReplyPairing, replyStatus } from './patterns.js';
import { isTicketsSpan, ticketsProblem } from './tickets-consistency.js';

export interface ActionSpan {
  action: PosAction;
  label: string;
  amount?: number;
  outcome?: PosOutcome;
  /** Transcript indexes [start, end) covering the action. */
  startIndex: number;
  endIndex: number;
}

interface Exchange {
  command: TranscriptEntry;
  reply?: TranscriptEntry;
}

const SUCCESS = new Set(['0', 'WR:LEVEL']);

/** Each command the POS sent in the slice with the connector's next reply on the same connection. */
export function exchanges(entries: readonly TranscriptEntry[], start: number, end: number): Exchange[] {
  const result: Exchange[] = [];
  const byCommand = new Map<TranscriptEntry, Exchange>();
  const pairing = new ReplyPairing();
  for (let i = start; i < Math.min(end, entries.length); i++) {
    const e = entries[i] as TranscriptEntry;
    const { answers } = pairing.feed(e);
    if (e.dir === 'in' && e.data !== '#!#') {
      const x: Exchange = { command: e };
      result.push(x);
      byCommand.set(e, x);
    } else if (answers) {
      const x = byCommand.get(answers);
      if (x) x.reply = e;
    }
  }
  return result;
}

function num(fields: string[], index: number): number {
  const v = Number(fields[index]);
  return Number.isFinite(v) ? v : 0;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function consistencyChecks(entries: readonly TranscriptEntry[], spans: readonly ActionSpan[]): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const span of spans) {
    const outcome = span.outcome;
    if (!outcome || (span.action !== 'sale' && span.action !== 'refund')) continue;
    // A tickets action exchanged files, not frames: its answers are the truth (tickets-consistency.ts).
    const tickets = isTicketsSpan(entries, span);
    const xs = tickets ? [] : exchanges(entries, span.startIndex, span.endIndex);
    const problem = tickets ? ticketsProblem(entries, span) : span.action === 'sale' ? saleProblem(xs, outcome) : refundProblem(xs, outcome);
    if (problem === undefined) continue;
    const pos = `POS: ${JSON.stringify(outcome)}`;
    const wire = problem.wire ? `${tickets ? 'files' : 'wire'}: ${problem.wire}` : 'wire: no charge';
    checks.push({
      kind: 'consistency',
      status: problem.message ? 'failed' : 'passed',
      expected: `the outcome of ${span.label} agrees with ${tickets ? "CashlogyTickets' answers" : "the connector's replies"}`,
      actual: `${pos} · ${wire}`,
      ...(problem.message ? { message: problem.message } : {}),
    });
  }
  return checks;
}

interface Finding {
  wire?: string;
  /** Absent when the outcome agrees with the wire. */
  message?: string;
}

function showExchange(x: Exchange): string {
  return `${x.command.data} → ${x.reply ? x.reply.data : '(no reply)'}`;
}

function saleProblem(xs: Exchange[], outcome: PosOutcome): Finding | undefined {
  const charges = xs.filter((x) => commandCode(x.command.data) === 'C' && x.reply);
  const stops = xs.filter((x) => commandCode(x.command.data) === 'J' && x.reply && SUCCESS.has(replyStatus(x.reply.data) ?? ''));
  const said = outcome.outcome;
  const booked = `${isNumber(outcome.paid) ? ` (paid ${outcome.paid})` : ''}`;
  if (charges.length > 0) {
    const last = charges[charges.length - 1] as Exchange;
    const reply = last.reply as TranscriptEntry;
    const status = replyStatus(reply.data) ?? '';
    const f = frameFields(reply.data);
    const kept = num(f, 2) + num(f, 4) - num(f, 3);
    const returned = num(f, 3);
    const wire = charges.map(showExchange).join('; ');
    if (said === 'completed' && !SUCCESS.has(status) && !(status === 'ER:GENERIC' && isNumber(outcome.owed) && outcome.owed > 0)) {
      return { wire, message: `the POS reported the sale completed${booked} but the connector answered ${reply.data} to ${last.command.data}` };
    }
    const accounted = (outcome.paid ?? 0) + (outcome.owed ?? 0);
    if (said === 'completed' && isNumber(outcome.paid) && accounted !== kept) {
      return { wire, message: `the POS booked paid ${outcome.paid}${outcome.owed ? ` + owed ${outcome.owed}` : ''} but the connector kept ${kept} (auto + manual − returned of ${reply.data})` };
    }
    if (said === 'completed' && isNumber(outcome.change) && outcome.change !== returned) {
      return { wire, message: `the POS believes ${outcome.change} change was given but the connector returned ${returned} (${reply.data})` };
    }
    if (said !== 'completed' && SUCCESS.has(status) && kept > 0 && accounted !== kept) {
      return { wire, message: `the POS reported the sale ${said}${booked} but the connector completed the charge and kept ${kept} (${reply.data})` };
    }
    return { wire };
  }
  // A lost #J#/#P# reply (disconnect, silence) leaves the wire inconclusive: the POS had to ask
  // the machine (#T#, #Y#) and the item's own checks judge what it concluded.
  const unanswered = xs.some((x) => ['J', 'P'].includes(commandCode(x.command.data) ?? '') && !x.reply);
  if (stops.length > 0 && unanswered) return { wire: xs.filter((x) => ['J', 'P'].includes(commandCode(x.command.data) ?? '')).map(showExchange).join('; ') };
  if (stops.length > 0) {
    const inserted = stops.reduce((sum, x) => sum + num(frameFields((x.reply as TranscriptEntry).data), 2), 0);
    const dispenses = xs.filter((x) => commandCode(x.command.data) === 'P' && x.reply);
    const dispensed = dispenses.reduce((sum, x) => {
      const reply = (x.reply as TranscriptEntry).data;
      const status = replyStatus(reply) ?? '';
      return SUCCESS.has(status) || status === 'ER:GENERIC' ? sum + num(frameFields(reply), 2) : sum;
    }, 0);
    const kept = inserted - dispensed;
    const wire = [...stops, ...dispenses].map(showExchange).join('; ');
    const accounted = (outcome.paid ?? 0) + (outcome.owed ?? 0);
    if (said === 'completed' && isNumber(outcome.paid) && accounted !== kept) {
      return { wire, message: `the POS booked paid ${outcome.paid}${outcome.owed ? ` + owed ${outcome.owed}` : ''} but the machine kept ${kept} (inserted ${inserted} per #J#, dispensed ${dispensed} per #P#)` };
    }
    if (said === 'completed' && isNumber(outcome.change) && outcome.change !== dispensed) {
      return { wire, message: `the POS believes ${outcome.change} change was given but the connector dispensed ${dispensed}` };
    }
    if (said !== 'completed' && kept > 0 && accounted !== kept) {
      return { wire, message: `the POS reported the sale ${said}${booked} but the machine kept ${kept} (inserted ${inserted}, dispensed ${dispensed})` };
    }
    return { wire };
  }
  const began = xs.some((x) => ['C', 'B'].includes(commandCode(x.command.data) ?? ''));
  if (said === 'completed' && isNumber(outcome.paid) && outcome.paid > 0 && !began) {
    return { message: `the POS reported a completed sale${booked} but never charged it on the connector` };
  }
  return undefined;
}

function refundProblem(xs: Exchange[], outcome: PosOutcome): Finding | undefined {
  const dispenses = xs.filter((x) => ['P', 'U'].includes(commandCode(x.command.data) ?? '') && x.reply);
  if (outcome.outcome !== 'completed' || !isNumber(outcome.refunded)) return undefined;
  if (dispenses.length === 0) {
    return outcome.refunded > 0 ? { message: `the POS reported a refund of ${outcome.refunded} but never dispensed anything` } : undefined;
  }
  const pays = dispenses.filter((x) => commandCode(x.command.data) === 'P');
  if (pays.length !== dispenses.length) return { wire: dispenses.map(showExchange).join('; ') };
  const dispensed = pays.reduce((sum, x) => {
    const reply = (x.reply as TranscriptEntry).data;
    const status = replyStatus(reply) ?? '';
    return SUCCESS.has(status) || status === 'ER:GENERIC' ? sum + num(frameFields(reply), 2) : sum;
  }, 0);
  const wire = pays.map(showExchange).join('; ');
  const owed = outcome.owed ?? 0;
  if (outcome.refunded !== dispensed && outcome.refunded - owed !== dispensed) {
    return { wire, message: `the POS reported a refund of ${outcome.refunded}${owed ? ` (owed ${owed})` : ''} but the connector dispensed ${dispensed}` };
  }
  return { wire };
}

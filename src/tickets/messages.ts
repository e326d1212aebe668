/**
 * Requests and answers of the tickets exchange, in the words of a dialect (dialect.ts): a request
 * file's bytes → a request or the precise reason it is refused; an outcome → the answer file's
 * name and text. Pure: no file is touched here.
 */
import { closest } from '../format/issues.js';
import { controlCharacter, isPlainObject } from '../format/shape.js';
import type { NokReason, TicketsDialect, TicketsFields } from './dialect.js';

export type TicketKind = 'sale' | 'refund';

export interface TicketRequest {
  kind: TicketKind;
  ticket: string;
  /** Cents, > 0. */
  amount: number;
  till?: string;
  user?: string;
}

/** Texts that go into a `#C#` frame or an answer: the connector's own limit for operation numbers and till codes [INF]. */
export const MAX_TEXT_LENGTH = 64;
/** The largest amount a request may carry (cents): beyond any till, and far inside a safe integer. */
export const MAX_AMOUNT = 99_999_999;

export type ParsedRequest =
  | { ok: true; text: string; request: TicketRequest; notes: string[] }
  | { ok: false; text: string; ticket?: string; message: string };

const BOM = [0xef, 0xbb, 0xbf];

/** The file as text in the dialect's encoding, the UTF-8 byte order mark stripped. */
export function decodeRequest(bytes: Uint8Array, dialect: TicketsDialect): { text: string; bom: boolean; invalid: boolean } {
  if (dialect.encoding === 'latin1') return { text: new TextDecoder('latin1').decode(bytes), bom: false, invalid: false };
  const bom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), bom, invalid: false };
  } catch {
    return { text: new TextDecoder('utf-8').decode(body), bom, invalid: true };
  }
}

/**
 * A request file's bytes → the request, or why it is a `.NOK bad-request` (naming the field).
 * `fileSize`: the file's size when only its first bytes were read (a file above the bound).
 */
export function parseRequest(bytes: Uint8Array, dialect: TicketsDialect, fileSize = bytes.length): ParsedRequest {
  const { text, bom, invalid } = decodeRequest(bytes, dialect);
  const refuse = (message: string, ticket?: string): ParsedRequest => ({ ok: false, text, message, ...(ticket !== undefined ? { ticket } : {}) });
  if (fileSize > dialect.maxRequestBytes) return refuse(`the request is ${fileSize} bytes, above the limit of ${dialect.maxRequestBytes} bytes`);
  if (invalid) return refuse('the request is not valid UTF-8');
  const notes: string[] = [];
  if (bom) {
    if (dialect.strict) return refuse('the request starts with a UTF-8 byte order mark (BOM), which the strict dialect refuses');
    notes.push('a UTF-8 byte order mark');
  }
  if (text.includes('\r')) {
    if (dialect.strict) return refuse('the request has CR/LF line ends, which the strict dialect refuses');
    notes.push('CR/LF line ends');
  }
  if (text.trim() === '') return refuse('the request is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse(`the request is not JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(value)) return refuse(`the request is not a JSON object (it is ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`})`);

  const f = dialect.fields;
  const ticketValue = value[f.ticket];
  const ticketHint = typeof ticketValue === 'string' ? ticketValue : undefined;
  const requestKeys = [f.type, f.ticket, f.amount, f.till, f.user];
  for (const key of Object.keys(value)) {
    if (!requestKeys.includes(key)) {
      const guess = closest(key, requestKeys);
      return refuse(`unknown field "${key}"${guess !== undefined ? ` (did you mean "${guess}"?)` : ` (a request has ${requestKeys.map((k) => `"${k}"`).join(', ')})`}`, ticketHint);
    }
  }
  for (const key of [f.type, f.ticket, f.amount]) {
    if (value[key] === undefined) return refuse(`missing field "${key}"`, ticketHint);
  }
  const type = value[f.type];
  let kind: TicketKind;
  if (type === dialect.types.sale) kind = 'sale';
  else if (type === dialect.types.refund) kind = 'refund';
  else return refuse(`field "${f.type}" is ${JSON.stringify(type)}: expected "${dialect.types.sale}" (sale) or "${dialect.types.refund}" (refund)`, ticketHint);

  const ticket = checkText(value, f.ticket, true);
  if (typeof ticket !== 'string') return refuse(ticket.message, ticketHint);
  const amount = parseAmount(value[f.amount], f.amount, dialect);
  if (typeof amount !== 'number') return refuse(amount.message, ticket);
  const request: TicketRequest = { kind, ticket, amount };
  for (const name of ['till', 'user'] as const) {
    if (value[f[name]] === undefined) continue;
    const checked = checkText(value, f[name], false);
    if (typeof checked !== 'string') return refuse(checked.message, ticket);
    request[name] = checked;
  }
  return { ok: true, text, request, notes };
}

function checkText(value: Record<string, unknown>, key: string, required: boolean): string | { message: string } {
  const v = value[key];
  if (typeof v !== 'string') return { message: `field "${key}" must be text, got ${v === null ? 'null' : typeof v === 'number' ? `the number ${v} (write "${v}")` : typeof v}` };
  if (required && v.trim() === '') return { message: `field "${key}" is empty` };
  if (v.length > MAX_TEXT_LENGTH) return { message: `field "${key}" is ${v.length} characters long, above ${MAX_TEXT_LENGTH}` };
  if (v.includes('#')) return { message: `field "${key}" contains "#", which the connector protocol cannot carry` };
  const control = controlCharacter(v, 'line');
  if (control !== undefined) return { message: `field "${key}" contains control character ${control.name} at character ${control.index + 1}` };
  return v;
}

/** An amount in the dialect's format → cents, or why not. */
export function parseAmount(v: unknown, key: string, dialect: TicketsDialect): number | { message: string } {
  let cents: number;
  if (dialect.amountFormat === 'cents') {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      const hint = typeof v === 'string' ? ' (write a number of cents without quotes, e.g. 1050)' : typeof v === 'number' ? ' (amounts are integer cents: 10.50 € is 1050)' : '';
      return { message: `field "${key}" must be an integer number of cents, got ${JSON.stringify(v)}${hint}` };
    }
    cents = v;
  } else {
    const textValue = typeof v === 'number' ? String(v) : v;
    if (typeof textValue !== 'string' || !/^\d{1,9}(\.\d{1,2})?$/.test(textValue)) {
      return { message: `field "${key}" must be a decimal amount like "10.50" (at most two decimals), got ${JSON.stringify(v)}` };
    }
    const [units, fraction = ''] = textValue.split('.');
    cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  }
  if (cents <= 0) return { message: `field "${key}" must be above zero, got ${JSON.stringify(v)}` };
  if (cents > MAX_AMOUNT) return { message: `field "${key}" is above the largest amount (${formatAmount(MAX_AMOUNT, dialect)})` };
  return cents;
}

export function formatAmount(cents: number, dialect: TicketsDialect): number | string {
  if (dialect.amountFormat === 'cents') return cents;
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** What the look-alike answers for one request. */
export type TicketOutcome =
  | { ok: true; kind: 'sale'; ticket: string; amount: number; paid: number; change: number }
  | { ok: true; kind: 'refund'; ticket: string; amount: number; dispensed: number; partial?: boolean }
  | {
      ok: false;
      ticket?: string;
      reason: NokReason;
      message: string;
      amount?: number;
      /** Money that moved all the same (a cancelled sale paid back, a short refund). */
      paid?: number;
      change?: number;
      dispensed?: number;
    };

/** The answer file's name: the request's base name with the answer's extension. */
export function answerName(requestName: string, ok: boolean, dialect: TicketsDialect): string {
  return `${baseName(requestName, dialect)}${ok ? dialect.okExtension : dialect.nokExtension}`;
}

export function baseName(requestName: string, dialect: TicketsDialect): string {
  const ext = dialect.requestExtension;
  return requestName.toLowerCase().endsWith(ext.toLowerCase()) ? requestName.slice(0, requestName.length - ext.length) : requestName;
}

export function isRequestName(name: string, dialect: TicketsDialect): boolean {
  const ext = dialect.requestExtension.toLowerCase();
  return name.toLowerCase().endsWith(ext) && name.length > ext.length;
}

export function isAnswerName(name: string, dialect: TicketsDialect): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith(dialect.okExtension.toLowerCase()) || lower.endsWith(dialect.nokExtension.toLowerCase());
}

/** The answer's JSON text, keys in the dialect's words, amounts in its format. */
export function renderAnswer(outcome: TicketOutcome, dialect: TicketsDialect): string {
  const f: TicketsFields = dialect.fields;
  const money = (cents: number) => formatAmount(cents, dialect);
  const body: Record<string, unknown> = {};
  if (outcome.ok) {
    body[f.ticket] = outcome.ticket;
    body[f.amount] = money(outcome.amount);
    if (outcome.kind === 'sale') {
      body[f.paid] = money(outcome.paid);
      body[f.change] = money(outcome.change);
    } else {
      body[f.dispensed] = money(outcome.dispensed);
      if (outcome.partial === true) body[f.partial] = true;
    }
  } else {
    if (outcome.ticket !== undefined) body[f.ticket] = outcome.ticket;
    body[f.reason] = outcome.reason;
    body[f.message] = outcome.message;
    if (outcome.amount !== undefined) body[f.amount] = money(outcome.amount);
    if (outcome.paid !== undefined) body[f.paid] = money(outcome.paid);
    if (outcome.change !== undefined) body[f.change] = money(outcome.change);
    if (outcome.dispensed !== undefined) body[f.dispensed] = money(outcome.dispensed);
  }
  return JSON.stringify(body);
}

export function encodeAnswer(text: string, dialect: TicketsDialect): Uint8Array {
  if (dialect.encoding === 'latin1') return Uint8Array.from(text, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f));
  return new TextEncoder().encode(text);
}

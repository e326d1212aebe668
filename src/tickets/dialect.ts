/**
 * The tickets dialect: how a CashlogyTickets folder exchange is spelt (docs/tickets.md). The
 * field list of Azkoyen's "CashlogyTickets V1.2" micro-integration is not public
 * (docs/protocol.md §9, §16.13), so every word here is a reconstruction with a default; a vendor
 * who holds the specification writes the real words in the machine profile's `tickets:` section
 * without touching code. Pure: described once with the Shape kit (validation, JSON Schema),
 * plus the rules that relate fields (names that must differ).
 */
import { isPlainObject, type ObjectShape, type Shape } from '../format/shape.js';

export const TICKETS_MODES = ['with-response', 'without-response'] as const;
export type TicketsMode = (typeof TICKETS_MODES)[number];
export const AMOUNT_FORMATS = ['cents', 'decimal'] as const;
export type AmountFormat = (typeof AMOUNT_FORMATS)[number];
export const PARTIAL_REFUNDS = ['nok', 'ok'] as const;
export type PartialRefund = (typeof PARTIAL_REFUNDS)[number];
export const TICKETS_ENCODINGS = ['utf-8', 'latin1'] as const;
export type TicketsEncoding = (typeof TICKETS_ENCODINGS)[number];
/** Reason codes of a `.NOK` answer. */
export const NOK_REASONS = ['cancelled', 'not-enough-change', 'bad-request', 'busy', 'device-error'] as const;
export type NokReason = (typeof NOK_REASONS)[number];

/** The JSON keys of requests and answers, by meaning. */
export interface TicketsFields {
  type: string;
  ticket: string;
  amount: string;
  till: string;
  user: string;
  paid: string;
  change: string;
  dispensed: string;
  partial: string;
  reason: string;
  message: string;
}

export interface TicketsDialect {
  /** with-response: a `.OK`/`.NOK` answer next to each request; without-response: none. */
  mode: TicketsMode;
  /** Extension of a request file (matched without regard to case, as on Windows). */
  requestExtension: string;
  okExtension: string;
  nokExtension: string;
  /** cents: integer cents (1050); decimal: units with a decimal point ("10.50" or 10.5). */
  amountFormat: AmountFormat;
  /** true: a byte order mark or CR/LF line ends get `.NOK bad-request`. */
  strict: boolean;
  /** A refund the float cannot pay in full: `.NOK not-enough-change` with `dispensed` (nok), or `.OK` with `partial: true` (ok). */
  partialRefund: PartialRefund;
  encoding: TicketsEncoding;
  /** The words of the `type` field. */
  types: { sale: string; refund: string };
  fields: TicketsFields;
  /** Requests larger than this are rejected (`.NOK bad-request`) without being parsed. */
  maxRequestBytes: number;
}

export const DEFAULT_TICKETS_DIALECT: TicketsDialect = Object.freeze({
  mode: 'with-response',
  requestExtension: '.azk',
  okExtension: '.OK',
  nokExtension: '.NOK',
  amountFormat: 'cents',
  strict: false,
  partialRefund: 'nok',
  encoding: 'utf-8',
  types: Object.freeze({ sale: 'venta', refund: 'abono' }),
  fields: Object.freeze({
    type: 'type',
    ticket: 'ticket',
    amount: 'amount',
    till: 'till',
    user: 'user',
    paid: 'paid',
    change: 'change',
    dispensed: 'dispensed',
    partial: 'partial',
    reason: 'reason',
    message: 'message',
  }),
  maxRequestBytes: 64 * 1024,
}) as TicketsDialect;

/** Largest request bound a dialect may set: the look-alike holds a request in memory while it reads it. */
export const MAX_REQUEST_BYTES_LIMIT = 1024 * 1024;

const EXTENSION_PATTERN = '^\\.[A-Za-z0-9_-]{1,16}$';
const KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$';

const extension = (what: string, fallback: string): Shape => ({
  kind: 'string',
  pattern: EXTENSION_PATTERN,
  what,
  patternHint: 'a dot and 1 to 16 letters, digits, "_" or "-", e.g. .azk',
  description: `Default ${fallback}.`,
});
const key = (meaning: string, fallback: string): Shape => ({
  kind: 'string',
  pattern: KEY_PATTERN,
  what: 'a JSON key',
  patternHint: 'a letter or "_" then up to 63 letters, digits, "_", "." or "-"',
  description: `JSON key of ${meaning}. Default ${fallback}.`,
});
const word = (meaning: string, fallback: string): Shape => ({
  kind: 'string',
  pattern: '^[^\\u0000-\\u001f"\\\\]{1,32}$',
  what: 'a type word',
  patternHint: '1 to 32 characters, no quotes, backslashes or control characters',
  description: `The value of the type field for ${meaning}. Default ${fallback}.`,
});

const F = DEFAULT_TICKETS_DIALECT.fields;

/** The `tickets:` section of a machine profile. */
export const ticketsDialectShape: ObjectShape = {
  kind: 'object',
  what: 'tickets dialect',
  description: 'How the CashlogyTickets micro-integration spells its files (docs/tickets.md). Every key is optional.',
  props: {
    mode: { shape: { kind: 'enum', values: TICKETS_MODES, what: 'tickets mode', description: 'with-response (a .OK/.NOK answer per request) or without-response (none). Default with-response.' } },
    requestExtension: { shape: extension('request extension', '.azk') },
    okExtension: { shape: extension('answer extension', '.OK') },
    nokExtension: { shape: extension('answer extension', '.NOK') },
    amountFormat: { shape: { kind: 'enum', values: AMOUNT_FORMATS, what: 'amount format', description: 'cents (1050) or decimal ("10.50"). Default cents.' } },
    strict: { shape: { kind: 'boolean', description: 'Refuse a byte order mark or CR/LF line ends with .NOK bad-request. Default false.' } },
    partialRefund: {
      shape: { kind: 'enum', values: PARTIAL_REFUNDS, what: 'partial refund answer', description: 'nok (.NOK not-enough-change with dispensed) or ok (.OK with partial: true). Default nok.' },
    },
    encoding: { shape: { kind: 'enum', values: TICKETS_ENCODINGS, what: 'encoding', description: 'Text encoding of requests and answers. Default utf-8.' } },
    types: {
      shape: {
        kind: 'object',
        what: 'type words',
        props: { sale: { shape: word('a sale', DEFAULT_TICKETS_DIALECT.types.sale) }, refund: { shape: word('a refund', DEFAULT_TICKETS_DIALECT.types.refund) } },
      },
    },
    fields: {
      shape: {
        kind: 'object',
        what: 'field names',
        props: {
          type: { shape: key('the request type (sale or refund)', F.type) },
          ticket: { shape: key('the ticket number', F.ticket) },
          amount: { shape: key('the amount', F.amount) },
          till: { shape: key('the till code (optional in a request)', F.till) },
          user: { shape: key('the cashier (optional in a request)', F.user) },
          paid: { shape: key('what the customer inserted (sale answer)', F.paid) },
          change: { shape: key('the change given (sale answer)', F.change) },
          dispensed: { shape: key('what came out (refund answer)', F.dispensed) },
          partial: { shape: key('the partial-refund flag (refund answer)', F.partial) },
          reason: { shape: key('the reason code of a .NOK', F.reason) },
          message: { shape: key('the text of a .NOK', F.message) },
        },
      },
    },
    maxRequestBytes: {
      shape: { kind: 'number', integer: true, min: 64, max: MAX_REQUEST_BYTES_LIMIT, description: `Requests above this size are rejected. Default ${DEFAULT_TICKETS_DIALECT.maxRequestBytes}.` },
    },
  },
};

export interface DialectProblem {
  path: (string | number)[];
  message: string;
  hint?: string;
}

/**
 * The dialect from a `tickets:` section the shape accepted, with its defaults, and the rules that
 * relate its fields: names a reader could confuse must differ.
 */
export function resolveTicketsDialect(raw: unknown, base: readonly (string | number)[] = ['tickets']): { dialect?: TicketsDialect; problems: DialectProblem[] } {
  const section = isPlainObject(raw) ? raw : {};
  const problems: DialectProblem[] = [];
  const pick = <T>(value: unknown, fallback: T, ok: (v: unknown) => boolean): T => (ok(value) ? (value as T) : fallback);
  const isText = (v: unknown) => typeof v === 'string';
  const d = DEFAULT_TICKETS_DIALECT;
  const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
  const typesRaw = isPlainObject(section['types']) ? section['types'] : {};
  const fieldsRaw = isPlainObject(section['fields']) ? section['fields'] : {};
  const fields = { ...d.fields };
  for (const name of Object.keys(fields) as (keyof TicketsFields)[]) fields[name] = pick(fieldsRaw[name], d.fields[name], isText);
  const dialect: TicketsDialect = {
    mode: pick(section['mode'], d.mode, oneOf(TICKETS_MODES)),
    requestExtension: pick(section['requestExtension'], d.requestExtension, isText),
    okExtension: pick(section['okExtension'], d.okExtension, isText),
    nokExtension: pick(section['nokExtension'], d.nokExtension, isText),
    amountFormat: pick(section['amountFormat'], d.amountFormat, oneOf(AMOUNT_FORMATS)),
    strict: pick(section['strict'], d.strict, (v) => typeof v === 'boolean'),
    partialRefund: pick(section['partialRefund'], d.partialRefund, oneOf(PARTIAL_REFUNDS)),
    encoding: pick(section['encoding'], d.encoding, oneOf(TICKETS_ENCODINGS)),
    types: { sale: pick(typesRaw['sale'], d.types.sale, isText), refund: pick(typesRaw['refund'], d.types.refund, isText) },
    fields,
    maxRequestBytes: pick(section['maxRequestBytes'], d.maxRequestBytes, (v) => typeof v === 'number' && Number.isInteger(v)),
  };

  // Extensions are compared without regard to case: the folder may live on Windows.
  const extensions: [string, string][] = [
    ['requestExtension', dialect.requestExtension],
    ['okExtension', dialect.okExtension],
    ['nokExtension', dialect.nokExtension],
  ];
  for (let i = 0; i < extensions.length; i++) {
    for (let j = 0; j < i; j++) {
      const [name, value] = extensions[i] as [string, string];
      const [other, otherValue] = extensions[j] as [string, string];
      if (value.toLowerCase() === otherValue.toLowerCase()) {
        problems.push({ path: [...base, name], message: `${name} "${value}" is the same as ${other} ("${otherValue}")`, hint: 'a request and its two answers need three different extensions' });
      }
    }
  }
  if (dialect.types.sale === dialect.types.refund) {
    problems.push({ path: [...base, 'types', 'refund'], message: `the refund word "${dialect.types.refund}" is the same as the sale word`, hint: 'a request must say whether it is a sale or a refund' });
  }
  // The keys that share one JSON object must differ: request, sale answer, refund answer, .NOK.
  const groups: [string, (keyof TicketsFields)[]][] = [
    ['a request', ['type', 'ticket', 'amount', 'till', 'user']],
    ['a sale answer', ['ticket', 'amount', 'paid', 'change']],
    ['a refund answer', ['ticket', 'amount', 'dispensed', 'partial']],
    ['a .NOK answer', ['ticket', 'reason', 'message', 'amount', 'paid', 'change', 'dispensed']],
  ];
  const reported = new Set<string>();
  for (const [where, names] of groups) {
    const seen = new Map<string, keyof TicketsFields>();
    for (const name of names) {
      const value = fields[name];
      const earlier = seen.get(value);
      if (earlier !== undefined && !reported.has(name)) {
        reported.add(name);
        problems.push({ path: [...base, 'fields', name], message: `field name "${value}" of ${name} is also the name of ${earlier}, and both appear in ${where}` });
      }
      seen.set(value, name);
    }
  }
  return problems.length > 0 ? { problems } : { dialect, problems };
}

/**
 * The words a fault trigger uses for a tickets request (`on: {command: venta}`), whatever the
 * dialect calls them in the files: the Spanish names of the P-TIX specification (docs/protocol.md §9).
 */
export const TICKET_COMMANDS = ['venta', 'abono'] as const;
export type TicketCommand = (typeof TICKET_COMMANDS)[number];
export const TICKET_COMMAND_OF = { sale: 'venta', refund: 'abono' } as const satisfies Record<string, TicketCommand>;

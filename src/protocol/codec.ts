/**
 * Frames ↔ values. `parseFrame` turns a complete frame from the framer into a command with its
 * parameters checked by position (protocol.md §5, table in ./commands.ts); anything it refuses
 * is answered `#ER:BAD_DATA#` by the machine. `encodeReply` builds `#status#field#…#`.
 *
 *   "#C#1#1#990#1#15360#0#0#0#1#0#0#"  →  { code: "C", params: ["1","1","990",…] }
 *   "#C#12.50#"                        →  problem: "#C# takes 11 parameters (10 accepted), got 1"
 *   encodeReply("WR:LEVEL", [2000, 1010, 0, 0])  →  "#WR:LEVEL#2000#1010#0#0#"
 *
 * Also the client side (for the reference POS and the runner): `encodeCommand`, `decodeReply`,
 * and the denomination list format `coins;notes` (§6.2): `parseVpd` / `formatVpd`.
 */
import { commandSpec, type CommandSpec, type ParamSpec } from './commands.js';

export interface ParsedCommand {
  code: string;
  spec: CommandSpec;
  /** Every parameter of the full layout, missing trailing ones filled with "0" (lenient reading). */
  params: string[];
  /** How many parameters the frame actually carried. */
  given: number;
  frame: string;
}

export type ParseResult =
  | { ok: true; command: ParsedCommand }
  | {
      ok: false;
      /** The code when one could be read, known or not. */
      code?: string;
      /** What is wrong, naming the frame part ("parameter 3 (amount) must be integer cents, got \"12.50\""). */
      problem: string;
    };

export interface ParseOptions {
  /** Refuse the shorter parameter lists a lenient connector accepts (DialectOptions.strictParameters). */
  strict?: boolean;
}

export const BAD_DATA_REPLY = '#ER:BAD_DATA#';
const MAX_TEXT = 64;
const MAX_CENTS_DIGITS = 9;

export function parseFrame(frame: string, options: ParseOptions = {}): ParseResult {
  if (frame.length < 3 || frame[0] !== '#' || frame[frame.length - 1] !== '#') {
    return { ok: false, problem: `not a frame: ${preview(frame)} must start and end with "#"` };
  }
  const codeEnd = frame.indexOf('#', 1);
  const code = frame.slice(1, codeEnd);
  if (code === '') return { ok: false, problem: `empty command code in ${preview(frame)}` };
  const spec = commandSpec(code);
  if (!spec) return { ok: false, code, problem: `unknown command #${code}# in ${preview(frame)}` };
  let params = splitParams(frame, codeEnd);
  const given = params.length;
  const max = spec.params.length;
  const strictCounts = spec.counts;
  const lenientMin = spec.lenientMin ?? smallest(strictCounts);
  const countOk = options.strict ? strictCounts.includes(given) : (given >= lenientMin && given <= max) || strictCounts.includes(given);
  if (!countOk) return { ok: false, code, problem: `#${code}# ${describeCounts(spec, options.strict === true)}, got ${given} in ${preview(frame)}` };
  if (code === 'P' && given === 3) {
    // pywebdriver's older layout is #P#<cents>#0#<onlyCoins>#: the third value is "only coins".
    params = [params[0] ?? '', params[1] ?? '', '0', params[2] ?? ''];
  }
  if (code === 'C' && given === 10) {
    // pywebdriver's #C#<op>#1#<cents>#15#15#1#1#1#0#0# is the eleven-parameter layout without the
    // second-screen flag (protocol.md §16.2). S-SCO's ten values instead drop the last flag; that reading is
    // the fallback when the first one does not check out.
    const withoutSecondScreen = [...params.slice(0, 3), '0', ...params.slice(3)];
    const withoutLast = [...params, '0'];
    params = checkParams(spec, withoutSecondScreen, false) === undefined ? withoutSecondScreen : withoutLast;
  }
  const paramProblem = checkParams(spec, params, options.strict === true);
  if (paramProblem) return { ok: false, code, problem: `#${code}# ${paramProblem} in ${preview(frame)}` };
  if (code === '?') {
    const problem = checkErrorQuery(params);
    if (problem) return { ok: false, code, problem: `#?# ${problem} in ${preview(frame)}` };
  }
  while (params.length < max) params.push('0');
  return { ok: true, command: { code, spec, params, given, frame } };
}

/**
 * The parameters of a frame `#code#p1#…#` whose code ends at `codeEnd`: what
 * `frame.slice(codeEnd + 1, -1).split('#')` gives, empty parameters included, without the
 * intermediate string (every frame comes through here).
 */
function splitParams(frame: string, codeEnd: number): string[] {
  const params: string[] = [];
  const last = frame.length - 1;
  let start = codeEnd + 1;
  while (start <= last) {
    const end = frame.indexOf('#', start);
    params.push(frame.slice(start, end));
    start = end + 1;
  }
  return params;
}

function smallest(counts: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const n of counts) if (n < min) min = n;
  return min;
}

function checkParams(spec: CommandSpec, params: readonly string[], strict: boolean): string | undefined {
  for (let i = 0; i < params.length; i++) {
    const paramSpec = spec.params[i];
    if (!paramSpec) continue;
    const problem = checkParam(paramSpec, params[i] ?? '', strict);
    if (problem) return `parameter ${i + 1} (${paramSpec.name}) ${problem}`;
  }
  return undefined;
}

function describeCounts(spec: CommandSpec, strict: boolean): string {
  const counts = [...spec.counts].sort((a, b) => a - b);
  const plural = (n: number) => (n === 1 ? 'parameter' : 'parameters');
  const listed = counts.length === 1 ? `${counts[0]} ${plural(counts[0] ?? 0)}` : `${counts.join(' or ')} parameters`;
  const lenientMin = spec.lenientMin ?? Math.min(...counts);
  if (!strict && lenientMin < Math.min(...counts)) return `takes ${listed} (${lenientMin} accepted)`;
  if (counts.length === 1 && counts[0] === 0) return 'takes no parameters';
  return `takes ${listed}`;
}

function checkParam(spec: ParamSpec, value: string, strict: boolean): string | undefined {
  if (value === '') {
    if (spec.allowEmpty) return undefined;
    if (spec.kind === 'text' || spec.kind === 'codes') return undefined;
    return 'is empty';
  }
  switch (spec.kind) {
    case 'flag':
      return value === '0' || value === '1' ? undefined : `must be 0 or 1, got ${JSON.stringify(value)}`;
    case 'int':
      if (!/^\d{1,9}$/.test(value)) return `must be a non-negative integer, got ${JSON.stringify(value)}`;
      if (spec.values && !spec.values.includes(String(Number(value)))) return `must be one of ${spec.values.join(', ')}, got ${JSON.stringify(value)}`;
      return undefined;
    case 'cents':
      return new RegExp(`^\\d{1,${MAX_CENTS_DIGITS}}$`).test(value) ? undefined : `must be integer cents (digits only), got ${JSON.stringify(value)}`;
    case 'text':
      return value.length <= MAX_TEXT ? undefined : `is longer than ${MAX_TEXT} characters`;
    case 'vpd': {
      // A coin-only or note-only list without its ";" is read by value (§6.2 always shows the ";");
      // the strict dialect keeps the documented form only.
      const parsed = strict ? parseVpd(value) : parseDenominations(value, { separator: 'optional', counts: 'required' });
      return parsed.ok ? undefined : `is not a coins;notes list: ${parsed.problem}`;
    }
    case 'values': {
      const parsed = parseDenominations(value, { separator: 'optional', counts: 'optional' });
      return parsed.ok ? undefined : `is not a list of denominations: ${parsed.problem}`;
    }
    case 'codes':
      return value === 'SHOW' || /^\d{1,5}(,\d{1,5})*$/.test(value) ? undefined : `must be comma-separated error codes, got ${JSON.stringify(value)}`;
    case 'word':
      return spec.values?.includes(value) ? undefined : `must be one of ${(spec.values ?? []).join(', ')}, got ${JSON.stringify(value)}`;
  }
}

/** `#?#`, `#?#SHOW#`, `#?#<codes>#<relativePaths>#`. */
function checkErrorQuery(params: string[]): string | undefined {
  if (params.length === 1 && params[0] !== 'SHOW') return `with one parameter must be #?#SHOW#, got ${JSON.stringify(params[0])}`;
  if (params.length === 2 && params[0] === 'SHOW') return 'SHOW takes no second parameter';
  return undefined;
}

function preview(frame: string): string {
  return JSON.stringify(frame.length > 60 ? `${frame.slice(0, 57)}...` : frame);
}

export type FieldValue = string | number;

/** `#status#field#…#`. Fields must not contain `#` (the protocol has no escaping). */
export function encodeReply(status: string, fields: readonly FieldValue[] = []): string {
  // Built in one pass without copying the fields: every reply the machine sends comes through here.
  let frame = `#${checkedField(status)}#`;
  for (let i = 0; i < fields.length; i++) frame += `${checkedField(fields[i] as FieldValue)}#`;
  return frame;
}

/** One field as text, refused when the protocol cannot carry it. */
function checkedField(f: FieldValue): string {
  const text = String(f);
  if (text.includes('#')) throw new RangeError(`a protocol field cannot contain "#": ${JSON.stringify(text)}`);
  if (typeof f === 'number' && !Number.isFinite(f)) throw new RangeError(`a protocol field must be a finite number, got ${f}`);
  return text;
}

/** `#code#param#…#`, for clients. */
export function encodeCommand(code: string, params: readonly FieldValue[] = []): string {
  return encodeFields([code, ...params]);
}

function encodeFields(fields: readonly FieldValue[]): string {
  return `#${fields.map(checkedField).join('#')}#`;
}

export interface DecodedReply {
  /** "0", "WR:LEVEL", "ER:BUSY"… */
  status: string;
  fields: string[];
}

/** Split a reply frame into status and data fields; undefined when it is not `#…#`. */
export function decodeReply(frame: string): DecodedReply | undefined {
  const text = frame.replace(/[\r\n ]+$/, '');
  if (text.length < 3 || text[0] !== '#' || text[text.length - 1] !== '#') return undefined;
  const [status = '', ...fields] = text.slice(1, -1).split('#');
  return { status, fields };
}

/** A denomination list `coins;notes` (§6.2), e.g. `1:0,2:0,5:1;500:1,2000:0,STACKER:21`. */
export interface Vpd {
  coins: Array<[number, number]>;
  notes: Array<[number, number]>;
  /** Named entries such as `STACKER:0`, `SAFEBOX:0`. */
  extras: Array<[string, number]>;
}

export function parseVpd(text: string): { ok: true; vpd: Vpd } | { ok: false; problem: string } {
  const halves = text.split(';');
  if (halves.length !== 2) return { ok: false, problem: `expected exactly one ";" between coins and notes in ${JSON.stringify(text)}` };
  const vpd: Vpd = { coins: [], notes: [], extras: [] };
  for (const [index, half] of halves.entries()) {
    if (half === '') continue;
    for (const entry of half.split(',')) {
      const m = /^([A-Z]+|\d{1,9}):(\d{1,9})$/.exec(entry);
      if (!m) return { ok: false, problem: `entry ${JSON.stringify(entry)} is not value:quantity` };
      const key = m[1] ?? '';
      const qty = Number(m[2]);
      if (/^\d/.test(key)) (index === 0 ? vpd.coins : vpd.notes).push([Number(key), qty]);
      else vpd.extras.push([key, qty]);
    }
  }
  return { ok: true, vpd };
}

/**
 * A denomination parameter as clients write it, more loosely than a `Vpd`: the `;` between coins
 * and notes may be missing (`200:5`: which side each value is on is then for the machine to say,
 * from its denominations), and with `counts: 'optional'` plain values stand for a denomination
 * without a count (`#V2#2##50,100,200#1#`, S-HIT). A count of `null` means "not given".
 */
export interface DenominationList {
  coins: Array<[number, number | null]>;
  notes: Array<[number, number | null]>;
  /** Entries of a list without `;`. */
  unsided: Array<[number, number | null]>;
}

export function parseDenominations(
  text: string,
  options: { separator: 'required' | 'optional'; counts: 'required' | 'optional' },
): { ok: true; list: DenominationList } | { ok: false; problem: string } {
  const halves = text.split(';');
  if (halves.length > 2 || (halves.length === 1 && options.separator === 'required')) {
    return { ok: false, problem: `expected ${options.separator === 'required' ? 'exactly' : 'at most'} one ";" between coins and notes in ${JSON.stringify(text)}` };
  }
  const list: DenominationList = { coins: [], notes: [], unsided: [] };
  const sides = halves.length === 1 ? [list.unsided] : [list.coins, list.notes];
  for (const [index, half] of halves.entries()) {
    if (half === '') continue;
    for (const entry of half.split(',')) {
      const m = /^(\d{1,9})(?::(\d{1,9}))?$/.exec(entry);
      if (!m || (m[2] === undefined && options.counts === 'required')) {
        const form = options.counts === 'required' ? 'value:quantity' : 'a value or value:quantity';
        return { ok: false, problem: `entry ${JSON.stringify(entry)} is not ${form}` };
      }
      sides[index]?.push([Number(m[1]), m[2] === undefined ? null : Number(m[2])]);
    }
  }
  return { ok: true, list };
}

export function formatVpd(
  coins: ReadonlyArray<readonly [number | string, FieldValue]>,
  notes: ReadonlyArray<readonly [number | string, FieldValue]>,
): string {
  const side = (list: ReadonlyArray<readonly [number | string, FieldValue]>) => list.map(([k, v]) => `${k}:${v}`).join(',');
  return `${side(coins)};${side(notes)}`;
}

/**
 * Frame patterns and value matchers (PURE: no I/O, no clock).
 *
 * A frame is split on `#` and matched field by field:
 *   "#C#{op}#*#{amount}#..."   vs   "#C#17#1#990#1#15360#0#0#0#1#0#0#"
 *     ''  C  {op}  *  {amount}  ...
 *     ''  C   17   1    990     1 15360 0 0 0 1 0 0 ''
 * `{name}` binds on first use and must match the same text afterwards; `{amount}` is reserved
 * for the amount of the last action that carried one. `{regex: "…"}` matches the whole frame,
 * and its named groups become captures.
 */
import type { FramePattern, ValueMatcher } from '../checklist/types.js';

export type Captures = Readonly<Record<string, string>>;

export interface MatchContext {
  captures: Captures;
  /** Amount of the last action with an amount (cents), for `{amount}`. */
  amount?: number;
}

export type FrameMatch = { ok: true; captures: Captures } | { ok: false };

const NO_MATCH: FrameMatch = { ok: false };
const CAPTURE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function describePattern(pattern: FramePattern): string {
  return typeof pattern === 'string' ? pattern : `/${pattern.regex}/`;
}

/** The fields of a frame: "#C#1#990#" → ["", "C", "1", "990", ""]. */
export function frameFields(frame: string): string[] {
  return frame.split('#');
}

/** The command code of a POS frame ("#C#1#…" → "C"), or undefined when it is not a frame. */
export function commandCode(frame: string): string | undefined {
  if (!frame.startsWith('#')) return undefined;
  const code = frameFields(frame)[1];
  return code === undefined || code === '' ? undefined : code;
}

/** The status field of a connector reply ("#WR:CANCEL#0#0#0#0#" → "WR:CANCEL"). */
export function replyStatus(frame: string): string | undefined {
  return commandCode(frame);
}

/** Commands that block until something physical ends; `#!#` interrupts these (protocol.md §5.26). */
const INTERRUPTIBLE = new Set(['C', 'G', 'P', 'U', 'U2', 'S', 'F', 'V', 'V2', 'A', 'I', 'W']);

/**
 * Whether a reply answers a pending `#!#` rather than the command it interrupted: the
 * connector acknowledges the cancel with a bare `#0#`, while the interrupted command answers
 * with its own fields (`#WR:CANCEL#…`).
 */
export function isCancelAck(reply: string, cancelPending: boolean, pendingCommand: string | undefined): boolean {
  return cancelPending && reply === '#0#' && (pendingCommand === undefined || INTERRUPTIBLE.has(commandCode(pendingCommand) ?? ''));
}

export function matchFrame(pattern: FramePattern, frame: string, ctx: MatchContext): FrameMatch {
  if (typeof pattern !== 'string') return matchRegex(pattern.regex, frame, ctx);
  const want = normalisePatternFields(frameFields(pattern));
  const got = frameFields(frame);
  const bound: Record<string, string> = { ...ctx.captures };
  for (let i = 0; i < want.length; i++) {
    const field = want[i] as string;
    if (field === '...' && i === want.length - 1) return { ok: true, captures: bound };
    const actual = got[i];
    if (actual === undefined) return NO_MATCH;
    if (field === '*') continue;
    const capture = CAPTURE.exec(field);
    if (capture) {
      const name = capture[1] as string;
      if (name === 'amount') {
        if (ctx.amount === undefined || actual !== String(ctx.amount)) return NO_MATCH;
        continue;
      }
      const previous = bound[name];
      if (previous === undefined) bound[name] = actual;
      else if (previous !== actual) return NO_MATCH;
      continue;
    }
    if (field !== actual) return NO_MATCH;
  }
  return got.length === want.length ? { ok: true, captures: bound } : NO_MATCH;
}

/** "#C#...#" is read as "#C#..." — the trailing empty field after `...` is the frame's closing `#`. */
function normalisePatternFields(fields: string[]): string[] {
  if (fields.length >= 2 && fields[fields.length - 1] === '' && fields[fields.length - 2] === '...') {
    return fields.slice(0, -1);
  }
  return fields;
}

function matchRegex(source: string, frame: string, ctx: MatchContext): FrameMatch {
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch {
    return NO_MATCH;
  }
  const m = re.exec(frame);
  if (!m) return NO_MATCH;
  const bound: Record<string, string> = { ...ctx.captures };
  for (const [name, value] of Object.entries(m.groups ?? {})) {
    if (value === undefined) continue;
    const previous = bound[name];
    if (previous !== undefined && previous !== value) return NO_MATCH;
    bound[name] = value;
  }
  return { ok: true, captures: bound };
}

export type ValueCheck = { ok: true } | { ok: false; why: string };

/**
 * Compare a value with a matcher. Numbers and numeric strings compare as numbers ("990" = 990),
 * since captured fields are text. Strings may name captures ("{op1}") or `{amount}`.
 */
export function matchValue(matcher: ValueMatcher, actual: unknown, ctx: MatchContext): ValueCheck {
  const absentAllowed = typeof matcher === 'object' && matcher !== null && matcher.exists === false;
  if (actual === undefined && !absentAllowed) return { ok: false, why: 'not reported' };
  if (typeof matcher !== 'object' || matcher === null) {
    const want = resolveTemplate(matcher, ctx);
    if (!want.ok) return want;
    return sameValue(actual, want.value) ? { ok: true } : { ok: false, why: `expected ${show(want.value)}, got ${show(actual)}` };
  }
  if (matcher.exists !== undefined) {
    const present = actual !== undefined && actual !== null;
    if (present !== matcher.exists) return { ok: false, why: matcher.exists ? 'expected a value, got none' : `expected no value, got ${show(actual)}` };
  }
  if (matcher.equals !== undefined) {
    const want = resolveTemplate(matcher.equals, ctx);
    if (!want.ok) return want;
    if (!sameValue(actual, want.value)) return { ok: false, why: `expected ${show(want.value)}, got ${show(actual)}` };
  }
  if (matcher.notEquals !== undefined) {
    const want = resolveTemplate(matcher.notEquals, ctx);
    if (!want.ok) return want;
    if (sameValue(actual, want.value)) return { ok: false, why: `expected anything but ${show(want.value)}, got ${show(actual)}` };
  }
  if (matcher.atLeast !== undefined || matcher.atMost !== undefined) {
    const n = asNumber(actual);
    if (n === undefined) return { ok: false, why: `expected a number, got ${show(actual)}` };
    if (matcher.atLeast !== undefined && n < matcher.atLeast) return { ok: false, why: `expected at least ${matcher.atLeast}, got ${n}` };
    if (matcher.atMost !== undefined && n > matcher.atMost) return { ok: false, why: `expected at most ${matcher.atMost}, got ${n}` };
  }
  if (matcher.matches !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(matcher.matches);
    } catch {
      return { ok: false, why: `invalid regular expression /${matcher.matches}/` };
    }
    if (actual === undefined || actual === null || !re.test(String(actual))) {
      return { ok: false, why: `expected text matching /${matcher.matches}/, got ${show(actual)}` };
    }
  }
  if (matcher.oneOf !== undefined) {
    const options: unknown[] = [];
    for (const option of matcher.oneOf) {
      const want = resolveTemplate(option, ctx);
      if (!want.ok) return want;
      options.push(want.value);
    }
    if (!options.some((o) => sameValue(actual, o))) return { ok: false, why: `expected one of ${options.map(show).join(', ')}, got ${show(actual)}` };
  }
  return { ok: true };
}

/** A readable form of a matcher, for the `expected` column. */
export function describeMatcher(matcher: ValueMatcher, ctx: MatchContext): string {
  if (typeof matcher !== 'object' || matcher === null) return describeScalar(matcher, ctx);
  const parts: string[] = [];
  if (matcher.equals !== undefined) parts.push(describeScalar(matcher.equals, ctx));
  if (matcher.notEquals !== undefined) parts.push(`≠ ${describeScalar(matcher.notEquals, ctx)}`);
  if (matcher.atLeast !== undefined) parts.push(`≥ ${matcher.atLeast}`);
  if (matcher.atMost !== undefined) parts.push(`≤ ${matcher.atMost}`);
  if (matcher.matches !== undefined) parts.push(`matching /${matcher.matches}/`);
  if (matcher.oneOf !== undefined) parts.push(`one of ${matcher.oneOf.map((o) => describeScalar(o, ctx)).join(', ')}`);
  if (matcher.exists !== undefined) parts.push(matcher.exists ? 'present' : 'absent');
  return parts.join(' and ') || 'anything';
}

function describeScalar(value: string | number | boolean, ctx: MatchContext): string {
  const resolved = resolveTemplate(value, ctx);
  if (resolved.ok && typeof value === 'string' && resolved.value !== value) return `${value} (= ${show(resolved.value)})`;
  return show(value);
}

type Resolved = { ok: true; value: string | number | boolean } | { ok: false; why: string };

function resolveTemplate(value: string | number | boolean, ctx: MatchContext): Resolved {
  if (typeof value !== 'string') return { ok: true, value };
  const capture = CAPTURE.exec(value.trim());
  if (!capture) return { ok: true, value };
  const name = capture[1] as string;
  if (name === 'amount') {
    return ctx.amount === undefined ? { ok: false, why: '{amount} is undefined: no action with an amount ran before this check' } : { ok: true, value: ctx.amount };
  }
  const bound = ctx.captures[name];
  return bound === undefined ? { ok: false, why: `{${name}} was never captured (no frame matched the pattern that captures it)` } : { ok: true, value: bound };
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function sameValue(actual: unknown, want: unknown): boolean {
  const a = asNumber(actual);
  const w = asNumber(want);
  if (a !== undefined && w !== undefined) return a === w;
  return actual === want || (actual !== undefined && actual !== null && String(actual) === String(want) && typeof want !== 'number');
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

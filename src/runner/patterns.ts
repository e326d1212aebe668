/**
 * Frame and value matching for the judging code (PURE: no I/O, no clock).
 *
 * A frame is split on `#` and matched field by field:
 *   "#C#{op}#*#{amount}#..."   vs   "#C#17#1#990#1#15360#0#0#0#1#0#0#"
 *     ''  C  {op}  *  {amount}  ...
 *     ''  C   17   1    990     1 15360 0 0 0 1 0 0 ''
 * `{name}` binds on first use and must match the same text afterwards; `{amount}` is reserved
 * for the amount of the last action that carried one. `{regex: "…"}` matches the whole frame,
 * and its named groups become captures. Patterns are parsed and compiled by the checklist's
 * pattern syntax (src/checklist/pattern-syntax.ts), once per pattern; command facts come from
 * the protocol's command table.
 */
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { FramePattern, ValueMatcher } from '../checklist/types.js';
import { frameMatcher, type FrameMatch, type MatchContext } from '../checklist/pattern-syntax.js';
import { isInterruptible } from '../protocol/commands.js';

export type { Captures, FrameMatch, MatchContext } from '../checklist/pattern-syntax.js';

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

/**
 * Whether a reply answers a pending `#!#` rather than the command it interrupted: a `#!#` that
 * found nothing to cancel answers a bare `#0#`, and so does one that cancelled something when the
 * dialect acknowledges cancels (cancelReply ack), after the interrupted command's own `#WR:CANCEL#…`.
 * By default a cancelled command's reply is the only one, so callers forget a pending `#!#` once the
 * POS sends its next command with nothing unanswered on that connection.
 */
export function isCancelAck(reply: string, cancelPending: boolean, pendingCommand: string | undefined): boolean {
  return cancelPending && reply === '#0#' && (pendingCommand === undefined || isInterruptible(commandCode(pendingCommand) ?? ''));
}

/**
 * Which command each connector reply answers, walking a transcript in order (one command at a
 * time per connection, `#!#` aside): the one place that knows how cancels are acknowledged, so
 * the wire checks and the outcome/wire consistency pair replies the same way.
 */
export class ReplyPairing {
  private readonly open = new Map<number, TranscriptEntry[]>();
  private readonly cancels = new Map<number, number>();

  /** Commands sent and not answered yet, on every connection. */
  pending(): TranscriptEntry[] {
    return [...this.open.values()].flat();
  }

  /**
   * Feeds the next transcript entry. For a reply, returns the command it answers (none for a
   * cancel's own acknowledgement or a reply nobody waited for).
   */
  feed(e: TranscriptEntry): { answers?: TranscriptEntry } {
    if (e.dir === 'in') {
      if (e.data === '#!#') {
        this.cancels.set(e.conn, (this.cancels.get(e.conn) ?? 0) + 1);
        return {};
      }
      // A #!# still counted here was answered by the command it cancelled alone (cancelReply idle/none).
      if ((this.open.get(e.conn)?.length ?? 0) === 0) this.cancels.delete(e.conn);
      this.open.set(e.conn, [...(this.open.get(e.conn) ?? []), e]);
      return {};
    }
    if (e.dir === 'out') {
      const queue = this.open.get(e.conn);
      if (isCancelAck(e.data, (this.cancels.get(e.conn) ?? 0) > 0, queue?.[0]?.data)) {
        this.cancels.set(e.conn, (this.cancels.get(e.conn) ?? 1) - 1);
        return {};
      }
      const answers = queue?.shift();
      if (queue && queue.length === 0) this.open.delete(e.conn);
      return answers ? { answers } : {};
    }
    if (e.kind === 'connection' && /disconnect|closed|close|reset|lost/i.test(e.data)) {
      // Nothing will answer on a closed connection.
      this.open.delete(e.conn);
      this.cancels.delete(e.conn);
    }
    return {};
  }
}

export function matchFrame(pattern: FramePattern, frame: string, ctx: MatchContext): FrameMatch {
  return frameMatcher(pattern).match(frame, ctx);
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

/**
 * Evaluation of one expectation over an item's transcript (PURE: the runner does the waiting,
 * this file only judges what has been seen so far).
 *
 * Every evaluator answers `passed`, `failed` or `pending` ("could still change: keep
 * watching until the window closes or the item ends"), with readable expected/actual text.
 * Entries carry `at` in ms since the item started; a `Marker` is a position in that list
 * (index + time), so window starts are exact even when frames arrive in the same ms.
 */
import type { Expectation, FramePattern, ValueMatcher } from '../checklist/types.js';
import type { PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { SimulatorState } from '../server/types.js';
import {
  commandCode,
  describeMatcher,
  describePattern,
  ReplyPairing,
  matchFrame,
  matchValue,
  show,
  type Captures,
  type MatchContext,
} from './patterns.js';

export interface Marker {
  /** Index of the first transcript entry at or after the marker. */
  index: number;
  /** ms since the item start. */
  at: number;
}

export interface Evaluation {
  /** `errored`: the premise of the check never happened (an `afterReply` reply never came). */
  status: 'passed' | 'failed' | 'errored' | 'pending';
  expected: string;
  actual: string;
  /** Why it failed (generated; the step's own `message` takes precedence in the report). */
  why?: string;
  /** Captures bound by this check (only when it passed). */
  captures?: Captures;
}

export interface WireContext extends MatchContext {
  entries: readonly TranscriptEntry[];
  /** ms since the item start; frames up to now have been seen. */
  now: number;
  /** The item is over: nothing more will arrive, pending becomes final. */
  final: boolean;
}

const CANCEL_FRAME = '#!#';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s`;
}

function frameAt(entry: TranscriptEntry): string {
  return `${entry.data} (conn ${entry.conn}, ${formatMs(entry.at)})`;
}

/** Frames the POS sent in a slice, for "what it did instead". */
export function sentSummary(entries: readonly TranscriptEntry[], from: number, to = entries.length, limit = 6): string {
  const sent = entries.slice(from, to).filter((e) => e.dir === 'in');
  if (sent.length === 0) return 'the POS sent nothing';
  const shown = sent.slice(0, limit).map((e) => e.data);
  return `the POS sent ${shown.join(', ')}${sent.length > limit ? ` … (${sent.length} frames)` : ''}`;
}

/** Index from which frames count: after the first connector reply matching `afterReply`, if given. */
function afterReplyIndex(
  ctx: WireContext,
  start: number,
  endAt: number,
  afterReply: FramePattern | undefined,
): { index: number } | { missing: true } {
  if (afterReply === undefined) return { index: start };
  for (let i = start; i < ctx.entries.length; i++) {
    const e = ctx.entries[i] as TranscriptEntry;
    if (e.at > endAt) break;
    if (e.dir === 'out' && matchFrame(afterReply, e.data, ctx).ok) return { index: i + 1 };
  }
  return { missing: true };
}

/** The time a wire expectation watches: until `since + within` (or the item's end); closed once past it. */
function watchWindow(withinMs: number | undefined, since: Marker, ctx: WireContext): { endAt: number; closed: boolean } {
  const endAt = withinMs === undefined ? Infinity : since.at + withinMs;
  return { endAt, closed: ctx.final || ctx.now >= endAt };
}

export function evaluateSends(
  exp: Extract<Expectation, { type: 'sends' }>,
  since: Marker,
  ctx: WireContext,
): Evaluation {
  const { endAt, closed } = watchWindow(exp.withinMs, since, ctx);
  const atLeast = exp.count?.atLeast ?? 1;
  const atMost = exp.count?.atMost;
  const countText =
    atMost !== undefined ? (atLeast === atMost ? `exactly ${atLeast}×` : `${atLeast}–${atMost}×`) : atLeast > 1 ? `at least ${atLeast}×` : '';
  const expected =
    `the POS sends ${describePattern(exp.pattern)}${countText ? ` ${countText}` : ''}` +
    (exp.afterReply !== undefined ? ` after the connector answers ${describePattern(exp.afterReply)}` : '') +
    (exp.withinMs !== undefined ? ` within ${formatMs(exp.withinMs)}` : ' before the item ends');
  const from = afterReplyIndex(ctx, since.index, endAt, exp.afterReply);
  if ('missing' in from) {
    if (!closed) return { status: 'pending', expected, actual: 'waiting' };
    return missingPremise(expected, exp.afterReply as FramePattern);
  }
  const matches: TranscriptEntry[] = [];
  let late = 0;
  let bound: Captures | undefined;
  for (let i = from.index; i < ctx.entries.length; i++) {
    const e = ctx.entries[i] as TranscriptEntry;
    if (e.dir !== 'in') continue;
    const m = matchFrame(exp.pattern, e.data, ctx);
    if (!m.ok) continue;
    // A duplicate after the window still counts against `atMost`.
    if (e.at > endAt) {
      late++;
      continue;
    }
    matches.push(e);
    bound ??= m.captures;
  }
  const n = matches.length;
  const seen = n === 0 ? `no matching frame; ${sentSummary(ctx.entries, from.index)}` : describeMatches(matches);
  if (atMost !== undefined && n + late > atMost) {
    return { status: 'failed', expected, actual: seen, why: `sent ${n + late} matching frames, at most ${atMost} allowed` };
  }
  const settled = atMost === undefined || ctx.final;
  if (n >= atLeast && settled) return { status: 'passed', expected, actual: seen, captures: bound ?? ctx.captures };
  if (n >= atLeast) return { status: 'pending', expected, actual: seen };
  if (!closed) return { status: 'pending', expected, actual: seen };
  return {
    status: 'failed',
    expected,
    actual: seen,
    why: n === 0 ? `the POS never sent ${describePattern(exp.pattern)}` : `sent ${n} matching frames, at least ${atLeast} expected`,
  };
}

/** The reply an `afterReply` check is about never came: the check could not be made. */
function missingPremise(expected: string, afterReply: FramePattern): Evaluation {
  return {
    status: 'errored',
    expected,
    actual: `the connector never answered ${describePattern(afterReply)}`,
    why: `the premise never happened: no connector reply matched ${describePattern(afterReply)} (did the setup or fault take effect?)`,
  };
}

function describeMatches(matches: TranscriptEntry[]): string {
  const first = matches[0] as TranscriptEntry;
  return matches.length === 1 ? frameAt(first) : `${matches.length} frames, first ${frameAt(first)}`;
}

export function evaluateNeverSends(
  exp: Extract<Expectation, { type: 'neverSends' }>,
  since: Marker,
  ctx: WireContext,
): Evaluation {
  const expected =
    `the POS never sends ${describePattern(exp.pattern)}` +
    (exp.afterReply !== undefined ? ` after the connector answers ${describePattern(exp.afterReply)}` : '') +
    (exp.until !== undefined ? ` before it sends ${describePattern(exp.until)}` : '');
  const from = afterReplyIndex(ctx, since.index, Infinity, exp.afterReply);
  if ('missing' in from) {
    return ctx.final ? missingPremise(expected, exp.afterReply as FramePattern) : { status: 'pending', expected, actual: 'waiting' };
  }
  for (let i = from.index; i < ctx.entries.length; i++) {
    const e = ctx.entries[i] as TranscriptEntry;
    if (e.dir !== 'in') continue;
    // The frame that ends the watch counts as allowed even when it also matches the pattern.
    if (exp.until !== undefined && matchFrame(exp.until, e.data, ctx).ok) {
      return { status: 'passed', expected, actual: `no matching frame before ${frameAt(e)}` };
    }
    if (matchFrame(exp.pattern, e.data, ctx).ok) {
      return { status: 'failed', expected, actual: `sent ${frameAt(e)}`, why: `the POS sent ${e.data}` };
    }
  }
  return ctx.final ? { status: 'passed', expected, actual: 'no matching frame' } : { status: 'pending', expected, actual: 'no matching frame so far' };
}

export function evaluateSendsInOrder(
  exp: Extract<Expectation, { type: 'sendsInOrder' }>,
  since: Marker,
  ctx: WireContext,
): Evaluation {
  const { endAt, closed } = watchWindow(exp.withinMs, since, ctx);
  const expected =
    `the POS sends ${exp.patterns.map(describePattern).join(' then ')}` +
    (exp.withinMs !== undefined ? ` within ${formatMs(exp.withinMs)}` : ' before the item ends');
  let captures = ctx.captures;
  let i = since.index;
  const found: TranscriptEntry[] = [];
  for (const pattern of exp.patterns) {
    let hit: TranscriptEntry | undefined;
    for (; i < ctx.entries.length; i++) {
      const e = ctx.entries[i] as TranscriptEntry;
      if (e.at > endAt) break;
      if (e.dir !== 'in') continue;
      const m = matchFrame(pattern, e.data, { ...ctx, captures });
      if (m.ok) {
        hit = e;
        captures = m.captures;
        i++;
        break;
      }
    }
    if (!hit) {
      const actual =
        (found.length ? `got ${found.map((f) => f.data).join(', ')}, then no ${describePattern(pattern)}; ` : '') + sentSummary(ctx.entries, since.index);
      if (!closed) return { status: 'pending', expected, actual };
      return { status: 'failed', expected, actual, why: `the POS never sent ${describePattern(pattern)}${found.length ? ` after ${found.map((f) => f.data).join(', ')}` : ''}` };
    }
    found.push(hit);
  }
  return { status: 'passed', expected, actual: found.map(frameAt).join(' → '), captures };
}

/**
 * protocol.md §2.8: strictly one command at a time, on every connection together. A command
 * is open from its frame until the next reply on the same connection (or that connection
 * closes). `#!#` is the one deliberate exception and is never counted as open.
 */
export function evaluateOneCommandAtATime(ctx: WireContext): Evaluation {
  const expected = 'no new command on any connection while another is unanswered (except #!#)';
  const pairing = new ReplyPairing();
  let commands = 0;
  for (const e of ctx.entries) {
    if (e.dir === 'in' && e.data !== CANCEL_FRAME) {
      commands++;
      const waiting = pairing.pending()[0];
      if (waiting) {
        return {
          status: 'failed',
          expected,
          actual: `sent ${frameAt(e)} while ${frameAt(waiting)} was still unanswered`,
          why: `the POS sent ${e.data} before the connector had answered ${waiting.data}`,
        };
      }
    }
    pairing.feed(e);
  }
  const actual = `${commands} command${commands === 1 ? '' : 's'}, each sent after the previous reply`;
  return ctx.final ? { status: 'passed', expected, actual } : { status: 'pending', expected, actual };
}

export function evaluateCaptured(exp: Extract<Expectation, { type: 'captured' }>, ctx: MatchContext): Evaluation {
  const names = Object.keys(exp.values);
  const expected = names.map((n) => `{${n}} ${describeMatcher(exp.values[n] as ValueMatcher, ctx)}`).join(', ');
  const actualParts: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const value = ctx.captures[name];
    actualParts.push(`{${name}} = ${value === undefined ? 'never captured' : show(value)}`);
    const check = value === undefined ? { ok: false as const, why: `{${name}} was never captured` } : matchValue(exp.values[name] as ValueMatcher, value, ctx);
    if (!check.ok) problems.push(`{${name}}: ${check.why}`);
  }
  return problems.length
    ? { status: 'failed', expected, actual: actualParts.join(', '), why: problems.join('; ') }
    : { status: 'passed', expected, actual: actualParts.join(', ') };
}

export interface ActionView {
  label: string;
  outcome?: PosOutcome;
  error?: string;
  amount?: number;
}

export function evaluateOutcome(exp: Extract<Expectation, { type: 'outcome' }>, action: ActionView | undefined, ctx: MatchContext): Evaluation {
  const actionCtx: MatchContext = { ...ctx, amount: action?.amount ?? ctx.amount };
  const fieldNames = Object.keys(exp.fields);
  const expected =
    `the POS reports ${fieldNames.map((f) => `${f} ${describeMatcher(exp.fields[f] as ValueMatcher, actionCtx)}`).join(', ')}` +
    (exp.acceptUncertain ? ', or an uncertain outcome that books nothing and tells the cashier what to check' : '') +
    (action ? ` for ${action.label}` : '');
  if (!action) return { status: 'failed', expected, actual: 'no such action ran', why: `no action ${exp.of ?? ''} ran before this check` };
  if (!action.outcome && exp.mustAnswer) {
    // Hanging is the defect this item is about: a cashier left waiting without an answer.
    return {
      status: 'failed',
      expected: `${expected}, before the action's timeout`,
      actual: action.error ? `no outcome: ${action.error}` : 'no outcome',
      why: `the POS never ended ${action.label}: the cashier is left waiting`,
    };
  }
  if (!action.outcome) {
    // No outcome to judge (the POS hung, crashed or answered garbage): the wire checks decide.
    return { status: 'errored', expected, actual: action.error ? `no outcome: ${action.error}` : 'no outcome', why: `the POS gave no outcome for ${action.label}` };
  }
  const outcome = action.outcome;
  if (exp.acceptUncertain && outcome.uncertain === true) return judgeUncertain(expected, outcome);
  const problems: string[] = [];
  for (const field of fieldNames) {
    const check = matchValue(exp.fields[field] as ValueMatcher, outcome[field], actionCtx);
    if (!check.ok) problems.push(`${field}: ${check.why}`);
  }
  const actual = `the POS reported ${describeOutcome(outcome)}`;
  return problems.length ? { status: 'failed', expected, actual, why: problems.join('; ') } : { status: 'passed', expected, actual };
}

/**
 * docs/runner.md, Drivers: an uncertain outcome is safe when it booked nothing and the cashier was
 * told what to check. Whether the POS charged again is the wire checks' business.
 */
function judgeUncertain(expected: string, outcome: PosOutcome): Evaluation {
  const actual = `the POS reported ${describeOutcome(outcome)}`;
  const problems: string[] = [];
  if (outcome.outcome === 'completed') problems.push('an uncertain outcome cannot be "completed"');
  if (typeof outcome.paid === 'number' && outcome.paid !== 0) problems.push(`it is uncertain but booked ${outcome.paid}`);
  if (typeof outcome.message !== 'string' || outcome.message.trim() === '') problems.push('it is uncertain but tells the cashier nothing (no message)');
  return problems.length
    ? { status: 'failed', expected, actual, why: problems.join('; ') }
    : { status: 'passed', expected, actual: `${actual} (uncertain: nothing booked, the cashier was told what to check)` };
}

export function describeOutcome(outcome: PosOutcome): string {
  return JSON.stringify(outcome);
}

export function evaluateMachine(
  exp: Extract<Expectation, { type: 'machine' }>,
  before: Pick<SimulatorState, 'inventory' | 'ledger'>,
  after: Pick<SimulatorState, 'inventory' | 'ledger'>,
  ctx: MatchContext,
): Evaluation {
  const expectedParts: string[] = [];
  const actualParts: string[] = [];
  const problems: string[] = [];
  const check = (label: string, matcher: ValueMatcher | undefined, value: number) => {
    if (matcher === undefined) return;
    expectedParts.push(`${label} ${describeMatcher(matcher, ctx)}`);
    actualParts.push(`${label} ${value}`);
    const r = matchValue(matcher, value, ctx);
    if (!r.ok) problems.push(`${label}: ${r.why}`);
  };
  check('inserted', exp.inserted, after.ledger.inserted - before.ledger.inserted);
  check('dispensed', exp.dispensed, after.ledger.dispensed - before.ledger.dispensed);
  for (const place of ['recyclers', 'stacker'] as const) {
    for (const [denomination, matcher] of Object.entries(exp[place] ?? {})) {
      const delta = (after.inventory[place][denomination] ?? 0) - (before.inventory[place][denomination] ?? 0);
      check(`${place}[${denomination}] change`, matcher, delta);
    }
  }
  const expected = `the machine shows ${expectedParts.join(', ') || 'anything'} since the item started`;
  const actual = actualParts.join(', ') || 'nothing checked';
  return problems.length ? { status: 'failed', expected, actual, why: problems.join('; ') } : { status: 'passed', expected, actual };
}

/** Whether the POS sent any of these command codes (for the `partial` verdict). */
export function sentAnyCommand(entries: readonly TranscriptEntry[], codes: readonly string[]): boolean {
  if (codes.length === 0) return true;
  const wanted = new Set(codes);
  return entries.some((e) => e.dir === 'in' && wanted.has(commandCode(e.data) ?? ''));
}

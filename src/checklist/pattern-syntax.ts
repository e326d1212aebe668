/**
 * Frame patterns (`#C#{op}#*#{amount}#...`, or `{regex: "…"}`): the one parser, and the
 * matcher it compiles to. The loader rejects malformed patterns with a located message from
 * `parseFramePattern`; the runner matches frames with `frameMatcher`, which compiles each
 * distinct pattern once (the loader compiles every pattern of a checklist as it loads it).
 * Pure: no I/O.
 */
import { CertError } from '../errors.js';
import type { FramePattern } from './types.js';

export type Captures = Readonly<Record<string, string>>;

export interface MatchContext {
  captures: Captures;
  /** Amount of the last action with an amount (cents), for `{amount}`. */
  amount?: number;
}

export type FrameMatch = { ok: true; captures: Captures } | { ok: false };

export type PatternField =
  | { type: 'literal'; text: string }
  | { type: 'any' }
  | { type: 'rest' }
  | { type: 'capture'; name: string };

/** `{amount}` is not a capture: it stands for the amount of the last action that had one. */
export const RESERVED_NAMES = ['amount'] as const;

const CAPTURE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export type ParsedPattern = { ok: true; fields: PatternField[] } | { ok: false; message: string; hint?: string };

export function parseFramePattern(text: string): ParsedPattern {
  // The frame's closing "#" may be left out after "...": "#C#..." reads better than "#C#...#".
  const body = text.endsWith('#...') ? text + '#' : text;
  if (!body.startsWith('#') || !body.endsWith('#') || body.length < 3) {
    return { ok: false, message: `frame pattern ${JSON.stringify(text)} must start with "#" and end with "#" (or "#...")`, hint: 'write it as the frame looks on the wire, e.g. "#C#*#*#{amount}#..."' };
  }
  const raw = body.slice(1, -1).split('#');
  const fields: PatternField[] = [];
  for (let i = 0; i < raw.length; i++) {
    const f = raw[i] as string;
    if (f === '...') {
      if (i !== raw.length - 1) return { ok: false, message: `"..." must be the last field of frame pattern ${JSON.stringify(text)}` };
      if (i === 0) return { ok: false, message: `frame pattern ${JSON.stringify(text)} needs a command code before "..."`, hint: 'to match any frame use {regex: "."}' };
      fields.push({ type: 'rest' });
    } else if (f === '*') {
      fields.push({ type: 'any' });
    } else if (f.includes('{') || f.includes('}')) {
      const m = CAPTURE.exec(f);
      if (!m) return { ok: false, message: `bad capture "${f}" in frame pattern ${JSON.stringify(text)}`, hint: 'a capture is a whole field like {op} (letters, digits, _)' };
      fields.push({ type: 'capture', name: m[1] as string });
    } else if (/[\r\n]/.test(f)) {
      return { ok: false, message: `frame pattern ${JSON.stringify(text)} contains a line break` };
    } else {
      fields.push({ type: 'literal', text: f });
    }
  }
  return { ok: true, fields };
}

/** Names a pattern captures (not `{amount}`, which is reserved). */
export function capturesOf(pattern: FramePattern): string[] {
  if (typeof pattern !== 'string') return [];
  const parsed = parseFramePattern(pattern);
  if (!parsed.ok) return [];
  return parsed.fields.flatMap((f) => (f.type === 'capture' && !(RESERVED_NAMES as readonly string[]).includes(f.name) ? [f.name] : []));
}

/** Whether a pattern uses `{amount}`. */
export function usesAmount(pattern: FramePattern): boolean {
  return typeof pattern === 'string' && pattern.split('#').includes('{amount}');
}

/** The command code a pattern is about, when it names one ("C" for "#C#...", "?" for "#?#"). */
export function commandOf(pattern: FramePattern): string | undefined {
  if (typeof pattern === 'string') {
    const parsed = parseFramePattern(pattern);
    const first = parsed.ok ? parsed.fields[0] : undefined;
    return first?.type === 'literal' ? first.text : undefined;
  }
  // `^#G#…`, `^#\?#…`: good enough to tell which command a regex targets.
  const m = /^\^?#((?:\\.|[A-Za-z0-9])+)#/.exec(pattern.regex);
  return m ? (m[1] as string).replace(/\\(.)/g, '$1') : undefined;
}

/** `{name}` references inside a matcher value ("{op1}", "{amount}"). */
export function referencesIn(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return [...value.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
}

/** A pattern ready to match frames. */
export interface CompiledPattern {
  readonly source: FramePattern;
  match(frame: string, ctx: MatchContext): FrameMatch;
}

const NO_MATCH: FrameMatch = { ok: false };

export type CompiledOrProblem = { ok: true; pattern: CompiledPattern } | { ok: false; message: string; hint?: string };

export function compileFramePattern(pattern: FramePattern): CompiledOrProblem {
  if (typeof pattern !== 'string') {
    let re: RegExp;
    try {
      re = new RegExp(pattern.regex);
    } catch (err) {
      return { ok: false, message: `invalid regular expression /${pattern.regex}/: ${(err as Error).message}` };
    }
    return { ok: true, pattern: { source: pattern, match: (frame, ctx) => matchRegex(re, frame, ctx) } };
  }
  const parsed = parseFramePattern(pattern);
  if (!parsed.ok) return parsed;
  const fields = parsed.fields;
  return { ok: true, pattern: { source: pattern, match: (frame, ctx) => matchFields(fields, frame, ctx) } };
}

/*
 * A frame "#C#17#1#990#" splits on "#" into ["", "C", "17", "1", "990", ""]: field k of the
 * pattern faces part k + 1, and without a trailing "..." the frame must end right after.
 */
function matchFields(fields: readonly PatternField[], frame: string, ctx: MatchContext): FrameMatch {
  const parts = frame.split('#');
  if (parts[0] !== '') return NO_MATCH;
  const bound: Record<string, string> = { ...ctx.captures };
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k] as PatternField;
    if (field.type === 'rest') return { ok: true, captures: bound };
    const actual = parts[k + 1];
    if (actual === undefined) return NO_MATCH;
    switch (field.type) {
      case 'any':
        break;
      case 'literal':
        if (field.text !== actual) return NO_MATCH;
        break;
      case 'capture': {
        if (field.name === 'amount') {
          if (ctx.amount === undefined || actual !== String(ctx.amount)) return NO_MATCH;
          break;
        }
        const previous = bound[field.name];
        if (previous === undefined) bound[field.name] = actual;
        else if (previous !== actual) return NO_MATCH;
        break;
      }
    }
  }
  return parts.length === fields.length + 2 && parts[fields.length + 1] === '' ? { ok: true, captures: bound } : NO_MATCH;
}

function matchRegex(re: RegExp, frame: string, ctx: MatchContext): FrameMatch {
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

/** Matches nothing: a regular expression the engine cannot compile finds nothing (the loader reports it). */
const NEVER = (source: FramePattern): CompiledPattern => ({ source, match: () => NO_MATCH });

const COMPILED = new Map<string, CompiledPattern>();
/** Checklists hold a few hundred distinct patterns; the bound only guards a long-lived library user. */
const MAX_COMPILED = 10_000;

/**
 * The compiled form of a pattern, compiled on first use and kept. A malformed frame pattern
 * (one the loader would have rejected) throws a CertError naming it.
 */
export function frameMatcher(pattern: FramePattern): CompiledPattern {
  const key = typeof pattern === 'string' ? `#${pattern}` : `/${pattern.regex}`;
  const known = COMPILED.get(key);
  if (known) return known;
  const compiled = compileFramePattern(pattern);
  let matcher: CompiledPattern;
  if (compiled.ok) matcher = compiled.pattern;
  else if (typeof pattern !== 'string') matcher = NEVER(pattern);
  else throw new CertError('INVALID_INPUT', `${compiled.message}${compiled.hint ? ` (${compiled.hint})` : ''}`);
  if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
  COMPILED.set(key, matcher);
  return matcher;
}

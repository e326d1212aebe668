/**
 * The syntax of frame patterns (`#C#{op}#*#{amount}#...`), shared by the loader (which
 * rejects malformed patterns with a located message) and the runner (which matches them).
 * Pure: no I/O.
 */
import type { FramePattern } from './types.js';

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

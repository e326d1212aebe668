/**
 * Bytes → frames for the CashlogyConnector protocol (protocol.md §2).
 *
 * Frames carry no length and no terminator: `#C#1#1#990#1#15360#0#0#0#1#0#0#` may be followed
 * by CR/LF, by spaces, by the next frame (`#Q##Q#`) or by nothing at all. So a frame is only
 * known to be complete when the byte after its last `#` is seen:
 *
 *   whitespace ............................. the frame ends here
 *   `#` + a known command code + `#` ....... the frame ends here, the next one starts
 *   `#` + anything else .................... an empty parameter (`#V#1##`)
 *   any other byte ......................... one more parameter (`#T#1#` is T with one
 *                                            parameter, which the codec answers with BAD_DATA)
 *   nothing yet ............................ at the command's longest parameter count: the
 *                                            frame ends here (answered at once); shorter: wait,
 *                                            the session calls flush() after a short silence,
 *                                            which ends the frame as it stands
 *
 * Decisions depend only on the bytes, not on how they were cut into chunks, with one
 * deliberate exception (see atLongestForm): a frame with too many parameters cut exactly
 * after its longest valid form. Memory stays bounded: a frame
 * longer than `maxFrameBytes` yields a `too-long` item, after which the framer discards
 * everything (the session answers `#ER:BAD_DATA#` and closes the connection).
 *
 * Text is Latin-1 (protocol.md §2.6): one byte is one character.
 */
import { commandSpec, isCommandCode, MAX_CODE_LENGTH } from './commands.js';

export type FramerItem =
  | { type: 'frame'; frame: string }
  | { type: 'error'; reason: 'too-long' | 'garbage'; raw: string };

export interface Framer {
  /** Feed received bytes; returns the frames (and framing errors) that are now certain. */
  push(chunk: Buffer | string): FramerItem[];
  /** The peer went quiet: end whatever is pending as it stands (a frame complete at a shorter parameter count, or garbage). */
  flush(): FramerItem[];
  /**
   * An arrival (one read) ended: end what is pending if it stands as frames of known commands
   * at parameter counts they accept (`#?#`, `#B#0#`); anything else stays pending for more bytes
   * or for flush(). The `arrival` request end of the dialect (docs/protocol-choices.md, Framing).
   */
  settle(): FramerItem[];
  /** Bytes held back waiting for more input. */
  pending(): number;
}

export interface FramerOptions {
  /** Longest accepted frame in bytes (default 4096). */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 4096;
/** How much of an over-long frame or of garbage is kept in the error item, for the transcript. */
const RAW_PREVIEW = 80;

type ScanStep =
  | { kind: 'need-more'; minLength: number }
  | { kind: 'frame'; end: number }
  | { kind: 'garbage'; end: number };

export function createFramer(options: FramerOptions = {}): Framer {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(max) || max < 3) throw new RangeError(`maxFrameBytes must be an integer >= 3, got ${max}`);
  let buffer = '';
  let broken = false;

  const run = (final: boolean): FramerItem[] => {
    if (broken) {
      buffer = '';
      return [];
    }
    const items: FramerItem[] = [];
    let i = 0;
    for (;;) {
      while (i < buffer.length && isSpace(buffer.charCodeAt(i))) i++;
      if (i >= buffer.length) break;
      const start = i;
      const result = buffer[i] === '#' ? scanFrame(buffer, start, final) : scanGarbage(buffer, start, final);
      if (result.kind === 'need-more') {
        if (result.minLength > max) {
          items.push(tooLong(buffer.slice(start, start + RAW_PREVIEW)));
          broken = true;
          buffer = '';
          return items;
        }
        break;
      }
      const raw = buffer.slice(start, result.end);
      if (raw.length > max) {
        items.push(tooLong(raw.slice(0, RAW_PREVIEW)));
        broken = true;
        buffer = '';
        return items;
      }
      items.push(result.kind === 'frame' ? { type: 'frame', frame: raw } : { type: 'error', reason: 'garbage', raw });
      i = result.end;
    }
    buffer = buffer.slice(i);
    return items;
  };

  return {
    push(chunk) {
      buffer += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      return run(false);
    },
    flush() {
      const items = run(true);
      buffer = '';
      return items;
    },
    settle() {
      if (broken || buffer.length === 0) return [];
      const kept = buffer;
      const items = run(true);
      if (items.every((item) => item.type === 'frame' && acceptedForm(item.frame))) return items;
      // Not whole yet: as if nothing had been looked at.
      buffer = kept;
      broken = false;
      return [];
    },
    pending() {
      return buffer.length;
    },
  };
}

/**
 * A frame of a known command with a parameter count it accepts, strictly or in the lenient
 * reading (missing trailing parameters: `#B#0#`); whether the dialect is strict is the codec's
 * business, once the frame is whole.
 */
function acceptedForm(frame: string): boolean {
  const codeEnd = frame.indexOf('#', 1);
  if (codeEnd < 0 || !frame.endsWith('#')) return false;
  const spec = commandSpec(frame.slice(1, codeEnd));
  if (spec === undefined) return false;
  let params = 0;
  for (let k = codeEnd + 1; k < frame.length; k++) if (frame[k] === '#') params++;
  return spec.counts.includes(params) || (spec.lenientMin !== undefined && params >= spec.lenientMin && params < largest(spec.counts));
}

function tooLong(raw: string): FramerItem {
  return { type: 'error', reason: 'too-long', raw };
}

/** CR, LF, space and tab end a frame and are skipped between frames. */
function isSpace(c: number): boolean {
  return c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09;
}

function isLineBreak(c: number): boolean {
  return c === 0x0d || c === 0x0a;
}

/** Bytes that do not start with `#`: everything up to the next `#` or whitespace is one garbage item. */
function scanGarbage(buf: string, start: number, final: boolean): ScanStep {
  let j = start;
  while (j < buf.length && buf[j] !== '#' && !isSpace(buf.charCodeAt(j))) j++;
  if (j >= buf.length && !final) return { kind: 'need-more', minLength: j - start };
  return { kind: 'garbage', end: j };
}

function scanFrame(buf: string, start: number, final: boolean): ScanStep {
  const n = buf.length;
  let j = start + 1;
  while (j < n && buf[j] !== '#' && !isSpace(buf.charCodeAt(j))) j++;
  if (j >= n) return final ? { kind: 'garbage', end: n } : { kind: 'need-more', minLength: n - start + 1 };
  if (buf[j] !== '#') return { kind: 'garbage', end: j };
  // "##": a lone '#' in front of what may be a real frame.
  if (j === start + 1) return { kind: 'garbage', end: start + 1 };
  let p = j + 1; // just after a '#' that closed the code or a parameter
  for (;;) {
    // At its longest form a frame ends at the next '#' or at the end of what has arrived; only
    // more parameter bytes (`#T#1#`) keep it open, to be refused as a whole.
    const longest = atLongestForm(buf, start, j, p);
    if (p >= n) return final || longest ? { kind: 'frame', end: p } : { kind: 'need-more', minLength: p - start };
    if (longest && buf[p] === '#') return { kind: 'frame', end: p };
    const c = buf.charCodeAt(p);
    if (isSpace(c)) return { kind: 'frame', end: p };
    if (buf[p] !== '#') {
      // A parameter: spaces are allowed inside it, line breaks are not.
      let k = p;
      while (k < n && buf[k] !== '#' && !isLineBreak(buf.charCodeAt(k))) k++;
      if (k >= n) return final ? { kind: 'garbage', end: n } : { kind: 'need-more', minLength: n - start + 1 };
      if (buf[k] !== '#') return { kind: 'garbage', end: k };
      p = k + 1;
      continue;
    }
    // '#' right after a '#': an empty parameter, or the start of the next frame.
    const tokenStart = p + 1;
    let k = tokenStart;
    while (k < n && k - tokenStart <= MAX_CODE_LENGTH && buf[k] !== '#' && !isSpace(buf.charCodeAt(k))) k++;
    const tokenLength = k - tokenStart;
    if (tokenLength > MAX_CODE_LENGTH) {
      p += 1; // too long to be a code: empty parameter
      continue;
    }
    if (k >= n) {
      if (!final) return { kind: 'need-more', minLength: p - start };
      // Silence after "…##" is an empty last parameter; after "…##Q" the frame ends before the cut-off one.
      if (tokenLength === 0) {
        p += 1;
        continue;
      }
      return { kind: 'frame', end: p };
    }
    if (buf[k] === '#' && tokenLength > 0 && isCommandCode(buf.slice(tokenStart, k))) return { kind: 'frame', end: p };
    p += 1;
  }
}

/**
 * A frame that has reached the longest parameter count of its command is answered at once
 * rather than after the idle flush: every client waits for the reply to a complete command,
 * and a 100 ms pause on each one would distort polling loops (`#Q#` every 200 ms). The cost:
 * an over-long frame cut exactly at that boundary (`#T#` | `1#`) reads as `#T#` plus garbage.
 */
function atLongestForm(buf: string, start: number, codeEnd: number, p: number): boolean {
  const spec = commandSpec(buf.slice(start + 1, codeEnd));
  if (spec === undefined) return false;
  let params = 0;
  for (let k = codeEnd + 1; k < p; k++) if (buf.charCodeAt(k) === 0x23) params++;
  return params >= largest(spec.counts);
}

/** The largest of a command's parameter counts (a loop: no spread per frame scanned). */
function largest(counts: readonly number[]): number {
  let max = 0;
  for (const n of counts) if (n > max) max = n;
  return max;
}

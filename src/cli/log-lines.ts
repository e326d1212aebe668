/**
 * The lines of the live log that `simulate`, `proxy` and `replay` print for each transcript
 * entry: one JSON event (`--json`, docs/simulator.md) or one human line.
 */
import type { ChalkInstance } from 'chalk';
import type { JsonBytes } from '../protocol/json-bytes.js';
import type { TranscriptEntry } from '../protocol/transcript.js';

/**
 * One JSON event per transcript entry: "traffic" for frames, the event kind otherwise.
 *
 * Written key by key, in the order `JSON.stringify` gives them, straight into the log's byte
 * buffer: the log writes two of these per command, and an object for `JSON.stringify` to walk,
 * or a string built piece by piece, cost more than the rest of the line and made most of a
 * command's garbage (docs/bench.md, Where the time goes). The bytes are exactly those of the
 * object form (a test compares both).
 */
export function writeJsonLine(out: JsonBytes, entry: TranscriptEntry): void {
  const dir = entry.dir;
  if (typeof entry.data !== 'string' || (dir !== 'event' && dir !== 'in' && dir !== 'out')) {
    out.text(jsonLineObject(entry));
    return;
  }
  if (dir === 'event') {
    out.ascii('{"event":');
    out.string(entry.kind ?? 'event');
    out.ascii(',"at":');
    out.number(entry.at);
    out.ascii(',"conn":');
    out.number(entry.conn);
    out.ascii(',"text":');
  } else {
    out.ascii('{"event":"traffic","at":');
    out.number(entry.at);
    out.ascii(',"conn":');
    out.number(entry.conn);
    out.ascii(dir === 'in' ? ',"dir":"in","data":' : ',"dir":"out","data":');
  }
  out.string(entry.data);
  out.optional('file', entry.file);
  out.optional('fault', entry.fault);
  out.ascii('}');
}

/** The same line through an object and `JSON.stringify`: the reference the hand-written form must equal. */
export function jsonLineObject(entry: TranscriptEntry): string {
  if (entry.dir === 'event') {
    const event: Record<string, unknown> = { event: entry.kind ?? 'event', at: entry.at, conn: entry.conn, text: entry.data };
    if (entry.file !== undefined) event.file = entry.file;
    if (entry.fault !== undefined) event.fault = entry.fault;
    return JSON.stringify(event);
  }
  const event: Record<string, unknown> = { event: 'traffic', at: entry.at, conn: entry.conn, dir: entry.dir, data: entry.data };
  if (entry.file !== undefined) event.file = entry.file;
  if (entry.fault !== undefined) event.fault = entry.fault;
  return JSON.stringify(event);
}

export function humanLine(entry: TranscriptEntry, color: ChalkInstance): string {
  const at = color.dim(`${(entry.at / 1000).toFixed(3).padStart(9)}s`);
  const who = (entry.conn > 0 ? `#${entry.conn}` : '').padEnd(4);
  const data = printable(entry.data);
  const file = entry.file !== undefined && entry.dir !== 'event' ? `${entry.file}: ` : '';
  switch (entry.dir) {
    case 'in':
      return `${at}  ${who}${color.cyan(`POS → ${file}${data}`)}`;
    case 'out':
      return `${at}  ${who}${color.green(`POS ← ${file}${data}`)}${entry.fault ? color.red(` (fault ${entry.fault})`) : ''}`;
    default: {
      const kind = entry.kind ?? 'event';
      const paint = kind === 'fault' ? color.red : kind === 'connection' ? color.dim : color.yellow;
      return `${at}  ${who}${paint(`[${kind}] ${data}`)}`;
    }
  }
}

/** Latin-1 text may hold control characters (a corrupt fault): shown as `\xNN`, never let to drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

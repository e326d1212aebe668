/**
 * Bytes from a real connector → whole replies, for the proxy's transcript and its transport
 * faults. Pure: no sockets, no clock (the relay calls `flush()` after a quiet gap).
 *
 * Replies carry no terminator and no length (protocol.md §2.5), so the cutter does what a
 * careful client does: it knows which commands the POS sent on this connection and still waits
 * for, and a reply is whole once it has the field count of its command's reply
 * (src/protocol/commands.ts, `reply`). Shorter replies exist: an error (`#ER:BUSY#`) usually has
 * no fields; it is whole when the next reply visibly starts (`##`) or the connector goes quiet.
 * A reply to an unknown command is whole when the connector goes quiet.
 *
 * `#!#` sent while an interruptible command waits may or may not get a reply of its own
 * (the `cancelReply` dialect, docs/protocol-choices.md): it waits as an optional entry, matched
 * by a bare `#0#` right after the cancelled command's reply, dropped when the POS sends its next
 * command instead.
 *
 * Nothing is ever changed: each cut carries its exact bytes (`raw`, with the whitespace around
 * it) for the relay to forward, and the trimmed frame for the transcript.
 */
import { commandSpec, isInterruptible } from '../protocol/commands.js';

export interface WaitingCommand {
  /** Command code ("C"); '' for bytes that were no frame (the connector answers them `#ER:BAD_DATA#`). */
  code: string;
  frame: string;
  /** A `#!#` that may get no reply of its own. */
  optional?: boolean;
}

export interface CutReply {
  /** The exact bytes, whitespace around the frame included: what the POS must receive. */
  raw: string;
  /** The frame as the transcript records it (CR/LF and spaces stripped). */
  frame: string;
  /** The command it answers ('' when none was waiting). */
  command: string;
}

/** Longest reply kept whole; longer ones are passed on as they are (a connector speaking something else). */
export const DEFAULT_MAX_REPLY_BYTES = 4096;

export interface ReplyCutter {
  /** A frame the POS sent (forwarded to the connector): its reply is now awaited. */
  sent(frame: string): void;
  /** Bytes that were no frame: the connector will answer them too. */
  sentGarbage(): void;
  /** Bytes from the connector; returns the replies that are now whole. */
  push(chunk: string): CutReply[];
  /** The connector went quiet: what is buffered is one reply as it stands. */
  flush(): CutReply[];
  /** Bytes held back waiting for more. */
  pending(): number;
  /** Commands still waiting for their reply, oldest first. */
  waiting(): readonly WaitingCommand[];
}

export function createReplyCutter(maxReplyBytes = DEFAULT_MAX_REPLY_BYTES): ReplyCutter {
  let buffer = '';
  let queue: WaitingCommand[] = [];

  const take = (end: number): CutReply => {
    // Whitespace right after a reply (CR/LF) travels with it.
    let stop = end;
    while (stop < buffer.length && isSpace(buffer.charCodeAt(stop))) stop++;
    const raw = buffer.slice(0, stop);
    buffer = buffer.slice(stop);
    const frame = raw.trim();
    const head = queue[0];
    let command = '';
    if (frame.startsWith('#') && head !== undefined) {
      queue = queue.slice(1);
      command = head.code;
    }
    return { raw, frame, command };
  };

  const cut = (final: boolean): CutReply[] => {
    const out: CutReply[] = [];
    for (;;) {
      let i = 0;
      while (i < buffer.length && isSpace(buffer.charCodeAt(i))) i++;
      if (i >= buffer.length) break;
      // An optional `#!#` whose reply is not a bare `#0#` got none: the reply is the next command's.
      while (queue[0]?.optional === true && !bareZeroAt(buffer, i)) {
        if (!final && couldStillBeBareZero(buffer, i)) break;
        queue = queue.slice(1);
      }
      if (queue[0]?.optional === true && !bareZeroAt(buffer, i)) break;
      const end = replyEnd(buffer, i, queue[0], final);
      if (end === undefined) {
        if (buffer.length > maxReplyBytes) out.push(take(buffer.length));
        break;
      }
      out.push(take(end));
    }
    return out;
  };

  return {
    sent(frame) {
      // The POS moved on: an optional cancel reply that did not come will not come.
      if (buffer.trim() === '') queue = queue.filter((w) => w.optional !== true);
      const code = frame.split('#')[1] ?? '';
      const optional = code === '!' && queue.some((w) => isInterruptible(w.code));
      queue = [...queue, { code, frame, ...(optional ? { optional: true } : {}) }];
    },
    sentGarbage() {
      queue = [...queue, { code: '', frame: '' }];
    },
    push(chunk) {
      buffer += chunk;
      return cut(false);
    },
    flush() {
      const out = cut(true);
      if (buffer.trim() !== '') out.push(take(buffer.length));
      else buffer = '';
      return out;
    },
    pending: () => buffer.length,
    waiting: () => queue,
  };
}

/** Data fields of the success reply to a waiting command; undefined when unknown. */
export function replyFields(waiting: WaitingCommand | undefined): number | undefined {
  if (waiting === undefined) return undefined;
  if (waiting.code === '?') {
    const codes = waiting.frame.split('#')[2];
    // `#?#1110,1120#` asks for details: one field per code (protocol.md §5.25).
    if (codes !== undefined && codes !== '') return codes.split(',').length;
  }
  return commandSpec(waiting.code)?.reply.length;
}

/**
 * Where the reply starting at `start` ends (exclusive), or undefined when more bytes are needed.
 * `final`: the connector is quiet, a reply that ends in `#` is whole as it stands.
 */
function replyEnd(buf: string, start: number, waiting: WaitingCommand | undefined, final: boolean): number | undefined {
  if (buf[start] !== '#') {
    // Not a reply: bytes up to the next `#` or whitespace, passed on as they are.
    let j = start;
    while (j < buf.length && buf[j] !== '#' && !isSpace(buf.charCodeAt(j))) j++;
    return j < buf.length || final ? j : undefined;
  }
  const expected = replyFields(waiting);
  const statusEnd = buf.indexOf('#', start + 1);
  if (statusEnd < 0) return final ? buf.length : undefined;
  const status = buf.slice(start + 1, statusEnd);
  const short = status.startsWith('ER:') || expected === undefined;
  let fields = 0;
  let p = statusEnd + 1;
  for (;;) {
    if (expected !== undefined && fields >= expected) return p;
    if (p >= buf.length) return final ? p : undefined;
    const c = buf.charCodeAt(p);
    if (isSpace(c)) return p;
    // `##` after a short reply: the next reply starts here.
    if (short && buf[p] === '#') return p;
    const next = buf.indexOf('#', p);
    if (next < 0) return final ? buf.length : undefined;
    const field = buf.slice(p, next);
    if (/[\r\n]/.test(field)) return p + field.search(/[\r\n]/);
    fields++;
    p = next + 1;
  }
}

function bareZeroAt(buf: string, i: number): boolean {
  if (!buf.startsWith('#0#', i)) return false;
  const after = buf.charCodeAt(i + 3);
  return i + 3 >= buf.length || isSpace(after) || buf[i + 3] === '#';
}

/** Only a prefix of `#0#` has arrived so far. */
function couldStillBeBareZero(buf: string, i: number): boolean {
  const rest = buf.slice(i);
  return rest.length < 3 && '#0#'.startsWith(rest);
}

function isSpace(c: number): boolean {
  return c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09;
}

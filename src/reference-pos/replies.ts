/**
 * Frames as the reference POS sees them: building a command, deciding when a reply has
 * fully arrived, and reading its fields. Pure functions, no sockets.
 *
 * The connector's replies carry no terminator and no length (protocol.md §2.3, §2.5), so a
 * client can only tell that a reply is whole by its shape: it ends in `#` and has as many
 * fields as that command's reply has. Error replies may be shorter (`#ER:BUSY#`, §3), which
 * is why `replyShape` can only say "maybe complete" for them and the connection falls back
 * to a short silence.
 */

/** One reply from the connector. `fields` are the data fields after the status. */
export interface Reply {
  /** The command code this reply answers ("C", "Q", "?"…). */
  command: string;
  /** The reply exactly as read, e.g. `#WR:LEVEL#2000#1010#0#0#`. */
  frame: string;
  /** `0`, `WR:LEVEL`, `WR:CANCEL`, `ER:GENERIC`, `ER:BUSY`, `ER:BAD_DATA`, `ER:ILLEGAL` (§3). */
  status: string;
  fields: string[];
}

/** Builds `#C#p1#p2#…#` (§2.1). No CR/LF: every connector accepts bare frames (§2.4). */
export function encodeCommand(code: string, params: readonly (string | number)[] = []): string {
  return `#${[code, ...params.map(String)].join('#')}#`;
}

/** The command code of a frame we sent (`#GC#` → "GC"). */
export function commandCode(frame: string): string {
  return frame.split('#')[1] ?? '';
}

/**
 * Data fields in a success (`0`/`WR:*`) reply, by command (protocol.md §5). `undefined`
 * when it varies; `#?#` with a code list has one field per code and is handled by the caller.
 */
const SUCCESS_FIELDS: Record<string, number> = {
  I: 1, // #0#2.01#                                   §5.1
  E: 0, // #0#                                        §5.2
  C: 4, // #status#auto#returned#manual#added#        §5.3
  G: 6, // #0#before#after#inserted#withdrawn#notDispensed#consolidated#  §5.4
  B: 0, // #0#                                        §5.5
  Q: 1, // #0#<cents>#                                §5.6
  J: 1, // #0#<cents>#                                §5.7
  P: 2, // #0#<dispensed>#<x>#                        §5.8
  A: 0, // #0#                                        §5.9
  S: 1, // #0#<cents removed>#                        §5.11
  F: 3, // #0#before#added#remaining#                 §5.12
  T: 2, // #0#<recyclers>#<stacker>#                  §5.14
  Y: 2, // #0#<recyclers vpd>#<stacker vpd>#          §5.15
  Z: 0, // #0#                                        §5.27
  '!': 0, // #0#                                      §5.26
  '?': 1, // #0#<codes or empty>#                     §5.25
};

export function expectedFields(frame: string): number | undefined {
  const code = commandCode(frame);
  if (code === '?') {
    const codes = frame.split('#')[2];
    // `#?#1110,1120#0#` asks for details: one `#`-field per code (§5.25).
    if (codes !== undefined && codes !== '') return codes.split(',').length;
  }
  return SUCCESS_FIELDS[code];
}

/**
 * Error statuses no source shows with data fields (§3: a bare `#ER:BUSY#`; S-VB compares the
 * first 9 characters): whole as soon as they arrive, with no wait for fields that never come.
 * `ER:GENERIC` may carry the amounts a dispense moved (§3), so it is not one of them.
 */
const FIELDLESS_ERRORS = ['#ER:BUSY#', '#ER:ILLEGAL#', '#ER:BAD_DATA#'] as const;

export type Shape =
  /** Whole: `length` characters of the buffer are this reply. */
  | { kind: 'complete'; length: number }
  /**
   * Ends in `#` with fewer fields than expected. An error reply may legitimately be that
   * short (`short-error`: wait briefly for more, then take it); a success reply that short
   * is still arriving or damaged (`short-success`: wait longer before giving up on it).
   */
  | { kind: 'maybe'; why: 'short-error' | 'short-success' | 'unknown-length' }
  /** Certainly not finished. */
  | { kind: 'incomplete' };

/**
 * Is the reply to `sentFrame` whole in `buffer`? Counts fields against the command's
 * expected reply (S-HIT's approach, §2.5): a split `#0#2000#` + `1010#0#0#` is not whole
 * after the first piece even though it ends in `#`.
 */
export function replyShape(sentFrame: string, buffer: string): Shape {
  if (!buffer.startsWith('#') || buffer.length < 3) return { kind: 'incomplete' };
  for (const status of FIELDLESS_ERRORS) if (buffer.startsWith(status)) return { kind: 'complete', length: status.length };
  const expected = expectedFields(sentFrame);
  // Walk the `#` separators: the status, then `expected` data fields.
  const wanted = expected === undefined ? undefined : expected + 1;
  let seen = 0;
  for (let i = 1; i < buffer.length; i++) {
    if (buffer[i] !== '#') continue;
    seen++;
    if (seen === 1 && i === 1) return { kind: 'incomplete' }; // `##`: no status yet
    if (wanted !== undefined && seen === wanted) return { kind: 'complete', length: i + 1 };
  }
  if (!buffer.endsWith('#')) return { kind: 'incomplete' };
  if (wanted === undefined) return { kind: 'maybe', why: 'unknown-length' };
  return { kind: 'maybe', why: buffer.startsWith('#ER:') ? 'short-error' : 'short-success' };
}

/** Splits a whole reply into status and fields. */
export function parseReply(command: string, frame: string): Reply {
  const parts = frame.split('#');
  // A frame `#a#b#` splits into ['', 'a', 'b', ''].
  const inner = parts.slice(1, frame.endsWith('#') ? -1 : undefined);
  return { command, frame, status: inner[0] ?? '', fields: inner.slice(1) };
}

/** Success, possibly with a level warning: the data fields are valid (§3). */
export function isSuccess(reply: Reply): boolean {
  return reply.status === '0' || reply.status === 'WR:LEVEL';
}

/** Field `index` as integer cents; `undefined` when absent or not a whole number. */
export function centsField(reply: Reply, index: number): number | undefined {
  const text = reply.fields[index];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

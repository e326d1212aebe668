/**
 * JSON written straight into a reused byte buffer, for the transcript's two JSON outputs: the
 * spill file (server/transcript-log.ts) and the `--json` log (cli simulate, proxy, replay).
 * Under load both write two lines per command; built as strings, each line was a chain of
 * intermediate strings, a flattened copy and a UTF-8 encoding, about a kilobyte of garbage per
 * command that every young-generation collection had to sweep (docs/bench.md). The bytes are
 * those of `JSON.stringify` (tests compare them). Pure: no I/O.
 */
import { jsonNumber } from './transcript.js';

export class JsonBytes {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes written since reset(), a view on the buffer (valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written since reset(), then reset(): for a consumer that keeps them (a stream write). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  /** Text known to be ASCII with nothing to escape (keys, punctuation). */
  ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** A JSON number as `JSON.stringify` writes it (`null` when not finite). */
  number(n: number): void {
    this.ascii(jsonNumber(n));
  }

  /** Any text, as UTF-8, unquoted (a line of the human log, a notice). */
  text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** `,"key":"value"` when the value is there (an optional key of an object being written), nothing otherwise. */
  optional(key: string, value: string | undefined): void {
    if (value === undefined) return;
    this.ascii(',"');
    this.ascii(key);
    this.ascii('":');
    this.string(value);
  }

  /** A JSON string: quoted, UTF-8; what needs escaping (or a surrogate) goes through JSON.stringify. */
  string(text: string): void {
    this.room(text.length * 3 + 2);
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    buf[pos++] = 0x22;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) return this.stringified(text, start);
        buf[pos++] = c;
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) return this.stringified(text, start);
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      }
    }
    buf[pos++] = 0x22;
    this.pos = pos;
  }

  private stringified(text: string, start: number): void {
    const json = JSON.stringify(text);
    this.pos = start;
    this.room(json.length * 3);
    this.pos += this.buf.write(json, this.pos, 'utf8');
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/**
 * A plain TCP client for the end-to-end fault tests: it records every read separately (to see
 * split replies), how the connection ended (FIN or RST) and hands out replies in order.
 * Waits have generous upper bounds only; no test asserts how long anything took.
 */
import { connect, type Socket } from 'node:net';

export const UPPER_BOUND_MS = 15_000;

export class WireClient {
  readonly socket: Socket;
  /** Every read, in order, as received (Latin-1). */
  readonly reads: string[] = [];
  private buffer = '';
  private waiters = new Set<() => void>();
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.reads.push(text);
      this.buffer += text;
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new WireClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /**
   * Sends a frame followed by CR/LF, which ends it at once (a bare frame is only complete
   * after the server's idle gap, protocol.md §2.4–2.5); both forms are valid.
   */
  send(frame: string): void {
    this.socket.write(Buffer.from(`${frame}\r\n`, 'latin1'));
  }

  /** Bytes received and not yet taken. */
  pending(): string {
    return this.buffer;
  }

  /** Takes the next reply frame (everything received once it ends in `#`). */
  async reply(timeoutMs = UPPER_BOUND_MS): Promise<string> {
    await this.until(() => completeFrame(this.buffer) !== undefined || this.closed, timeoutMs, 'a reply');
    const frame = completeFrame(this.buffer);
    if (frame === undefined) throw new Error(`connection closed before a complete reply; received ${JSON.stringify(this.buffer)}`);
    this.buffer = this.buffer.slice(frame.length);
    return frame;
  }

  /** Takes exactly `length` bytes (for replies whose pieces may each look complete). */
  async take(length: number, timeoutMs = UPPER_BOUND_MS): Promise<string> {
    await this.until(() => this.buffer.length >= length || this.closed, timeoutMs, `${length} bytes`);
    const text = this.buffer.slice(0, length);
    this.buffer = this.buffer.slice(text.length);
    return text;
  }

  /** Takes everything received once it ends in `#` (the rest of a reply whose start was taken). */
  async rest(timeoutMs = UPPER_BOUND_MS): Promise<string> {
    await this.until(() => this.buffer.endsWith('#') || this.closed, timeoutMs, 'the rest of a reply');
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  async exchange(frame: string, timeoutMs = UPPER_BOUND_MS): Promise<string> {
    this.send(frame);
    return this.reply(timeoutMs);
  }

  /** Waits until the server closed the connection; says how. */
  async closedBy(timeoutMs = UPPER_BOUND_MS): Promise<'fin' | 'rst'> {
    await this.until(() => this.closed, timeoutMs, 'the connection to close');
    return this.error?.code === 'ECONNRESET' ? 'rst' : 'fin';
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`gave up waiting for ${what} after ${timeoutMs} ms; received ${JSON.stringify(this.buffer)}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * The first complete reply in `text`. Replies carry no terminator (protocol.md §2.5); every
 * reply the simulator sends ends with `#` and the next one starts with `#`, so a reply is
 * complete when the buffer ends in `#` and has at least two of them. Tests only read when
 * one reply is outstanding.
 */
function completeFrame(text: string): string | undefined {
  if (text.length < 2 || !text.startsWith('#') || !text.endsWith('#')) return undefined;
  return text;
}


/**
 * A plain TCP client for the simulator tests: it reads exactly what the server sends and lets
 * a test assert the bytes in order (replies have no terminator, protocol.md §2.5).
 * Waits have generous upper bounds only; nothing asserts how long anything took.
 */
import { connect, type Socket } from 'node:net';

export const WAIT_MS = 15_000;

export class TestClient {
  readonly socket: Socket;
  private buffer = '';
  private waiters: (() => void)[] = [];
  /** How many separate reads (data events) delivered bytes. */
  reads = 0;
  readonly closed: Promise<'end' | 'error'>;
  error: NodeJS.ErrnoException | undefined;
  ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.reads++;
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => {
        this.error = err;
      });
      socket.on('end', () => {
        this.ended = true;
      });
      socket.on('close', () => {
        this.wake();
        resolve(this.error ? 'error' : 'end');
      });
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** Everything received and not yet consumed. */
  pending(): string {
    return this.buffer;
  }

  /** Waits for exactly `expected` as the next bytes; rejects showing what arrived instead. */
  async expect(expected: string, timeoutMs = WAIT_MS): Promise<void> {
    await this.waitUntil(() => this.buffer.length >= expected.length || this.socket.destroyed, timeoutMs, `"${expected}"`);
    const got = this.buffer.slice(0, expected.length);
    if (got !== expected) throw new Error(`expected ${JSON.stringify(expected)} next, received ${JSON.stringify(this.buffer)}`);
    this.buffer = this.buffer.slice(expected.length);
  }

  /** Sends a command and expects exactly this reply. */
  async exchange(command: string, reply: string, timeoutMs = WAIT_MS): Promise<void> {
    this.send(command);
    await this.expect(reply, timeoutMs);
  }

  /** Reads one reply frame `#...#` when the reply's field count is known. */
  async readFields(count: number, timeoutMs = WAIT_MS): Promise<string[]> {
    await this.waitUntil(() => (this.buffer.match(/#/g)?.length ?? 0) >= count + 1 || this.socket.destroyed, timeoutMs, `${count} fields`);
    const parts = this.buffer.split('#');
    const frame = `#${parts.slice(1, count + 1).join('#')}#`;
    if (!this.buffer.startsWith(frame)) throw new Error(`no ${count}-field reply in ${JSON.stringify(this.buffer)}`);
    this.buffer = this.buffer.slice(frame.length);
    return parts.slice(1, count + 1);
  }

  async waitClosed(timeoutMs = WAIT_MS): Promise<'end' | 'error'> {
    return withTimeout(this.closed, timeoutMs, 'the connection to close');
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received so far ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

/** Polls until `check` returns a value other than undefined (upper bound only). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: res.status, json, headers: res.headers };
}

/**
 * A minimal POS-side client for the loopback benchmarks: one request outstanding at a time,
 * like every real client (protocol.md §2.8). Replies carry no terminator, so a reply is
 * complete once it ends in `#` and has as many fields as the command's success reply, or is
 * an `ER:` status (error replies may be shorter).
 */
import { connect, type Socket } from 'node:net';
import { BenchFailure } from './types.js';

export const LOOPBACK = '127.0.0.1';

export class BenchClient {
  private buffer = '';
  private pending: { fields: number; resolve: (reply: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | undefined;
  private closedPromise: Promise<void>;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.fail(new Error('connection closed by the simulator')));
  }

  static open(port: number, timeoutMs = 10_000): Promise<BenchClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: LOOPBACK, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to ${LOOPBACK}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BenchClient(socket));
      });
    });
  }

  /** Send one frame and wait for its reply; `fields` counts the status and the data fields of a success reply. */
  request(frame: string, fields: number, timeoutMs = 10_000): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error(`request ${frame} sent while another one is pending`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`no reply to ${frame} within ${timeoutMs} ms (got ${JSON.stringify(this.buffer)})`));
      }, timeoutMs);
      this.pending = { fields, resolve, reject, timer };
      this.socket.write(frame, 'latin1');
    });
  }

  /** Half-close and wait until the simulator has closed its side too (it must, within `timeoutMs`). */
  async close(timeoutMs = 10_000): Promise<void> {
    this.socket.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const outcome = await Promise.race([this.closedPromise, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.socket.destroy();
      throw new BenchFailure(`the simulator did not close its side within ${timeoutMs} ms of the client's FIN`);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    const pending = this.pending;
    if (!pending || !replyComplete(this.buffer, pending.fields)) return;
    const reply = this.buffer;
    this.buffer = '';
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(err);
  }
}

function replyComplete(buffer: string, fields: number): boolean {
  if (!buffer.endsWith('#')) return false;
  let hashes = 0;
  for (let i = 0; i < buffer.length; i++) if (buffer.charCodeAt(i) === 0x23) hashes++;
  return hashes >= fields + 1 || (buffer.startsWith('#ER:') && hashes >= 2);
}

/** Fields of a reply frame, status first (`#0#990#0#` → ["0", "990", "0"]). */
export function replyFields(reply: string): string[] {
  return reply.slice(1, -1).split('#');
}

/**
 * The TCP connection to CashlogyConnector, used the way the connector expects (by default
 * one persistent socket; see ConnectionOptions for the other correct designs: a socket per
 * command, CR/LF after frames, replies read by silence):
 *
 *   send(C) ──► queue ──► [connect if needed] ──► write `#C#…#` ──► read until the reply is whole
 *                 ▲                                                   │
 *                 └──────────── next command only after this reply ◄──┘
 *   cancel() ──► `#!#` written at once, even while a command is pending (§2.8)
 *
 * - One command at a time (protocol.md §2.8, §13.6): a second command written before the
 *   first reply arrives is how stale replies get read as the answer to the wrong command.
 * - Replies have no terminator (§2.5): a reply is whole when it has the field count its
 *   command's reply has; a shorter reply ending in `#` is taken after a short silence,
 *   because error replies are shorter (§3). A reply split over TCP segments (§13.2) is
 *   therefore read whole.
 * - The socket is kept open between commands (§2.7). When it closes (connector restart,
 *   network, ECONNRESET) the pending command fails with `ConnectionLostError` and the next
 *   `send` reconnects. Whether the lost command moved money is for the caller to find out
 *   (§13.21): this class never resends anything by itself.
 */
import { Socket } from 'node:net';
import { RuntimeError } from '../errors.js';
import { commandCode, encodeCommand, parseReply, replyShape, type Reply } from './replies.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** Reply timeouts by command code (ms); `default` for the rest. Merged over DEFAULT_TIMEOUTS_MS. */
  timeoutsMs?: Partial<Record<string, number>>;
  /** Silence after which a short error reply (`#ER:BUSY#`) is taken as whole. S-HIT uses 500 ms. */
  shortReplyIdleMs?: number;
  /** Silence after which a reply with too few fields is given up on as damaged. */
  damagedReplyIdleMs?: number;
  /** How long to keep trying to (re)connect, e.g. while the connector restarts. */
  connectTimeoutMs?: number;
  /** After `#!#` overlapped a command: how long to wait for the cancel's own reply (S-HIT: 500 ms). */
  cancelReplyWaitMs?: number;
  /**
   * A new socket for every command, closed once its reply is read (S-SCO, S-RC, S-HC, S-IAR:
   * §2.7, §13.5), instead of one persistent socket. A `#!#` still goes on the socket of the
   * command it cancels, which is open until that command's reply.
   */
  perCommand?: boolean;
  /** What follows each frame: nothing (most clients) or CR/LF (S-VAL, S-SCO); both are accepted (§2.4). */
  lineEnd?: 'none' | 'crlf';
  /**
   * How a reply is known to be whole (§2.5): `fields` counts the command's fields (S-HIT);
   * `idle` takes what arrived once the connector stays silent for `replyIdleMs` (S-RC).
   */
  replyRead?: 'fields' | 'idle';
  /** The silence that ends a reply when `replyRead` is `idle`. S-RC waits 500 ms. */
  replyIdleMs?: number;
  /** Trace of the traffic and connection events, for the POS's own log. */
  log?: (line: string) => void;
}

/**
 * Slow commands get long timeouts (§13.17): `#I#` takes up to a minute cold, `#C#`/`#G#`
 * wait for a customer or operator, dispensing can take long.
 */
export const DEFAULT_TIMEOUTS_MS: Record<string, number> = {
  default: 10_000,
  I: 90_000,
  C: 300_000,
  G: 600_000,
  P: 120_000,
  S: 300_000,
  F: 300_000,
  V: 300_000,
  U: 120_000,
};

/** The socket closed while a command was unanswered: its reply is lost, money may have moved. */
export class ConnectionLostError extends RuntimeError {
  readonly frame: string;
  constructor(frame: string, detail: string) {
    super('PROTOCOL', `connection to the connector lost while waiting for the reply to ${frame} (${detail})`);
    this.frame = frame;
  }
}

/** No (whole) reply within the command's timeout. The connection is dropped afterwards. */
export class ReplyTimeoutError extends RuntimeError {
  readonly frame: string;
  constructor(frame: string, timeoutMs: number) {
    super('PROTOCOL', `no reply to ${frame} within ${timeoutMs} ms`);
    this.frame = frame;
  }
}

/** The connector could not be reached at all. */
export class ConnectFailedError extends RuntimeError {
  constructor(host: string, port: number, detail: string) {
    super('PROTOCOL', `cannot connect to CashlogyConnector at ${host}:${port} (${detail})`);
  }
}

interface Pending {
  frame: string;
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class CashlogyConnection {
  protected readonly options: Required<Omit<ConnectionOptions, 'log' | 'timeoutsMs' | 'lineEnd' | 'replyRead'>> & {
    lineEnd: NonNullable<ConnectionOptions['lineEnd']>;
    replyRead: NonNullable<ConnectionOptions['replyRead']>;
    timeoutsMs: Record<string, number>;
  };
  protected readonly log: (line: string) => void;
  protected socket: Socket | null = null;
  protected connecting: Promise<Socket> | null = null;
  protected buffer = '';
  protected pending: Pending | null = null;
  protected idleTimer: NodeJS.Timeout | null = null;
  /** `#!#` frames written while a command was pending whose own reply has not been read yet. */
  protected cancelRepliesOutstanding = 0;
  private cancelReplyWaiter: (() => void) | null = null;
  private queueTail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: ConnectionOptions) {
    this.options = {
      host: options.host,
      port: options.port,
      timeoutsMs: { ...DEFAULT_TIMEOUTS_MS, ...stripUndefined(options.timeoutsMs ?? {}) },
      shortReplyIdleMs: options.shortReplyIdleMs ?? 300,
      damagedReplyIdleMs: options.damagedReplyIdleMs ?? 2_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      cancelReplyWaitMs: options.cancelReplyWaitMs ?? 500,
      perCommand: options.perCommand ?? false,
      lineEnd: options.lineEnd ?? 'none',
      replyRead: options.replyRead ?? 'fields',
      replyIdleMs: options.replyIdleMs ?? 500,
    };
    this.log = options.log ?? (() => {});
  }

  /** Sends one command and resolves with its whole reply. Commands queue behind each other. */
  send(code: string, params: readonly (string | number)[] = [], timeoutMs?: number): Promise<Reply> {
    return this.sendFrame(encodeCommand(code, params), timeoutMs);
  }

  sendFrame(frame: string, timeoutMs?: number): Promise<Reply> {
    const run = this.queueTail.then(() => this.exchange(frame, timeoutMs));
    this.queueTail = run.catch(() => undefined);
    return run;
  }

  /** True while a command is written and its reply not yet read. */
  get busy(): boolean {
    return this.pending !== null;
  }

  /**
   * `#!#`: the one command that may overlap a pending one (§2.8, §5.26). The interrupted
   * command then answers `WR:CANCEL`; the `#!#` may get its own reply, which is read and
   * dropped so it is never taken as the reply to the next command (§13.7).
   */
  async cancel(): Promise<void> {
    if (this.pending !== null && this.socket !== null) {
      this.cancelRepliesOutstanding++;
      this.writeFrame('#!#');
      return;
    }
    await this.send('!');
  }

  /** Closes the socket (after the queued commands). Later sends reconnect. */
  async disconnect(): Promise<void> {
    await this.queueTail;
    this.dropSocket('closed by the POS');
  }

  /** Closes for good: pending and later commands fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.dropSocket('closed by the POS');
  }

  protected async exchange(frame: string, timeoutMs?: number): Promise<Reply> {
    if (!this.options.perCommand) return this.exchangeOnSocket(frame, timeoutMs);
    try {
      return await this.exchangeOnSocket(frame, timeoutMs);
    } finally {
      // The reply (or the failure) is in: this command's socket is done. A `#!#` written on it
      // may still get its own reply; read it first so the connector is not left writing to a
      // closed socket.
      await this.settleCancelReplies();
      this.dropSocket('per-command connection: closed after the reply');
    }
  }

  private async exchangeOnSocket(frame: string, timeoutMs?: number): Promise<Reply> {
    if (this.closed) throw new ConnectionLostError(frame, 'the POS closed its connection');
    const socket = await this.ensureConnected();
    await this.settleCancelReplies();
    if (this.buffer !== '') {
      // Bytes nobody asked for (a late reply, noise): never let them answer this command.
      this.log(`discarding unexpected bytes ${JSON.stringify(this.buffer)}`);
      this.buffer = '';
    }
    const limit = timeoutMs ?? this.options.timeoutsMs[commandCode(frame)] ?? this.options.timeoutsMs['default'] ?? 10_000;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finishPending();
        reject(new ReplyTimeoutError(frame, limit));
        // A late reply would be read as the answer to the next command: start afresh.
        this.dropSocket(`no reply to ${frame}`);
      }, limit);
      this.pending = { frame, resolve, reject, timer };
      if (this.socket !== socket) {
        this.finishPending();
        reject(new ConnectionLostError(frame, 'the connection closed before the command was written'));
        return;
      }
      this.writeFrame(frame, socket);
    });
  }

  protected writeFrame(frame: string, socket: Socket | null = this.socket): void {
    this.log(`→ ${frame}`);
    socket?.write(this.options.lineEnd === 'crlf' ? `${frame}\r\n` : frame, 'latin1');
  }

  protected async ensureConnected(): Promise<Socket> {
    if (this.socket !== null) return this.socket;
    if (this.connecting === null) {
      this.connecting = this.connectWithRetry().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  /** Retries for a while: after a connector restart the port refuses connections briefly. */
  private async connectWithRetry(): Promise<Socket> {
    const deadline = Date.now() + this.options.connectTimeoutMs;
    let lastError = 'not tried';
    for (;;) {
      try {
        const socket = await this.openSocket();
        this.attach(socket);
        this.log(`connected to ${this.options.host}:${this.options.port}`);
        return socket;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        if (this.closed || Date.now() + 200 > deadline) {
          throw new ConnectFailedError(this.options.host, this.options.port, lastError);
        }
        await delay(200);
      }
    }
  }

  private openSocket(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const fail = (err: Error) => {
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.connect(this.options.port, this.options.host, () => {
        socket.off('error', fail);
        resolve(socket);
      });
    });
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    this.socket = socket;
    this.buffer = '';
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      this.onData(chunk.toString('latin1'));
    });
    socket.on('error', (err) => {
      if (this.socket === socket) this.dropSocket(err.message);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.dropSocket('closed by the connector');
    });
  }

  protected dropSocket(reason: string): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    this.buffer = '';
    this.cancelRepliesOutstanding = 0;
    this.cancelReplyWaiter?.();
    socket.destroy();
    this.log(`disconnected: ${reason}`);
    const pending = this.finishPending();
    pending?.reject(new ConnectionLostError(pending.frame, reason));
  }

  protected onData(text: string): void {
    this.buffer += text;
    this.examineBuffer();
  }

  /** Reads as many whole replies as the buffer holds. */
  protected examineBuffer(): void {
    if (this.options.replyRead === 'idle') return this.examineBufferByIdle();
    for (;;) {
      if (this.cancelRepliesOutstanding > 0 && this.takeCancelReply()) continue;
      const pending = this.pending;
      if (pending === null || this.buffer === '') return;
      const shape = replyShape(pending.frame, this.buffer);
      if (shape.kind === 'complete') {
        this.resolvePending(this.buffer.slice(0, shape.length));
        this.buffer = this.buffer.slice(shape.length);
        continue;
      }
      // Not whole yet: if nothing more arrives, take what there is (short error replies)
      // or give up on it as damaged. Every new segment restarts the wait.
      const wait =
        shape.kind === 'maybe' && shape.why !== 'short-success'
          ? this.options.shortReplyIdleMs
          : this.options.damagedReplyIdleMs;
      this.restartIdleTimer(wait);
      return;
    }
  }

  /**
   * Idle reading (S-RC): nothing is known about a reply's length, only that the connector
   * stops writing once it is done. Every segment restarts the wait, so a reply split over
   * segments with short gaps (§13.2) is still read whole.
   */
  private examineBufferByIdle(): void {
    if (this.cancelRepliesOutstanding > 0 && this.pending !== null && this.buffer.startsWith('#0##')) {
      // The `#!#` was answered before the command it cancelled (see takeCancelReply).
      this.log('read the reply to #!#: #0#');
      this.buffer = this.buffer.slice(3);
      this.cancelReplyRead();
    }
    if (this.pending === null) {
      if (this.cancelRepliesOutstanding > 0) this.takeCancelReply();
      return;
    }
    if (this.buffer === '') return;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending === null || this.buffer === '') return;
      let frame = this.buffer;
      if (this.cancelRepliesOutstanding > 0 && frame.length > 4 && frame.endsWith('##0#')) {
        // `#WR:CANCEL#…#` and the `#!#`'s own `#0#` arrived together: two replies, not one.
        frame = frame.slice(0, -3);
        this.log('read the reply to #!#: #0#');
        this.cancelReplyRead();
      }
      this.buffer = '';
      this.resolvePending(frame);
    }, this.options.replyIdleMs);
  }

  private restartIdleTimer(ms: number): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending === null || this.buffer === '') return;
      // A lone `#0#` while a `#!#` is unanswered is the cancel's reply, not this command's.
      if (this.cancelRepliesOutstanding > 0 && this.buffer === '#0#') {
        this.buffer = '';
        this.cancelReplyRead();
        return;
      }
      const frame = this.buffer;
      this.buffer = '';
      this.resolvePending(frame);
    }, ms);
  }

  /**
   * The `#!#` reply is one bare status frame. It is recognised before the pending reply
   * only when it cannot be the start of that reply: `#0#` immediately followed by another
   * frame. In order (the usual case) it comes after the interrupted command's reply.
   */
  private takeCancelReply(): boolean {
    if (this.pending !== null && commandCode(this.pending.frame) !== '!') {
      if (!this.buffer.startsWith('#0##')) return false;
      this.buffer = this.buffer.slice(3);
      this.cancelReplyRead();
      return true;
    }
    const end = this.buffer.indexOf('#', 1);
    if (!this.buffer.startsWith('#') || end < 0) return false;
    this.log(`read the reply to #!#: ${this.buffer.slice(0, end + 1)}`);
    this.buffer = this.buffer.slice(end + 1);
    this.cancelReplyRead();
    return true;
  }

  private cancelReplyRead(): void {
    this.cancelRepliesOutstanding = Math.max(0, this.cancelRepliesOutstanding - 1);
    if (this.cancelRepliesOutstanding === 0) this.cancelReplyWaiter?.();
  }

  /** Before the next command: wait briefly for the `#!#` reply so it is not misread (§13.7). */
  private async settleCancelReplies(): Promise<void> {
    if (this.cancelRepliesOutstanding === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.cancelReplyWaitMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.cancelReplyWaiter = null;
        resolve();
      }
      this.cancelReplyWaiter = done;
    });
    this.cancelRepliesOutstanding = 0;
  }

  protected resolvePending(frame: string): void {
    const pending = this.finishPending();
    if (pending === undefined) return;
    this.log(`← ${frame}`);
    pending.resolve(parseReply(commandCode(pending.frame), frame));
  }

  protected finishPending(): Pending | undefined {
    const pending = this.pending;
    if (pending === null) return undefined;
    clearTimeout(pending.timer);
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.pending = null;
    return pending;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stripUndefined(record: Partial<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}

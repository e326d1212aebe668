/**
 * One TCP connection: bytes in → frames (A's framer) → machine inputs; machine replies →
 * bytes out, strictly in the order the machine produced them, shaped by the fault engine's
 * Delivery directives (latency, split, corrupt, silence, disconnect, reset).
 *
 * Bare frames have no terminator (protocol.md §2.4), so a frame that is only complete at a
 * shorter valid parameter count (`#B#0#`, the ten-parameter `#C#`) is released by
 * `framer.flush()` after a short quiet gap.
 */
import type { Socket } from 'node:net';
import type { TranscriptLog } from './transcript-log.js';
import type { Delivery } from '../faults/engine-types.js';
import type { ConnectionSink, ReplyOutput } from './machine-host.js';
import { BAD_DATA_REPLY as BAD_DATA } from '../protocol/codec.js';
import type { Framer, FramerItem } from '../protocol/framer.js';

/** A's framer contract, re-exported so the simulator and its test fakes need only this module. */
export type { Framer, FramerItem };

/** How long a reset waits for a client to close its side before the socket is destroyed. */
const RESET_GRACE_MS = 1000;

export interface SessionOptions {
  conn: number;
  socket: Socket;
  framer: Framer;
  transcript: TranscriptLog;
  maxFrameBytes: number;
  /** Quiet gap (wall ms) after which a pending bare frame is flushed. */
  idleFlushMs: number;
  /** Pause (wall ms) between the pieces of a split reply, so they arrive as separate reads. */
  splitPauseMs: number;
  onFrame(conn: number, frame: string): void;
  onClosed(conn: number): void;
}

export class Session implements ConnectionSink {
  readonly conn: number;
  private readonly socket: Socket;
  private readonly framer: Framer;
  private readonly transcript: TranscriptLog;
  private readonly options: SessionOptions;
  /** Serialises deliveries: a delayed reply holds back the ones after it. */
  private chain: Promise<void> = Promise.resolve();
  private pendingDeliveries = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  /** No more input is read: we closed, or are closing after a fatal frame. */
  private readingStopped = false;
  private peerEnded = false;
  private closed = false;
  /** A reset closed this connection: replies still queued (a latency fault) belong to before it. */
  private discardReplies = false;
  private markClosed: () => void = () => undefined;
  /** Settles once the socket is fully closed. */
  private readonly gone = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });

  constructor(options: SessionOptions) {
    this.options = options;
    this.conn = options.conn;
    this.socket = options.socket;
    this.framer = options.framer;
    this.transcript = options.transcript;
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('end', () => this.onPeerEnd());
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.closed) this.transcript.event('connection', `connection ${this.conn}: ${err.code ?? err.message}`, this.conn);
    });
    this.socket.on('close', () => this.onSocketClosed());
  }

  isOpen(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  reply(output: ReplyOutput): void {
    if (this.pendingDeliveries === 0 && !mustWait(output)) {
      this.deliverNow(output);
      this.maybeFinishHalfClose();
      return;
    }
    this.enqueue(() => this.deliver(output));
  }

  /** The machine refuses this connection (refuse fault) or closes it. */
  close(how: 'disconnect' | 'reset'): void {
    this.readingStopped = true;
    this.hangUp(how);
  }

  /**
   * A reset ends this connection: nothing more is read, replies still queued are dropped
   * unrecorded (the transcript now belongs to what comes after the reset), and the socket closes.
   * Settles when the client has closed its side too (so it knows before its next command), or
   * when the socket is destroyed because it did not within RESET_GRACE_MS.
   */
  closeForReset(): Promise<void> {
    this.discardReplies = true;
    this.cancelSleeps();
    this.close('disconnect');
    // hangUp's idle timeout restarts with every byte a client keeps sending: a reset must end.
    const cutOff = setTimeout(() => this.socket.destroy(), RESET_GRACE_MS);
    void this.gone.then(() => clearTimeout(cutOff));
    return this.gone;
  }

  /** Simulator shutdown. */
  destroy(): void {
    this.readingStopped = true;
    this.cancelSleeps();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.readingStopped) return;
    this.handleItems(this.framer.push(chunk));
    this.armIdleFlush();
  }

  private armIdleFlush(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.readingStopped || this.framer.pending() === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (!this.readingStopped) this.handleItems(this.framer.flush());
      this.maybeFinishHalfClose();
    }, this.options.idleFlushMs);
  }

  private handleItems(items: FramerItem[]): void {
    for (const item of items) {
      if (this.readingStopped) return;
      if (item.type === 'frame') {
        this.transcript.frame('in', this.conn, item.frame);
        this.options.onFrame(this.conn, item.frame);
      } else if (item.reason === 'too-long') {
        // protocol.md §2 / issue 2: answer BAD_DATA and close, so memory stays bounded.
        this.readingStopped = true;
        this.transcript.event(
          'connection',
          `frame longer than ${this.options.maxFrameBytes} bytes (starts ${preview(item.raw)}): answering ${BAD_DATA} and closing connection ${this.conn}`,
          this.conn,
        );
        this.enqueue(async () => {
          if (!this.isOpen()) return;
          this.write(BAD_DATA);
          this.transcript.frame('out', this.conn, BAD_DATA);
          this.hangUp('disconnect');
        });
      } else {
        this.transcript.frame('in', this.conn, item.raw);
        this.reply({ type: 'reply', conn: this.conn, command: '', frame: BAD_DATA });
      }
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.pendingDeliveries++;
    this.chain = this.chain
      .then(task)
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.transcript.event('connection', `connection ${this.conn}: write failed: ${message}`, this.conn);
      })
      .finally(() => {
        this.pendingDeliveries--;
        this.maybeFinishHalfClose();
      });
  }

  /**
   * A reply that needs no waiting goes out synchronously when nothing is queued, so the
   * transcript shows each command followed by its reply even for pipelined frames.
   */
  private async deliver(output: ReplyOutput): Promise<void> {
    const delivery = output.delivery;
    const fault = delivery?.faults[0];
    if (delivery?.delayMs !== undefined && delivery.delayMs > 0) await this.sleep(delivery.delayMs);
    if (this.discardReplies) return;
    if (!this.isOpen()) return this.deliverNow(output);
    const text = delivery?.replaceWith ?? output.frame;
    const cut = cutPoint(delivery, text);
    if (cut > 0 && (delivery?.drop === 'disconnect' || delivery?.drop === 'reset')) {
      this.write(text.slice(0, cut));
      this.transcript.frame('out', this.conn, text.slice(0, cut), fault);
      // Let the partial reply leave before the connection goes away (an RST discards unsent bytes).
      await this.sleep(this.options.splitPauseMs);
      this.recordCut(output, delivery.drop, cut);
      this.readingStopped = true;
      this.hangUp(delivery.drop);
      return;
    }
    const offsets = splitOffsets(delivery, text);
    if (offsets.length === 0 || delivery?.drop !== undefined) return this.deliverNow(output);
    let start = 0;
    for (const end of [...offsets, text.length]) {
      if (start > 0) {
        await this.sleep(this.options.splitPauseMs);
        if (this.discardReplies) return;
        if (!this.isOpen()) {
          this.transcript.event('connection', `connection ${this.conn} closed after ${start} bytes of the split reply to #${output.command}#`, this.conn, fault);
          return;
        }
      }
      this.write(text.slice(start, end));
      start = end;
    }
    this.transcript.frame('out', this.conn, text, fault);
  }

  private deliverNow(output: ReplyOutput): void {
    if (this.discardReplies) return;
    const delivery = output.delivery;
    const fault = delivery?.faults[0];
    if (!this.isOpen()) {
      this.transcript.event('connection', `reply ${output.frame} to #${output.command}# not sent: connection ${this.conn} is closed`, this.conn);
      return;
    }
    const text = delivery?.replaceWith ?? output.frame;
    if (delivery?.drop === 'silence') {
      this.transcript.event('fault', `reply ${output.frame} to #${output.command}# withheld (silence)`, this.conn, fault);
      return;
    }
    if (delivery?.drop === 'disconnect' || delivery?.drop === 'reset') {
      this.recordCut(output, delivery.drop, 0);
      this.readingStopped = true;
      this.hangUp(delivery.drop);
      return;
    }
    this.write(text);
    this.transcript.frame('out', this.conn, text, fault);
  }

  private recordCut(output: ReplyOutput, drop: 'disconnect' | 'reset', cut: number): void {
    const how = drop === 'reset' ? 'reset (RST)' : 'closed (FIN)';
    this.transcript.event(
      'fault',
      `connection ${this.conn} ${how} ${cut > 0 ? `after ${cut} bytes of` : 'instead of'} the reply to #${output.command}#`,
      this.conn,
      output.delivery?.faults[0],
    );
  }

  private write(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'));
  }

  private hangUp(how: 'disconnect' | 'reset'): void {
    if (this.socket.destroyed) return;
    if (how === 'reset') {
      this.socket.resetAndDestroy();
    } else {
      this.socket.end();
      // A peer that never closes its side must not keep the socket (and the process) alive.
      this.socket.setTimeout(1000, () => this.socket.destroy());
    }
  }

  private onPeerEnd(): void {
    this.peerEnded = true;
    if (!this.readingStopped) this.handleItems(this.framer.flush());
    this.readingStopped = true;
    this.maybeFinishHalfClose();
  }

  /**
   * The client's FIN ends the session the way the real connector's Winsock Close event does
   * ("Response delayed!", protocol.md §2.9): replies already produced still go out, a blocking
   * operation's later reply is dropped (the machine finishes it; no money is lost).
   */
  private maybeFinishHalfClose(): void {
    if (!this.peerEnded || this.closed) return;
    if (this.pendingDeliveries > 0) return;
    if (!this.socket.destroyed) this.socket.end();
  }

  private onSocketClosed(): void {
    this.markClosed();
    if (this.closed) return;
    this.closed = true;
    this.readingStopped = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.cancelSleeps();
    this.options.onClosed(this.conn);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
      };
      this.sleeps.add(entry);
    });
  }

  private cancelSleeps(): void {
    for (const entry of this.sleeps) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.sleeps.clear();
  }
}

function cutPoint(delivery: Delivery | undefined, text: string): number {
  if (delivery?.drop !== 'disconnect' && delivery?.drop !== 'reset') return 0;
  return Math.max(0, Math.min(text.length, Math.floor(delivery.dropAfterBytes ?? 0)));
}

function splitOffsets(delivery: Delivery | undefined, text: string): number[] {
  const cuts = (delivery?.splitAt ?? []).filter((n) => Number.isInteger(n) && n > 0 && n < text.length);
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** Whether delivering this reply involves waiting (latency, split, a partial reply before a cut). */
function mustWait(output: ReplyOutput): boolean {
  const delivery = output.delivery;
  if (delivery === undefined) return false;
  const text = delivery.replaceWith ?? output.frame;
  if (delivery.delayMs !== undefined && delivery.delayMs > 0) return true;
  if (cutPoint(delivery, text) > 0) return true;
  return delivery.drop === undefined && splitOffsets(delivery, text).length > 0;
}

function preview(raw: string): string {
  const head = raw.slice(0, 24);
  return JSON.stringify(head + (raw.length > head.length ? '…' : ''));
}

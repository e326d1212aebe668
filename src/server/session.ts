/**
 * One TCP connection: bytes in → frames (the framer) → machine inputs; machine replies →
 * bytes out, strictly in the order the machine produced them. Both directions pass through the
 * link's fault chain (src/faults/chain.ts): frames going to the machine are counted for the
 * triggers, and each reply going to the POS may be shaped by the transport faults that fire on
 * it (latency, split, corrupt, stale reply, silence, disconnect, reset).
 *
 * Bare frames have no terminator (protocol.md §2.4), so a frame that is only complete at a
 * shorter valid parameter count (`#B#0#`, the ten-parameter `#C#`) is released by
 * `framer.flush()` after a short quiet gap.
 *
 * Bounded under abuse, as any Node server does it with TCP backpressure: while the socket's
 * unsent output is above OUTPUT_HIGH_WATER_BYTES, or more than MAX_PENDING_REPLIES replies wait
 * in the delivery queue (a latency fault), the session stops reading the connection and stops
 * handing frames to the machine; it resumes on 'drain' or when the queue empties. A client that
 * pipelines commands and never reads its replies therefore costs one read chunk of parsed
 * frames and about one high-water mark of replies; the kernel's buffers and then the client's
 * own send buffer hold the rest. Other connections are not affected.
 *
 * A run of bytes that are no frame is answered as before (one `#ER:BAD_DATA#` per garbage item)
 * but recorded as one `in` entry with a byte count and a capped excerpt, and its replies as one
 * `out` entry, so that a flood of garbage cannot flood the transcript.
 */
import type { Socket } from 'node:net';
import type { TranscriptLog } from './transcript-log.js';
import type { FaultChain } from '../faults/chain.js';
import type { Delivery } from '../faults/engine-types.js';
import type { ConnectionSink, ReplyOutput } from './machine-host.js';
import { BAD_DATA_REPLY as BAD_DATA } from '../protocol/codec.js';
import type { Framer, FramerItem } from '../protocol/framer.js';
import { garbageEntryText, MAX_GARBAGE_RUN } from '../protocol/garbage.js';
import type { RequestEnd } from '../machine/api.js';
import { Sleeps } from './sleeps.js';
import { deliverLater, deliverNow, type DeliveryTarget, type OutgoingReply } from '../faults/carry-out.js';
import { deliveryWaits } from '../faults/delivery.js';

/** The framer contract, re-exported so the simulator and its test fakes need only this module. */
export type { Framer, FramerItem };

/** How long a reset waits for a client to close its side before the socket is destroyed. */
const RESET_GRACE_MS = 1000;
/** Unsent reply bytes a connection may hold before the session stops reading it. */
export const OUTPUT_HIGH_WATER_BYTES = 64 * 1024;
/** Replies waiting in a connection's delivery queue (latency, split) before the session stops reading it. */
export const MAX_PENDING_REPLIES = 256;
/**
 * Items handed on per event-loop turn: a 64 KiB read of pipelined `#T#` is 21 000 commands, and
 * handling them in one go would make every other client wait for it.
 */
export const MAX_ITEMS_PER_TURN = 64;
export { GARBAGE_EXCERPT_CHARS } from '../protocol/garbage.js';

/** What a connection holds right now: the figures the backpressure bounds. */
export interface SessionLoad {
  conn: number;
  /** Reply bytes written to the socket and not yet sent (Node's socket.writableLength). */
  queuedBytes: number;
  /** Replies waiting in the delivery queue (a latency or split fault holds them). */
  pendingReplies: number;
  /** Parsed items not yet handed to the machine (at most one read chunk's worth). */
  unhandledItems: number;
  /** Whether reading is paused by backpressure right now. */
  paused: boolean;
  /** How many times backpressure paused this connection. */
  pauses: number;
}

export interface SessionOptions {
  conn: number;
  socket: Socket;
  framer: Framer;
  transcript: TranscriptLog;
  maxFrameBytes: number;
  /** Quiet gap (wall ms) after which a pending bare frame is flushed. */
  idleFlushMs: number;
  /** `arrival`: a frame that came whole in one read at a shorter accepted form (`#?#`) ends with that read; `quiet`: only the quiet gap ends it. */
  requestEnd: RequestEnd;
  /** Pause (wall ms) between the pieces of a split reply, so they arrive as separate reads. */
  splitPauseMs: number;
  /** The link's transport faults, shared by every connection. */
  chain: FaultChain;
  /** Wall clock in ms: the time base of transport faults. */
  wallNow(): number;
  onFrame(conn: number, frame: string): void;
  /** Bytes that are no frame, as the transcript records them (garbage.ts); the session answers them itself. */
  onGarbage?(conn: number, text: string): void;
  onClosed(conn: number): void;
}

/** A reply on its way out; `label` is what the transcript records instead of the bytes (a garbage run's replies). */
type Outgoing = ReplyOutput & { label?: string };

function outgoing(output: Outgoing, delivery: Delivery | undefined): OutgoingReply {
  return { command: output.command, frame: output.frame, shown: output.label ?? output.frame, text: delivery?.replaceWith ?? output.frame, offset: 0 };
}

/**
 * What an idle connection keeps is most of what a thousand of them cost (docs/bench.md, Where
 * the memory goes): so the socket's listeners are shared functions that find their session
 * through this key, not five closures per connection, and the delivery queue, the waits and the
 * "closed" promise are created only when a connection first needs them.
 */
const SESSION = Symbol('session');
type SessionSocket = Socket & { [SESSION]?: Session };
const NO_ITEMS: FramerItem[] = [];

function sessionOf(socket: Socket): Session | undefined {
  return (socket as SessionSocket)[SESSION];
}
function onSocketData(this: Socket, chunk: Buffer): void {
  sessionOf(this)?.onData(chunk);
}
function onSocketDrain(this: Socket): void {
  sessionOf(this)?.onDrain();
}
function onSocketEnd(this: Socket): void {
  sessionOf(this)?.onPeerEnd();
}
function onSocketError(this: Socket, err: NodeJS.ErrnoException): void {
  sessionOf(this)?.onSocketError(err);
}
function onSocketClose(this: Socket): void {
  sessionOf(this)?.onSocketClosed();
}

export class Session implements ConnectionSink, DeliveryTarget {
  readonly conn: number;
  private readonly socket: Socket;
  private readonly framer: Framer;
  private readonly transcript: TranscriptLog;
  private readonly options: SessionOptions;
  /** Serialises deliveries: a delayed reply holds back the ones after it (created by the first one that waits). */
  private queue: Promise<void> | undefined;
  private pendingDeliveries = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Created by the first wait (a latency fault, a split reply). */
  private sleeps: Sleeps | undefined;
  /** Parsed items waiting to be handed on, from inboxPos; held while backpressure pauses the connection. */
  private inbox: FramerItem[] = NO_ITEMS;
  private inboxPos = 0;
  private paused = false;
  private pauses = 0;
  /** A later turn will continue the inbox (the fairness yield). */
  private turnScheduled = false;
  /** No more input is read: we closed, or are closing after a fatal frame. */
  private readingStopped = false;
  private peerEnded = false;
  private closed = false;
  /** A reset closed this connection: replies still queued (a latency fault) belong to before it. */
  private discardReplies = false;
  /** Settles once the socket is fully closed; created by a reset that waits for it. */
  private gone: Promise<void> | undefined;
  private markClosed: (() => void) | undefined;
  private socketClosed = false;

  constructor(options: SessionOptions) {
    this.options = options;
    this.conn = options.conn;
    this.socket = options.socket;
    this.framer = options.framer;
    this.transcript = options.transcript;
    this.socket.setNoDelay(true);
    (this.socket as SessionSocket)[SESSION] = this;
    this.socket.on('data', onSocketData);
    this.socket.on('drain', onSocketDrain);
    this.socket.on('end', onSocketEnd);
    this.socket.on('error', onSocketError);
    this.socket.on('close', onSocketClose);
  }

  /** What this connection holds right now (bounded by backpressure). */
  load(): SessionLoad {
    return {
      conn: this.conn,
      queuedBytes: this.socket.writableLength,
      pendingReplies: this.pendingDeliveries,
      unhandledItems: this.inbox.length - this.inboxPos,
      paused: this.paused,
      pauses: this.pauses,
    };
  }

  isOpen(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  /** A reply from the machine, on its way to the POS through the fault chain. */
  reply(output: ReplyOutput): void {
    if (this.discardReplies || !this.isOpen()) return this.send(output, undefined);
    const shaped = this.options.chain.reply(this.conn, output.command, output.frame, this.options.wallNow());
    for (const f of shaped.fired) this.transcript.event('fault', f.sentence, this.conn, f.id);
    this.send(output, shaped.delivery);
  }

  private send(output: Outgoing, delivery: Delivery | undefined): void {
    if (this.pendingDeliveries === 0 && !deliveryWaits(delivery, delivery?.replaceWith ?? output.frame)) {
      this.deliverNow(output, delivery);
      this.maybeFinishHalfClose();
      return;
    }
    this.enqueue(() => this.deliver(output, delivery));
  }

  /** The chain refuses this connection (refuse fault), or the machine closes it (reset). */
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
    this.sleeps?.cancelAll();
    const gone = this.whenClosed();
    this.close('disconnect');
    // hangUp's idle timeout restarts with every byte a client keeps sending: a reset must end.
    const cutOff = setTimeout(() => this.socket.destroy(), RESET_GRACE_MS);
    void gone.then(() => clearTimeout(cutOff));
    return gone;
  }

  /** Simulator shutdown. */
  destroy(): void {
    this.readingStopped = true;
    this.sleeps?.cancelAll();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** Settles once the socket is fully closed. */
  private whenClosed(): Promise<void> {
    if (this.socketClosed) return Promise.resolve();
    this.gone ??= new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    return this.gone;
  }


  /** @internal The socket's 'drain'. */
  onDrain(): void {
    this.pump();
  }

  /** @internal The socket's 'error'. */
  onSocketError(err: NodeJS.ErrnoException): void {
    if (!this.closed) this.transcript.event('connection', `connection ${this.conn}: ${err.code ?? err.message}`, this.conn);
  }

  /** @internal The socket's 'data'. */
  onData(chunk: Buffer): void {
    if (this.readingStopped) return;
    // A frame that came whole in this one read ends with it, as the connector acts on each
    // arrival (docs/protocol-choices.md, Framing): no quiet gap after `#?#`. One that came in
    // pieces is still given the quiet gap to be read whole.
    const wholeInThisRead = this.options.requestEnd === 'arrival' && this.framer.pending() === 0;
    this.take(this.framer.push(chunk));
    if (wholeInThisRead && this.framer.pending() > 0 && !this.readingStopped) this.take(this.framer.settle());
    this.armIdleFlush();
  }

  private take(items: FramerItem[]): void {
    if (this.inboxPos >= this.inbox.length) {
      this.inbox = items;
      this.inboxPos = 0;
    } else {
      for (const item of items) this.inbox.push(item);
    }
    this.pump();
  }

  /** Whether the connection holds as much as it may: stop handing frames on until it drains. */
  private saturated(): boolean {
    return this.socket.writableLength > OUTPUT_HIGH_WATER_BYTES || this.pendingDeliveries > MAX_PENDING_REPLIES;
  }

  /** Hands parsed items on while the connection is not saturated; pauses reading when it is. */
  private pump(): void {
    if (this.turnScheduled) return;
    // Several frames in one read (a pipelining POS): their replies leave in one write (writev),
    // not one system call each. A single frame is written as is: corking one write costs more
    // than it saves (a third of the throughput with 100 clients asking one frame at a time).
    if (this.inbox.length - this.inboxPos < 2) return this.pumpTurn();
    this.socket.cork();
    try {
      this.pumpTurn();
    } finally {
      this.socket.uncork();
    }
  }

  private pumpTurn(): void {
    let handled = 0;
    while (this.inboxPos < this.inbox.length && !this.readingStopped) {
      if (this.saturated()) {
        if (!this.paused) {
          this.paused = true;
          this.pauses++;
          this.socket.pause();
        }
        return;
      }
      if (handled >= MAX_ITEMS_PER_TURN) {
        // Let other connections and the control API have the event loop; read no more meanwhile.
        this.turnScheduled = true;
        if (!this.socket.isPaused()) this.socket.pause();
        setImmediate(() => {
          this.turnScheduled = false;
          this.pump();
        });
        return;
      }
      handled++;
      const item = this.inbox[this.inboxPos] as FramerItem;
      if (item.type === 'error' && item.reason === 'garbage') {
        let end = this.inboxPos + 1;
        while (end < this.inbox.length && end - this.inboxPos < MAX_GARBAGE_RUN && isGarbage(this.inbox[end] as FramerItem)) end++;
        const run = this.inbox.slice(this.inboxPos, end) as { raw: string }[];
        this.inboxPos = end;
        this.handleGarbage(run.map((g) => g.raw));
      } else {
        this.inboxPos++;
        this.handleItem(item);
      }
    }
    this.inbox = NO_ITEMS;
    this.inboxPos = 0;
    if (this.paused && !this.saturated()) this.paused = false;
    if (!this.paused && !this.readingStopped && this.socket.isPaused()) this.socket.resume();
    this.maybeFinishHalfClose();
  }

  /**
   * Bytes that are no frame: one `#ER:BAD_DATA#` each on the wire (protocol-choices.md,
   * Framing), one `in` and one `out` entry for the whole run in the transcript.
   */
  private handleGarbage(raws: string[]): void {
    const text = garbageEntryText(raws);
    this.transcript.frame('in', this.conn, text);
    this.options.onGarbage?.(this.conn, text);
    // The session's own answer to bytes that are no frame: the machine never saw a command.
    if (raws.length === 1) {
      this.send({ type: 'reply', conn: this.conn, command: '', frame: BAD_DATA }, undefined);
      return;
    }
    const replies = BAD_DATA.repeat(raws.length);
    const label = raws.length === 1 ? BAD_DATA : `${BAD_DATA} ×${raws.length}`;
    this.send({ type: 'reply', conn: this.conn, command: '', frame: replies, label }, undefined);
  }

  private armIdleFlush(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.readingStopped || this.framer.pending() === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      // Not a quiet peer: we stopped reading (backpressure, fairness); the rest of the frame is unread.
      if (this.paused || this.turnScheduled || this.socket.isPaused()) return this.armIdleFlush();
      if (!this.readingStopped) this.take(this.framer.flush());
      this.maybeFinishHalfClose();
    }, this.options.idleFlushMs);
  }

  private handleItem(item: FramerItem): void {
    if (this.readingStopped) return;
    if (item.type === 'frame') {
      this.transcript.frame('in', this.conn, item.frame);
      this.options.chain.command(this.conn, item.frame, this.options.wallNow());
      this.options.onFrame(this.conn, item.frame);
    } else if (item.reason === 'too-long') {
      // protocol.md §2: answer BAD_DATA and close, so memory stays bounded.
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
      this.handleGarbage([item.raw]);
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.pendingDeliveries++;
    this.queue = (this.queue ?? Promise.resolve())
      .then(task)
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.transcript.event('connection', `connection ${this.conn}: write failed: ${message}`, this.conn);
      })
      .finally(() => {
        // Nothing more queued: drop the chain, an idle connection keeps no promise.
        if (--this.pendingDeliveries === 0) this.queue = undefined;
        if (this.paused) this.pump();
        this.maybeFinishHalfClose();
      });
  }

  private deliver(output: Outgoing, delivery: Delivery | undefined): Promise<void> {
    return deliverLater(this, outgoing(output, delivery), delivery);
  }

  /**
   * A reply that needs no waiting goes out synchronously when nothing is queued, so the
   * transcript shows each command followed by its reply even for pipelined frames.
   */
  private deliverNow(output: Outgoing, delivery: Delivery | undefined): void {
    deliverNow(this, outgoing(output, delivery), delivery);
  }

  // ── DeliveryTarget (src/faults/carry-out.ts) ──────────────────────────────────────────

  /** @internal */
  get splitPauseMs(): number {
    return this.options.splitPauseMs;
  }

  /** @internal */
  wait(ms: number): Promise<void> {
    this.sleeps ??= new Sleeps();
    return this.sleeps.sleep(ms);
  }

  /** @internal */
  discarding(): boolean {
    return this.discardReplies;
  }

  /** @internal */
  writable(): boolean {
    return this.isOpen();
  }

  /** @internal */
  writeReply(text: string): void {
    this.write(text);
  }

  /** @internal */
  recordReply(text: string, fault: string | undefined): void {
    this.transcript.frame('out', this.conn, text, fault);
  }

  /** @internal */
  recordWritten(text: string, fault: string | undefined): void {
    this.transcript.frame('out', this.conn, text, fault);
  }

  /** @internal */
  recordEvent(kind: 'connection' | 'fault', text: string, fault?: string): void {
    this.transcript.event(kind, text, this.conn, fault);
  }

  /** @internal */
  cutByFault(how: 'disconnect' | 'reset'): void {
    this.readingStopped = true;
    this.hangUp(how);
  }

  private write(text: string): void {
    // Node encodes the string straight into the write request: no Buffer per reply.
    this.socket.write(text, 'latin1');
  }

  private hangUp(how: 'disconnect' | 'reset'): void {
    if (this.socket.destroyed) return;
    // Replies of this turn still corked go out first, as they would have unbatched.
    while (this.socket.writableCorked > 0) this.socket.uncork();
    if (how === 'reset') {
      this.socket.resetAndDestroy();
    } else {
      this.socket.end();
      // A peer that never closes its side must not keep the socket (and the process) alive.
      this.socket.setTimeout(1000, () => this.socket.destroy());
    }
  }

  /** @internal The socket's 'end'. */
  onPeerEnd(): void {
    this.peerEnded = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    // What was parsed but held by backpressure is still handed on, in order, before the close.
    if (!this.readingStopped) this.take(this.framer.flush());
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
    if (this.inboxPos < this.inbox.length && !this.readingStopped) return;
    if (!this.socket.destroyed) this.socket.end();
  }

  /** @internal The socket's 'close'. */
  onSocketClosed(): void {
    this.socketClosed = true;
    this.markClosed?.();
    if (this.closed) return;
    this.closed = true;
    this.readingStopped = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.sleeps?.cancelAll();
    this.options.onClosed(this.conn);
  }
}

function isGarbage(item: FramerItem): boolean {
  return item.type === 'error' && item.reason === 'garbage';
}

function preview(raw: string): string {
  const head = raw.slice(0, 24);
  return JSON.stringify(head + (raw.length > head.length ? '…' : ''));
}

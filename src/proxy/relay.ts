/**
 * One POS connection through the proxy: its own connection to the connector, bytes relayed
 * unchanged both ways, the traffic recorded as the simulator records it.
 *
 *   POS ──bytes──► write to the connector as they are ──► framer (src/protocol/framer.ts):
 *                  `in` entries, counted by the fault chain, awaited by the reply cutter
 *   POS ◄─bytes─── fault chain shapes each whole reply ◄── reply cutter ◄── connector
 *
 * The proxy never writes a byte of its own to the connector: it must not move money.
 * Toward the POS it writes only what the connector sent, unless an armed transport fault
 * withholds, delays, splits, replaces (corrupt, stale-reply) or cuts a reply, exactly where the
 * simulator's session would (src/server/session.ts; same chain, same triggers).
 *
 * Bounded both ways with TCP backpressure: the POS is not read while more than
 * OUTPUT_HIGH_WATER_BYTES wait to go to the connector, or more than MAX_WAITING_COMMANDS commands
 * wait for a reply; the connector is not read while more than OUTPUT_HIGH_WATER_BYTES wait to go
 * to the POS or MAX_PENDING_REPLIES replies wait in the delivery queue (a latency fault).
 *
 * The connector cannot be reached (down, refusing, no answer to the connect within
 * connectTimeoutMs): the POS's connection is reset (RST), the nearest an accepted socket can
 * come to the refused connect a POS sees when no connector runs; the transcript says why.
 */
import { connect, type Socket } from 'node:net';
import type { FaultChain } from '../faults/chain.js';
import type { Delivery } from '../faults/engine-types.js';
import { commandSpec } from '../protocol/commands.js';
import { createFramer, type Framer, type FramerItem } from '../protocol/framer.js';
import { garbageEntryText, MAX_GARBAGE_RUN } from '../protocol/garbage.js';
import type { TranscriptLog } from '../server/transcript-log.js';
import { createReplyCutter, type CutReply, type ReplyCutter, type WaitingCommand } from './reply-cutter.js';
import { Sleeps } from '../server/sleeps.js';
import { deliverLater, deliverNow, type DeliveryTarget, type OutgoingReply } from '../faults/carry-out.js';
import { deliveryWaits } from '../faults/delivery.js';

/** Unsent bytes either way before the other side stops being read. */
export const OUTPUT_HIGH_WATER_BYTES = 64 * 1024;
/** Replies waiting in the delivery queue (latency, split) before the connector stops being read. */
export const MAX_PENDING_REPLIES = 256;
/** Commands relayed and not answered yet before the POS stops being read. */
export const MAX_WAITING_COMMANDS = 1024;

import type { Upstream } from './upstream.js';

export interface RelayOptions {
  conn: number;
  pos: Socket;
  upstream: Upstream;
  transcript: TranscriptLog;
  chain: FaultChain;
  wallNow(): number;
  maxFrameBytes: number;
  /** Quiet gap after which a pending bare frame from the POS is taken as complete (as the simulator). */
  idleFlushMs: number;
  /** Quiet gap after which what the connector sent is one reply as it stands (short error replies). */
  replyIdleMs: number;
  splitPauseMs: number;
  connectTimeoutMs: number;
  onClosed(conn: number): void;
  /** Every whole reply as the connector sent it, before any fault shapes it (what the machine really did). */
  onReply?(conn: number, command: string, frame: string): void;
}

/** What one relayed connection holds right now (the figures the bounds apply to). */
export interface RelayLoad {
  conn: number;
  /** Bytes waiting to go to the connector. */
  toUpstreamBytes: number;
  /** Bytes waiting to go to the POS. */
  toPosBytes: number;
  pendingReplies: number;
  waitingCommands: number;
  /** Reply bytes the cutter holds. */
  heldReplyBytes: number;
  posPaused: boolean;
  upstreamPaused: boolean;
}

export interface RelayView {
  conn: number;
  pos: string;
  state: 'connecting' | 'open' | 'closing';
  /** Commands sent and not answered yet, oldest first. */
  waiting: { command: string; frame: string }[];
}

type Output = CutReply & { label?: string };

export class Relay implements DeliveryTarget {
  readonly conn: number;
  private readonly pos: Socket;
  private upstream: Socket | undefined;
  private readonly options: RelayOptions;
  private readonly transcript: TranscriptLog;
  private framer: Framer;
  private readonly cutter: ReplyCutter;
  private state: 'connecting' | 'open' | 'closing' = 'connecting';
  private queue: Promise<void> = Promise.resolve();
  private pendingDeliveries = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private replyTimer: NodeJS.Timeout | undefined;
  private readonly sleeps = new Sleeps();
  private closed = false;
  /** A fault cut the connection: replies still queued or arriving are not delivered. */
  private cut = false;
  private upstreamEnded = false;
  private posFailed = false;
  private readonly peer: string;
  /** Frames from the POS not recorded yet: they wait behind a command the connector answers at once. */
  private held: FramerItem[] = [];
  private heldPos = 0;

  constructor(options: RelayOptions) {
    this.options = options;
    this.conn = options.conn;
    this.pos = options.pos;
    this.transcript = options.transcript;
    this.framer = createFramer({ maxFrameBytes: options.maxFrameBytes });
    this.cutter = createReplyCutter();
    this.peer = `${options.pos.remoteAddress ?? '?'}:${options.pos.remotePort ?? '?'}`;
    // Nothing is read from the POS before the connector is there to take it.
    this.pos.pause();
    this.pos.setNoDelay(true);
    this.pos.on('data', (chunk: Buffer) => this.fromPos(chunk));
    this.pos.on('drain', () => this.balance());
    this.pos.on('end', () => this.posEnded());
    this.pos.on('error', (err: NodeJS.ErrnoException) => {
      this.posFailed = true;
      if (!this.closed) this.transcript.event('connection', `connection ${this.conn}: POS side ${err.code ?? err.message}`, this.conn);
    });
    this.pos.on('close', () => this.posClosed());
  }

  /** Opens the connection to the connector; the POS is read once it is open. */
  start(): void {
    const { host, port } = this.options.upstream;
    const up = connect({ host, port, allowHalfOpen: true });
    this.upstream = up;
    up.setNoDelay(true);
    const timer = setTimeout(() => {
      up.destroy(Object.assign(new Error(`no answer within ${this.options.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, this.options.connectTimeoutMs);
    up.once('connect', () => {
      clearTimeout(timer);
      if (this.closed) return void up.destroy();
      this.state = 'open';
      this.balance();
    });
    up.on('data', (chunk: Buffer) => this.fromUpstream(chunk));
    up.on('drain', () => this.balance());
    up.on('end', () => this.upstreamEnd());
    up.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      this.upstreamError(err);
    });
    up.on('close', () => {
      clearTimeout(timer);
      if (!this.closed && !this.pos.destroyed && this.state === 'open' && !this.upstreamEnded) this.closePos('disconnect');
    });
  }

  view(): RelayView {
    return {
      conn: this.conn,
      pos: this.peer,
      state: this.state,
      waiting: this.cutter.waiting().filter((w) => w.code !== '').map((w) => ({ command: w.code, frame: w.frame })),
    };
  }

  waitingCommands(): readonly WaitingCommand[] {
    return this.cutter.waiting();
  }

  load(): RelayLoad {
    return {
      conn: this.conn,
      toUpstreamBytes: this.upstream?.writableLength ?? 0,
      toPosBytes: this.pos.writableLength,
      pendingReplies: this.pendingDeliveries,
      waitingCommands: this.cutter.waiting().length,
      heldReplyBytes: this.cutter.pending(),
      posPaused: this.pos.isPaused(),
      upstreamPaused: this.upstream?.isPaused() ?? false,
    };
  }

  /** Close both sides (FIN), as a reset of the proxy between items does. Settles once the POS side is gone. */
  closeGracefully(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.pos.once('close', () => resolve()));
    this.cut = true;
    this.sleeps.cancelAll();
    this.closePos('disconnect');
    this.upstream?.end();
    const cutOff = setTimeout(() => this.destroy(), 1000);
    void gone.then(() => clearTimeout(cutOff));
    return gone;
  }

  /** Refused by a fault before anything was relayed: the POS sees its connection closed at once. */
  refuse(): void {
    this.state = 'closing';
    this.closePos('disconnect');
  }

  destroy(): void {
    this.sleeps.cancelAll();
    this.clearTimers();
    this.upstream?.destroy();
    if (!this.pos.destroyed) this.pos.destroy();
  }

  // ── POS → connector ───────────────────────────────────────────────────────────

  private fromPos(chunk: Buffer): void {
    if (this.closed || this.cut || this.state !== 'open' || !this.upstream) return;
    // Relayed first and unchanged: what the transcript makes of the bytes never delays them.
    this.upstream.write(chunk);
    this.record(this.framer.push(chunk));
    this.armIdleFlush();
    this.balance();
  }

  /**
   * Frames are recorded (and counted by the chain, and awaited by the cutter) in the order the
   * connector handles them: a frame pipelined behind a command that answers at once waits for
   * that answer, as in the simulator's transcript, so that `nth` triggers count the same.
   */
  private record(items: FramerItem[]): void {
    for (const item of items) this.held.push(item);
    this.drainHeld();
  }

  private drainHeld(): void {
    while (this.heldPos < this.held.length) {
      const last = this.cutter.waiting().at(-1);
      if (last !== undefined && last.optional !== true && commandSpec(last.code)?.blocking !== true) break;
      const item = this.held[this.heldPos] as FramerItem;
      if (item.type === 'frame') {
        this.heldPos++;
        this.transcript.frame('in', this.conn, item.frame);
        this.options.chain.command(this.conn, item.frame, this.options.wallNow());
        this.cutter.sent(item.frame);
      } else if (item.reason === 'too-long') {
        this.heldPos++;
        // The connector judges what it gets; the transcript resynchronises on the next frame.
        this.transcript.event('connection', `frame longer than ${this.options.maxFrameBytes} bytes (starts ${JSON.stringify(item.raw.slice(0, 24))}) relayed to the connector as it is`, this.conn);
        this.framer = createFramer({ maxFrameBytes: this.options.maxFrameBytes });
        this.cutter.sentGarbage();
      } else {
        // A run of garbage is one entry, as the simulator records it; the connector answers each piece.
        const run: string[] = [];
        while (this.heldPos < this.held.length && run.length < MAX_GARBAGE_RUN) {
          const next = this.held[this.heldPos] as FramerItem;
          if (next.type !== 'error' || next.reason !== 'garbage') break;
          run.push(next.raw);
          this.heldPos++;
          this.cutter.sentGarbage();
        }
        this.recordGarbage(run);
      }
    }
    if (this.heldPos >= this.held.length) {
      this.held = [];
      this.heldPos = 0;
    }
  }

  /** The connection ends: frames still held are recorded as they came. */
  private releaseHeld(): void {
    while (this.heldPos < this.held.length) {
      const item = this.held[this.heldPos++] as FramerItem;
      if (item.type === 'frame') this.transcript.frame('in', this.conn, item.frame);
      else this.recordGarbage([item.raw]);
    }
    this.held = [];
    this.heldPos = 0;
  }

  /** Bytes that are no frame: one `in` entry per run, as the simulator records them. */
  private recordGarbage(raws: string[]): void {
    this.transcript.frame('in', this.conn, garbageEntryText(raws));
  }

  private armIdleFlush(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.framer.pending() === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.record(this.framer.flush());
    }, this.options.idleFlushMs);
  }

  private posEnded(): void {
    this.flushFramer();
    this.transcript.event('connection', `connection ${this.conn}: the POS closed its side`, this.conn);
    // The connector sees the POS leave as it would without the proxy.
    this.upstream?.end();
    this.finishIfDone();
  }

  private flushFramer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.framer.pending() > 0) this.record(this.framer.flush());
  }

  private posClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'closing';
    this.sleeps.cancelAll();
    this.clearTimers();
    this.releaseHeld();
    // A POS that vanished (RST) or left bytes unsent: the connector must not keep a half-dead
    // connection whose FIN would queue behind bytes it is not reading.
    if (this.upstream && !this.upstream.destroyed && (this.posFailed || this.upstream.writableLength > 0)) this.upstream.resetAndDestroy();
    else this.upstream?.destroy();
    this.options.onClosed(this.conn);
  }

  // ── connector → POS ───────────────────────────────────────────────────────────

  private fromUpstream(chunk: Buffer): void {
    if (this.closed) return;
    // The connector answered: a bare frame the POS sent before is complete, and comes first.
    this.flushFramer();
    this.takeReplies(this.cutter.push(chunk.toString('latin1')));
    this.armReplyIdle();
    this.balance();
  }

  private armReplyIdle(): void {
    if (this.replyTimer !== undefined) clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    if (this.cutter.pending() === 0) return;
    this.replyTimer = setTimeout(() => {
      this.replyTimer = undefined;
      this.takeReplies(this.cutter.flush());
      this.finishIfDone();
    }, this.options.replyIdleMs);
  }

  /** Each reply goes out, then the frames it held back are recorded and the rest of the bytes cut again. */
  private takeReplies(replies: CutReply[]): void {
    while (replies.length > 0) {
      for (const reply of replies) {
        this.reply(reply);
        this.drainHeld();
      }
      replies = this.cutter.push('');
    }
  }

  private reply(output: Output): void {
    // Reported even when the POS will not get it: the machine did what the reply says.
    if (output.frame.startsWith('#')) this.options.onReply?.(this.conn, output.command, output.frame);
    if (this.cut || this.closed) {
      this.transcript.event('connection', `reply ${output.frame} from the connector not sent: connection ${this.conn} is closed`, this.conn);
      return;
    }
    if (!output.frame.startsWith('#')) {
      // Not a reply: no fault applies to it, it goes on as it came.
      this.send(output, undefined);
      return;
    }
    const shaped = this.options.chain.reply(this.conn, output.command, output.frame, this.options.wallNow());
    for (const f of shaped.fired) this.transcript.event('fault', f.sentence, this.conn, f.id);
    this.send(output, shaped.delivery);
  }

  private send(output: Output, delivery: Delivery | undefined): void {
    if (this.pendingDeliveries === 0 && !mustWait(output, delivery)) return this.deliverNow(output, delivery);
    this.pendingDeliveries++;
    this.queue = this.queue
      .then(() => this.deliver(output, delivery))
      .catch((err: unknown) => {
        this.transcript.event('connection', `connection ${this.conn}: write to the POS failed: ${err instanceof Error ? err.message : String(err)}`, this.conn);
      })
      .finally(() => {
        this.pendingDeliveries--;
        this.balance();
        this.finishIfDone();
      });
  }

  private deliver(output: Output, delivery: Delivery | undefined): Promise<void> {
    return deliverLater(this, outgoingReply(output, delivery), delivery);
  }

  private deliverNow(output: Output, delivery: Delivery | undefined): void {
    deliverNow(this, outgoingReply(output, delivery), delivery);
  }

  // ── DeliveryTarget (src/faults/carry-out.ts) ──────────────────────────────────────────

  /** @internal */
  get splitPauseMs(): number {
    return this.options.splitPauseMs;
  }

  /** @internal */
  wait(ms: number): Promise<void> {
    return this.sleeps.sleep(ms);
  }

  /** @internal */
  discarding(): boolean {
    return this.cut;
  }

  /** @internal */
  writable(): boolean {
    return this.posOpen();
  }

  /** @internal */
  writeReply(text: string): void {
    this.pos.write(Buffer.from(text, 'latin1'));
  }

  /** @internal */
  recordReply(text: string, fault: string | undefined): void {
    this.transcript.frame('out', this.conn, text, fault);
  }

  /** @internal The relayed bytes may carry the connector's line end: the transcript shows the frame. */
  recordWritten(text: string, fault: string | undefined): void {
    this.transcript.frame('out', this.conn, text.trim(), fault);
  }

  /** @internal */
  recordEvent(kind: 'connection' | 'fault', text: string, fault?: string): void {
    this.transcript.event(kind, text, this.conn, fault);
  }

  /** @internal */
  cutByFault(how: 'disconnect' | 'reset'): void {
    this.hangUpByFault(how);
  }

  /** A fault ends the connection: the POS sees it cut, the connector sees the POS leave. */
  private hangUpByFault(how: 'disconnect' | 'reset'): void {
    this.cut = true;
    this.closePos(how);
    this.upstream?.end();
  }

  private upstreamEnd(): void {
    this.upstreamEnded = true;
    this.takeReplies(this.cutter.flush());
    this.releaseHeld();
    if (!this.cut && !this.closed) this.transcript.event('connection', `connection ${this.conn}: the connector closed the connection`, this.conn);
    this.finishIfDone();
  }

  private upstreamError(err: NodeJS.ErrnoException): void {
    if (this.closed || this.cut) return;
    const { host, port } = this.options.upstream;
    const code = err.code ?? err.message;
    if (this.state === 'connecting') {
      const why = code === 'ECONNREFUSED' ? 'refused the connection (is CashlogyConnector running?)' : code === 'ETIMEDOUT' ? `did not answer: ${err.message}` : `cannot be reached (${code})`;
      this.transcript.event('connection', `connection ${this.conn}: the connector at ${host}:${port} ${why}; resetting the POS connection as a dead connector would`, this.conn);
    } else {
      this.transcript.event('connection', `connection ${this.conn}: the connector connection failed (${code}); resetting the POS connection`, this.conn);
    }
    this.state = 'closing';
    this.cut = true;
    this.closePos('reset');
  }

  /** Once the connector closed and every reply went out, the POS's connection closes too. */
  private finishIfDone(): void {
    if (!this.upstreamEnded || this.closed || this.pendingDeliveries > 0 || this.cutter.pending() > 0) return;
    this.closePos('disconnect');
  }

  // ── both ──────────────────────────────────────────────────────────────────────

  /** Reads whichever side may be read: the bounds of the module comment. */
  private balance(): void {
    if (this.closed) return;
    const up = this.upstream;
    const posMayRead = this.state === 'open' && up !== undefined && up.writableLength <= OUTPUT_HIGH_WATER_BYTES && this.cutter.waiting().length + this.held.length - this.heldPos <= MAX_WAITING_COMMANDS;
    if (posMayRead && this.pos.isPaused()) this.pos.resume();
    else if (!posMayRead && !this.pos.isPaused()) this.pos.pause();
    if (up === undefined || this.state !== 'open') return;
    const upMayRead = this.pos.writableLength <= OUTPUT_HIGH_WATER_BYTES && this.pendingDeliveries <= MAX_PENDING_REPLIES;
    if (upMayRead && up.isPaused()) up.resume();
    else if (!upMayRead && !up.isPaused()) up.pause();
  }

  private posOpen(): boolean {
    return !this.closed && !this.pos.destroyed && this.pos.writable;
  }

  private closePos(how: 'disconnect' | 'reset'): void {
    if (this.pos.destroyed) return;
    if (how === 'reset') {
      this.pos.resetAndDestroy();
      return;
    }
    this.pos.end();
    // A POS that never closes its side must not keep the socket (and the proxy) alive.
    this.pos.setTimeout(1000, () => this.pos.destroy());
  }

  private clearTimers(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.replyTimer !== undefined) clearTimeout(this.replyTimer);
    this.idleTimer = undefined;
    this.replyTimer = undefined;
  }
}

/** The bytes a reply goes out as, and where its frame starts in them (leading whitespace). */
function outgoing(output: Output, delivery: Delivery | undefined): { text: string; offset: number } {
  if (delivery?.replaceWith !== undefined) return { text: delivery.replaceWith, offset: 0 };
  return { text: output.raw, offset: output.raw.indexOf(output.frame) };
}

function outgoingReply(output: Output, delivery: Delivery | undefined): OutgoingReply {
  return { command: output.command, frame: output.frame, shown: output.label ?? output.frame, ...outgoing(output, delivery) };
}

function mustWait(output: Output, delivery: Delivery | undefined): boolean {
  if (delivery === undefined) return false;
  const { text, offset } = outgoing(output, delivery);
  return deliveryWaits(delivery, text, offset);
}

/**
 * The replay connector (adapter): a TCP server on the protocol port that answers a POS exactly
 * as a recorded connector did, and says where the POS parts from the recording.
 *
 * Bytes become frames with the simulator's own connection layer (src/server/session.ts: the
 * same framer, idle flush, `#ER:BAD_DATA#` for bytes that are no frame, backpressure bounds),
 * and the transcript is the simulator's (src/server/transcript-log.ts: same format, bounded,
 * spills to disk), so every report renders a replay like a run. No fault is armed: the
 * recorded faults are in the recording already (a late reply is late, a cut connection is cut).
 *
 * What the POS sends is judged by the pure matcher (matcher.ts); this file only moves bytes and
 * runs one timer for the next answer due.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import type { FaultChain } from '../faults/chain.js';
import { SPLIT_PAUSE_MS } from '../faults/carry-out.js';
import { createFramer, DEFAULT_MAX_FRAME_BYTES } from '../protocol/framer.js';
import type { TranscriptEntry, TranscriptEventKind } from '../protocol/transcript.js';
import { Session, type SessionLoad } from '../server/session.js';
import { TranscriptLog } from '../server/transcript-log.js';
import { createMatcher, type Divergence, type DueAnswer, type ReplayMatcher } from './matcher.js';
import { buildScript, scriptSize, type ReplayScript } from './script.js';
import { closeServer, listenOn } from '../server/listen.js';

export interface ReplayOptions {
  /** The recorded transcript to answer from (an item's transcript, `GET /transcript`, a proxy capture). */
  transcript: readonly TranscriptEntry[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Protocol port; default 8092, 0 = any free port. */
  port?: number;
  /** Multiplies every recorded delay; 0.01 answers 100x sooner. Default 1 (as recorded). */
  timeScale?: number;
}

export interface ReplayHandle {
  readonly host: string;
  readonly port: number;
  /** What the recording holds: connections, POS frames, connector answers. */
  readonly size: { connections: number; frames: number; answers: number };
  getTranscript(): TranscriptEntry[];
  onEntry(listener: (entry: TranscriptEntry) => void): () => void;
  /** Told of every divergence as it happens (and of the missing frames at `finish()`). */
  onDivergence(listener: (divergence: Divergence) => void): () => void;
  divergences(): Divergence[];
  /** The recorded frames the POS never sent; call once the POS is done. Every divergence so far, missing ones included. */
  finish(): Divergence[];
  /** Every recorded POS frame arrived in order and nothing diverged. */
  complete(): boolean;
  progress(): { matched: number; total: number };
  /** Settles once the POS has sent every recorded frame, or diverged. */
  settled(): Promise<'complete' | 'diverged'>;
  connectionLoads(): SessionLoad[];
  close(): Promise<void>;
}

const IDLE_FLUSH_MS = 100;

/** A chain with nothing armed: the connection layer asks it about every frame and reply. */
const NO_FAULTS: FaultChain = {
  arm: () => {
    throw new UsageError('the replay connector takes no faults: the recorded ones are replayed as they happened');
  },
  disarm: () => false,
  list: () => [],
  reset: () => undefined,
  connect: () => [],
  disconnect: () => undefined,
  command: () => undefined,
  reply: () => ({ fired: [] }),
};

export async function startReplay(options: ReplayOptions): Promise<ReplayHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8092;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`port must be an integer from 0 to 65535 (0 = any free port), got ${String(port)}`);
  const timeScale = options.timeScale ?? 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`timeScale must be a number greater than 0 (0.01 answers 100x sooner), got ${String(timeScale)}`);
  }
  const script: ReplayScript = buildScript(options.transcript);
  if (script.frames.length === 0) throw new UsageError('the recording holds no frame from the POS: nothing to replay');
  const now = () => performance.now();
  const matcher: ReplayMatcher = createMatcher(script, { timeScale, startMs: now() });
  const transcript = new TranscriptLog(now);
  const sessions = new Map<number, Session>();
  const lastCommand = new Map<number, string>();
  const listeners = new Set<(d: Divergence) => void>();
  const waiters = new Set<(how: 'complete' | 'diverged') => void>();
  let timer: NodeJS.Timeout | undefined;
  let nextConn = 1;
  let closing = false;

  const event = (kind: TranscriptEventKind, text: string, conn = 0) => transcript.event(kind, text, conn);
  const settle = (how: 'complete' | 'diverged') => {
    for (const w of [...waiters]) w(how);
    waiters.clear();
  };
  const announce = (d: Divergence) => {
    event('machine', `replay diverged: ${d.message}`, d.conn);
    for (const l of [...listeners]) {
      try {
        l(d);
      } catch {
        // A listener's own failure must not stop the connector.
      }
    }
  };
  const diverged = (d: Divergence) => {
    announce(d);
    const session = sessions.get(d.conn);
    // A POS that went its own way gets no more recorded answers: the connection closes as a dead connector's would.
    session?.close('disconnect');
    settle('diverged');
  };

  const deliver = (due: DueAnswer) => {
    const session = sessions.get(due.conn);
    if (session === undefined) return;
    const a = due.answer;
    if (a.kind === 'send') {
      session.reply({ type: 'reply', conn: due.conn, command: lastCommand.get(due.conn) ?? '', frame: a.data });
    } else {
      event('connection', `closing connection ${due.conn} as the recorded connector did (${a.why})`, due.conn);
      session.close(a.how);
    }
  };

  const pump = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (closing) return;
    for (const due of matcher.due(now())) deliver(due);
    const next = matcher.nextDueAt();
    if (next !== undefined) {
      timer = setTimeout(pump, Math.max(0, next - now()));
      timer.unref();
    }
  };

  /** Every `in` entry of the transcript, frames and bytes that are no frame alike, as the recording has them. */
  const onIn = (conn: number, data: string): void => {
    const code = /^#([^#]*)#/.exec(data)?.[1];
    if (code !== undefined) lastCommand.set(conn, code);
    const result = matcher.frame(conn, data, now());
    if (result.divergence !== undefined) diverged(result.divergence);
    else if (matcher.complete()) settle('complete');
    pump();
  };

  const tcp: Server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const conn = nextConn++;
    const session = new Session({
      conn,
      socket,
      framer: createFramer({ maxFrameBytes: DEFAULT_MAX_FRAME_BYTES }),
      transcript,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      idleFlushMs: IDLE_FLUSH_MS,
      // As the simulator's default dialect: a POS that writes each frame whole sees the same frames either way.
      requestEnd: 'arrival',
      splitPauseMs: SPLIT_PAUSE_MS,
      chain: NO_FAULTS,
      wallNow: now,
      onFrame: onIn,
      onGarbage: onIn,
      onClosed: (c) => {
        sessions.delete(c);
        lastCommand.delete(c);
        matcher.closed(c);
        if (!closing) event('connection', `connection ${c} closed`, c);
      },
    });
    sessions.set(conn, session);
    event('connection', `connection ${conn} from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, conn);
    const result = matcher.connect(conn, now());
    if (result.divergence !== undefined) diverged(result.divergence);
    pump();
  });

  const bound = await listenOn(tcp, host, port, 'protocol', { who: 'the replay connector', inUseHint: 'a simulator or a real CashlogyConnector?' });
  const size = scriptSize(script);
  event('machine', `replay connector started: ${size.frames} POS frame${size.frames === 1 ? '' : 's'} on ${size.connections} connection${size.connections === 1 ? '' : 's'} to follow, time scale ${timeScale}`);

  let closed: Promise<void> | undefined;
  return {
    host,
    port: bound,
    size,
    getTranscript: () => transcript.all(),
    onEntry: (listener) => transcript.subscribe(listener),
    onDivergence(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    divergences: () => matcher.divergences(),
    finish() {
      for (const d of matcher.finish()) announce(d);
      return matcher.divergences();
    },
    complete: () => matcher.complete(),
    progress: () => matcher.progress(),
    settled() {
      if (matcher.complete()) return Promise.resolve('complete');
      if (matcher.divergences().length > 0) return Promise.resolve('diverged');
      return new Promise((resolve) => waiters.add(resolve));
    },
    connectionLoads: () => [...sessions.values()].map((s) => s.load()),
    close() {
      if (closed !== undefined) return closed;
      closing = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const session of sessions.values()) session.destroy();
      closed = closeServer(tcp).then(() => transcript.close());
      return closed;
    },
  };
}

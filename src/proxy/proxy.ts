/**
 * `startProxy()`: a recording, fault-injecting proxy between a POS and a real CashlogyConnector
 * (docs/proxy.md). Each POS connection gets its own connection to the connector (./relay.ts);
 * the transcript has the simulator's format, times and connection ids, so every report, the
 * runner's wire checks and `diff` read it as they read a simulator's.
 *
 * Transport faults come from the same chain as the simulator's (src/faults/chain.ts), with the
 * same triggers. Domain faults (a jam, busy, a restart…) would have to happen inside the real
 * machine: they are refused, with a message that says so. The control API is the simulator's
 * (src/server/control-api.ts) where its routes apply (faults, transcript, events, reset); the
 * machine's own routes (state of the cash, inventory, customer, operator, profile) answer 409:
 * the real machine's cash is not the proxy's to see or set.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CertError, UsageError } from '../errors.js';
import { createFaultChain } from '../faults/chain.js';
import type { FaultSpec, FaultStatus } from '../faults/spec.js';
import { SPLIT_PAUSE_MS } from '../faults/carry-out.js';
import { getFaultDefinition, listFaultInfo, validateFaultSpec } from '../faults/registry.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { createControlServer } from '../server/control-api.js';
import { TranscriptLog } from '../server/transcript-log.js';
import type { SimulatorHandle } from '../server/types.js';
import { renderProxyPage } from './page.js';
import { Relay, type RelayLoad, type RelayView } from './relay.js';
import { parseUpstream, type Upstream } from './upstream.js';
import type { WaitingCommand } from './reply-cutter.js';
import { closeHttp, closeServer, listenOn } from '../server/listen.js';

export interface ProxyOptions {
  /** The real connector, `host:port` or {host, port}. */
  upstream: string | Upstream;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8092, 0 = any free port. */
  port?: number;
  /** Control API and web page; default 8093, 0 = any, null = none. */
  controlPort?: number | null;
  /** Seed of the random source behind probabilistic faults. Default 1. */
  seed?: number;
  /** Transport faults armed before the first connection. */
  faults?: FaultSpec[];
  /** Pause between the pieces of a split reply (ms). Default 40. */
  splitPauseMs?: number;
  /** Quiet gap after which a bare frame from the POS is complete (ms), as the simulator. Default 100. */
  idleFlushMs?: number;
  /** Quiet gap after which the connector's short reply is whole (ms). Default 100. */
  replyIdleMs?: number;
  /** How long a connect to the connector may take (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** Longest frame from the POS the transcript frames (bytes). Default 4096. */
  maxFrameBytes?: number;
  /** Currency symbol in fault sentences. Default €. */
  currency?: string;
}

/** What `GET /state` answers on the proxy. */
export interface ProxyState {
  proxy: true;
  upstream: string;
  connections: RelayView[];
  faults: number;
}

export interface ProxyHandle {
  readonly host: string;
  readonly port: number;
  readonly controlPort: number | null;
  readonly upstream: Upstream;
  getState(): ProxyState;
  connections(): RelayView[];
  /** Commands sent on every connection and not answered yet, oldest first per connection. */
  waiting(): { conn: number; command: WaitingCommand }[];
  /** Backpressure figures per connection, for soak tests and diagnostics. */
  connectionLoads(): RelayLoad[];
  /** Arm a transport fault; a domain fault throws ProxyFaultError. */
  armFault(spec: FaultSpec): string;
  listFaults(): FaultStatus[];
  disarmFault(id: string): boolean;
  getTranscript(): TranscriptEntry[];
  getTranscriptPage(since: number, limit: number): TranscriptEntry[];
  transcriptSize(): number;
  onEntry(listener: (entry: TranscriptEntry) => void): () => void;
  /** Every whole reply as the connector sent it, before a fault shaped or withheld it; returns an unsubscribe function. */
  onReply(listener: (reply: { conn: number; command: string; frame: string }) => void): () => void;
  /** Adds an event to the transcript: what a person did at the real machine (the runner's prompts). */
  note(kind: 'customer' | 'operator' | 'control', text: string, conn?: number): void;
  /** Faults disarmed, transcript cleared; every connection closed unless `closeConnections: false`. */
  reset(options?: { closeConnections?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** A fault that cannot be injected through a proxy (a domain fault). */
export class ProxyFaultError extends CertError {
  constructor(type: string) {
    super(
      'USAGE',
      `"${type}" is a domain fault: it happens inside the machine, and a real connector's machine cannot be made to ${type} by a proxy; only transport faults (${transportTypes().join(', ')}) can be injected through it`,
    );
  }
}

export function transportTypes(): string[] {
  return listFaultInfo()
    .filter((f) => f.plane === 'transport')
    .map((f) => f.type);
}

const DEFAULTS = { host: '127.0.0.1', port: 8092, controlPort: 8093, seed: 1, splitPauseMs: SPLIT_PAUSE_MS, idleFlushMs: 100, replyIdleMs: 100, connectTimeoutMs: 5000, maxFrameBytes: 4096 } as const;

export async function startProxy(options: ProxyOptions): Promise<ProxyHandle> {
  const upstream = typeof options.upstream === 'string' ? parseUpstream(options.upstream) : options.upstream;
  const host = options.host ?? DEFAULTS.host;
  const port = checkPort(options.port ?? DEFAULTS.port, 'port');
  const controlPort = options.controlPort === null ? null : checkPort(options.controlPort ?? DEFAULTS.controlPort, 'controlPort');
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${String(seed)}`);
  const chain = createFaultChain(seed, { currency: options.currency ?? '€' });
  const armChecked = (spec: unknown) => {
    const { spec: valid } = validateFaultSpec(spec);
    if (valid !== undefined && getFaultDefinition(valid.type).toxic === undefined) throw new ProxyFaultError(valid.type);
    // An invalid spec throws here with every problem listed.
    return chain.arm(spec).id;
  };
  const armedAtStart = (options.faults ?? []).map(armChecked);

  const transcript = new TranscriptLog(() => performance.now());
  const relays = new Map<number, Relay>();
  const replyListeners = new Set<(reply: { conn: number; command: string; frame: string }) => void>();
  let nextConn = 1;
  let closing = false;
  const upstreamText = `${upstream.host.includes(':') ? `[${upstream.host}]` : upstream.host}:${upstream.port}`;

  const tcp: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket: Socket) => {
    if (closing) return void socket.destroy();
    const conn = nextConn++;
    const relay = new Relay({
      conn,
      pos: socket,
      upstream,
      transcript,
      chain,
      wallNow: () => performance.now(),
      maxFrameBytes: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
      idleFlushMs: options.idleFlushMs ?? DEFAULTS.idleFlushMs,
      replyIdleMs: options.replyIdleMs ?? DEFAULTS.replyIdleMs,
      splitPauseMs: options.splitPauseMs ?? DEFAULTS.splitPauseMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      onReply: (c, command, frame) => {
        for (const listener of [...replyListeners]) listener({ conn: c, command, frame });
      },
      onClosed: (c) => {
        relays.delete(c);
        chain.disconnect(c);
        if (!closing) transcript.event('connection', `connection ${c} closed`, c);
      },
    });
    relays.set(conn, relay);
    transcript.event('connection', `connection ${conn} from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}, relayed to the connector at ${upstreamText}`, conn);
    const refused = chain.connect(conn, performance.now());
    for (const f of refused) transcript.event('fault', f.sentence, conn, f.id);
    if (refused.length > 0) return relay.refuse();
    relay.start();
  });

  const listFaults = () => chain.list();
  const handle: ProxyHandle = {
    host,
    port: 0,
    controlPort: null,
    upstream,
    getState: () => ({ proxy: true, upstream: upstreamText, connections: handle.connections(), faults: chain.list().length }),
    connections: () => [...relays.values()].map((r) => r.view()),
    waiting: () => [...relays.values()].flatMap((r) => r.waitingCommands().map((command) => ({ conn: r.conn, command }))),
    connectionLoads: () => [...relays.values()].map((r) => r.load()),
    armFault(spec) {
      const id = armChecked(spec);
      const status = chain.list().find((f) => f.id === id);
      transcript.event('control', `armed fault ${id}: ${status?.description ?? '?'}`, 0, id);
      return id;
    },
    listFaults,
    disarmFault(id) {
      const done = chain.disarm(id);
      if (done) transcript.event('control', `disarmed fault ${id}`, 0, id);
      return done;
    },
    getTranscript: () => transcript.all(),
    getTranscriptPage: (since, limit) => transcript.page(since, limit),
    transcriptSize: () => transcript.size(),
    onEntry: (listener) => transcript.subscribe(listener),
    onReply(listener) {
      replyListeners.add(listener);
      return () => void replyListeners.delete(listener);
    },
    note: (kind, text, conn = 0) => void transcript.event(kind, text, conn),
    reset(resetOptions) {
      if (resetOptions !== undefined && (typeof resetOptions !== 'object' || resetOptions === null)) {
        throw new UsageError('reset options must be an object like {"closeConnections": false}');
      }
      const closeAll = resetOptions?.closeConnections !== false;
      chain.reset();
      transcript.clear();
      const gone = closeAll ? [...relays.values()].map((r) => r.closeGracefully()) : [];
      transcript.event('control', `proxy reset: faults disarmed${closeAll ? `, ${gone.length} connection${gone.length === 1 ? '' : 's'} closed` : ''}`);
      return Promise.all(gone).then(() => undefined);
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const relay of relays.values()) relay.destroy();
      await Promise.all([closeServer(tcp), controlServer ? closeHttp(controlServer) : undefined]);
      transcript.close();
    },
  };

  let controlServer: HttpServer | undefined;
  try {
    const boundPort = await listenOn(tcp, host, port, 'protocol', { who: 'the proxy' });
    let boundControl: number | null = null;
    if (controlPort !== null) {
      controlServer = createControlServer({
        handle: asControlHandle(handle),
        host,
        profile: { name: 'real connector', currency: '', coins: [], notes: [], recyclable: [] } as never,
        clearErrors: () => {
          throw notThroughProxy('clearing device errors');
        },
        listFaultInfo: () => listFaultInfo().filter((f) => f.plane === 'transport'),
        onClear: (listener) => transcript.onClear(listener),
        transcriptTail: (count) => transcript.tail(count),
        transcriptPage: (since, limit, maxBytes) => transcript.page(since, limit, maxBytes),
        transcriptSize: () => transcript.size(),
        override: (method, path) => proxyRoutes(method, path, handle),
      });
      boundControl = await listenOn(controlServer, host, controlPort, 'control', { who: 'the proxy' });
    }
    Object.defineProperty(handle, 'port', { value: boundPort, enumerable: true });
    Object.defineProperty(handle, 'controlPort', { value: boundControl, enumerable: true });
  } catch (err) {
    closing = true;
    await Promise.all([closeServer(tcp), controlServer ? closeHttp(controlServer) : undefined]);
    transcript.close();
    throw err;
  }
  transcript.event('control', `proxy started: relaying to the connector at ${upstreamText}, seed ${seed}`);
  for (const id of armedAtStart) {
    transcript.event('control', `armed fault ${id}: ${chain.list().find((f) => f.id === id)?.description ?? '?'}`, 0, id);
  }
  return handle;
}

/** The machine's own routes: what only the real machine knows or does. */
const MACHINE_ROUTES: Record<string, string> = {
  '/inventory': 'the inventory (read it on the connector, or from the POS with #Y#/#T#)',
  '/customer': 'the customer (a person inserts cash at the real machine)',
  '/operator': 'the operator (a person acts on the connector screen)',
  '/profile': 'the machine profile (the real machine has its own)',
};

function notThroughProxy(what: string): CertError {
  return new CertError('USAGE', `${what} is not available through a proxy: the machine behind it is real`);
}

/** Routes the proxy answers itself, before the simulator's control routes. */
function proxyRoutes(method: string, path: string, handle: ProxyHandle): { status: number; json?: unknown; html?: string } | undefined {
  if (path === '/' && (method === 'GET' || method === 'HEAD')) return { status: 200, html: renderProxyPage() };
  if (path === '/state' && (method === 'GET' || method === 'HEAD')) return { status: 200, json: handle.getState() };
  if (path === '/connections' && (method === 'GET' || method === 'HEAD')) return { status: 200, json: handle.connections() };
  const machine = MACHINE_ROUTES[path];
  if (machine !== undefined) return { status: 409, json: { error: `${method} ${path}: ${machine} is not available through a proxy: the machine behind it is real` } };
  return undefined;
}

/** The control server speaks to a simulator handle; the proxy fills the machine's methods with refusals. */
function asControlHandle(proxy: ProxyHandle): SimulatorHandle {
  const refuse = (what: string) => () => {
    throw notThroughProxy(what);
  };
  return {
    host: proxy.host,
    get port() {
      return proxy.port;
    },
    get controlPort() {
      return proxy.controlPort;
    },
    getState: () => proxy.getState() as never,
    setInventory: refuse('setting the inventory'),
    insert: refuse('inserting cash'),
    cancel: refuse('pressing Cancel'),
    confirm: refuse('pressing Accept'),
    setCustomer: refuse('the simulated customer'),
    closeBackoffice: refuse('closing the backoffice screen'),
    armFault: (spec) => proxy.armFault(spec),
    listFaults: () => proxy.listFaults(),
    disarmFault: (id) => proxy.disarmFault(id),
    getTranscript: () => proxy.getTranscript(),
    onEntry: (listener) => proxy.onEntry(listener),
    reset: (options) => proxy.reset(options),
    close: () => proxy.close(),
  };
}

function checkPort(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new UsageError(`${name} must be an integer from 0 to 65535 (0 = any free port), got ${String(value)}`);
  }
  return value;
}

/**
 * The simulator's wiring: one machine model shared by every TCP connection, a fault chain for
 * the link (transport faults), a transcript, and (unless `controlPort: null`) the control API
 * and web page. Domain faults live in the machine's own fault book, part of its state; the
 * chain numbers every fault and keeps the transport ones.
 *
 * Time: the machine lives in simulated ms; the adapter scales (MachineHost). The machine's
 * fault book learns the time scale once, so that wall-clock `for` windows (busy) keep their
 * real length; the chain's clock is the wall clock.
 *
 * The machine model, framer and fault chain come in as `SimulatorParts` so that this file
 * depends only on their contracts; start.ts plugs in the real ones (and tests may plug in
 * scripted ones to exercise the transport on its own).
 */
import { statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { isAbsolute } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CertError, UsageError } from '../errors.js';
import { armFault, newFaultBook, type FaultBook } from '../faults/book.js';
import type { FaultChain } from '../faults/chain.js';
import type { FaultInfo } from '../faults/engine-types.js';
import type { FaultSpec, FaultStatus } from '../faults/spec.js';
import { SPLIT_PAUSE_MS } from '../faults/carry-out.js';
import type { MachineInput, RequestEnd, StepResult } from '../machine/api.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { createControlServer } from './control-api.js';
import { SimulatorError } from './errors.js';
import { MachineHost, type MachineDriver } from './machine-host.js';
import { Session, type Framer, type SessionLoad } from './session.js';
import { TranscriptLog } from './transcript-log.js';
import { DEFAULT_TICKETS_DIALECT, type TicketsDialect } from '../tickets/dialect.js';
import { moneyFormatter } from '../faults/definition.js';
import type { TicketsView } from './tickets-watcher.js';
import type { ConnectionCount, CustomerConfig, InsertOptions, InventoryCounts, ProfileView, ResetOptions, SimulatorHandle, SimulatorOptions, SimulatorState } from './types.js';
import { checkCustomer, checkDenominationList, checkInsertOptions, checkInventory, checkResetOptions } from './validate.js';
import { closeHttp, closeServer, listenOn } from './listen.js';

/** The pure parts the simulator drives (the machine, the framer and the fault chain). */
export interface SimulatorParts<P, S> {
  loadProfile(ref: string | object): P;
  /** What the adapters need from the profile: denominations, currency, level thresholds. */
  profileView(profile: P): ProfileView;
  /** Max frame length of the profile's dialect (protocol.md §2), undefined for the default. */
  maxFrameBytes(profile: P): number | undefined;
  /** When a command that could still grow ends (the dialect's `requestEnd`), undefined for the default. */
  requestEnd(profile: P): RequestEnd | undefined;
  initialState(profile: P, options: { customer: CustomerConfig; faults: FaultBook }): S;
  step(state: S, input: MachineInput, nowMs: number): StepResult<S>;
  viewState(state: S): SimulatorState;
  /** The domain faults armed in the machine (inputs `arm-fault` / `disarm-fault`). */
  faultStatuses(state: S): FaultStatus[];
  createFramer(options: { maxFrameBytes: number }): Framer;
  /** The link's transport faults; it also numbers every fault armed. */
  createFaultChain(seed: number, options: { currency: string }): FaultChain;
  listFaultInfo(): FaultInfo[];
  /** The profile's tickets dialect (docs/tickets.md); the default one when absent. */
  ticketsDialect?(profile: P): TicketsDialect;
}

export type FullSimulatorHandle = SimulatorHandle & {
  clearErrors(): void;
  getProfile(): ProfileView;
  /** What each open connection holds (backpressure figures), for soak tests and diagnostics. */
  connectionLoads(): SessionLoad[];
  /** A page of the transcript: entries from index `since` (0-based since start or reset), at most `limit`. */
  getTranscriptPage(since: number, limit: number): TranscriptEntry[];
  /** How many transcript entries there are since start or the last reset. */
  transcriptSize(): number;
  /** The CashlogyTickets look-alike's folder, null when it does not run (no `ticketsDir`). */
  readonly ticketsDir: string | null;
  /** What the look-alike holds: pending requests, the one running, the latest answers; null without `ticketsDir`. */
  tickets(): TicketsView | null;
};

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8092,
  controlPort: 8093,
  profile: 'eur-pos1500',
  timeScale: 1,
  seed: 1,
  splitPauseMs: SPLIT_PAUSE_MS,
  idleFlushMs: 100,
  maxFrameBytes: 4096,
  requestEnd: 'arrival',
} as const;

export async function createSimulator<P, S>(parts: SimulatorParts<P, S>, options: SimulatorOptions = {}): Promise<FullSimulatorHandle> {
  const host = options.host ?? DEFAULTS.host;
  const port = checkPort(options.port ?? DEFAULTS.port, 'port');
  const controlPort = options.controlPort === null ? null : checkPort(options.controlPort ?? DEFAULTS.controlPort, 'controlPort');
  const timeScale = options.timeScale ?? DEFAULTS.timeScale;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`timeScale must be a number greater than 0 (0.01 makes every duration 100x shorter), got ${String(timeScale)}`);
  }
  const ticketsDir = checkTicketsDir(options.ticketsDir);
  checkTicketsTuning(options.tickets);
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${String(seed)}`);
  const splitPauseMs = nonNegative(options.splitPauseMs ?? DEFAULTS.splitPauseMs, 'splitPauseMs');
  const idleFlushMs = nonNegative(options.idleFlushMs ?? DEFAULTS.idleFlushMs, 'idleFlushMs');

  const profile: P = parts.loadProfile(options.profile ?? DEFAULTS.profile);
  const view = parts.profileView(profile);
  const initialCustomer: CustomerConfig = toCustomerConfig(options.customer, view);
  const currency = view.symbol ?? currencySymbol(view.currency);
  const chain: FaultChain = parts.createFaultChain(seed, { currency });
  let machineBook = newFaultBook(seed, { currency, wallMsPerMs: timeScale });
  // Invalid fault specs fail here, before anything listens.
  const ticketsAtStart: { id: string; spec: FaultSpec }[] = [];
  const armedAtStart = (options.faults ?? []).map((spec) => {
    const armed = chain.arm(spec);
    if (armed.plane === 'domain') machineBook = armFault(machineBook, armed.spec, { id: armed.id }).book;
    if (armed.plane === 'tickets') ticketsAtStart.push(requireTickets(armed));
    return armed.id;
  });

  const transcript = new TranscriptLog(() => performance.now());
  const driver: MachineDriver<S> = { step: parts.step, view: parts.viewState };
  const host$ = new MachineHost<S>({
    driver,
    initialState: parts.initialState(profile, { customer: initialCustomer, faults: machineBook }),
    timeScale,
    transcript,
    wallNow: () => performance.now(),
  });
  // The CashlogyTickets look-alike: one more client of the machine, on connection 0, which no socket has.
  // The look-alike's code is loaded only when it runs: most simulators never have a tickets folder.
  const tickets =
    ticketsDir === null
      ? null
      : new (await import('./tickets-watcher.js')).TicketsWatcher({
          dir: ticketsDir,
          dialect: parts.ticketsDialect?.(profile) ?? DEFAULT_TICKETS_DIALECT,
          machine: host$,
          conn: 0,
          transcript,
          money: moneyFormatter(currency),
          timeScale,
          seed,
          currency,
          wallNow: () => performance.now(),
          ...(options.tickets ?? {}),
        });
  for (const { id, spec } of ticketsAtStart) tickets?.arm(id, spec);
  function requireTickets(armed: { id: string; spec: FaultSpec }): { id: string; spec: FaultSpec } {
    if (ticketsDir === null) {
      throw new UsageError(`fault ${armed.spec.type} acts on the CashlogyTickets look-alike, which is not running: start the simulator with a tickets folder (--tickets-dir, or the ticketsDir option)`);
    }
    return armed;
  }
  const listFaults = (): FaultStatus[] =>
    [...chain.list(), ...host$.inspect((state) => parts.faultStatuses(state)), ...(tickets?.listFaults() ?? [])].sort((a, b) => faultOrder(a.id) - faultOrder(b.id));
  const maxFrameBytes = parts.maxFrameBytes(profile) ?? DEFAULTS.maxFrameBytes;
  const requestEnd = parts.requestEnd(profile) ?? DEFAULTS.requestEnd;

  const sessions = new Map<number, Session>();
  /** Connections a reset is closing: the reset sentence already says so, and the machine has forgotten them. */
  const closedByReset = new Set<number>();
  let nextConn = 1;
  let closing = false;

  // One set of callbacks for every session (they are told which connection): per-connection
  // closures are what a thousand idle connections would each keep.
  const wallNow = () => performance.now();
  const onFrame = (c: number, frame: string) => host$.dispatch({ type: 'frame', conn: c, frame });
  const onClosed = (c: number) => {
    sessions.delete(c);
    host$.detach(c);
    chain.disconnect(c);
    if (closedByReset.delete(c) || closing) return;
    transcript.event('connection', `connection ${c} closed`, c);
    host$.dispatch({ type: 'disconnect', conn: c });
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
      framer: parts.createFramer({ maxFrameBytes }),
      transcript,
      maxFrameBytes,
      idleFlushMs,
      requestEnd,
      splitPauseMs,
      chain,
      wallNow,
      onFrame,
      onClosed,
    });
    sessions.set(conn, session);
    host$.attach(conn, session);
    transcript.event('connection', `connection ${conn} from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, conn);
    const refused = chain.connect(conn, performance.now());
    for (const f of refused) transcript.event('fault', f.sentence, conn, f.id);
    if (refused.length > 0) {
      session.close('disconnect');
      return;
    }
    host$.dispatch({ type: 'connect', conn });
  });

  const control = (input: MachineInput) => {
    try {
      host$.dispatch(input);
    } catch (err) {
      // The handle's contract: "nothing to act on" is a SimulatorError, whoever noticed it.
      if (err instanceof CertError && !(err instanceof SimulatorError) && err.code === 'NOTHING_OPEN') {
        throw new SimulatorError('NOTHING_OPEN', err.message, { cause: err });
      }
      throw err;
    }
  };
  let closed: Promise<void> = Promise.resolve();
  const logArmed = (id: string) => {
    const status = listFaults().find((f) => f.id === id);
    transcript.event('control', `armed fault ${id}: ${status?.description ?? '?'}`, 0, id);
  };
  const requireOpen = (what: string) => {
    const state = host$.view();
    if (state.operation === null) throw new SimulatorError('NOTHING_OPEN', `nothing is open to ${what}: no charge, acceptance or screen is running`);
    return state;
  };

  const handle: FullSimulatorHandle = {
    host,
    port: 0,
    controlPort: null,
    getState: (): SimulatorState & ConnectionCount => ({ ...host$.view(), connections: sessions.size }),
    setInventory(partial: Partial<InventoryCounts>): void {
      const inventory = checkInventory(partial, view);
      control({ type: 'set-inventory', inventory });
    },
    insert(denominations: number[], options?: InsertOptions): void {
      const list = checkDenominationList(denominations, 'insert', view);
      const { accept } = checkInsertOptions(options);
      requireOpen(`insert ${list.join(', ')} into`);
      control({ type: 'customer', insert: list, ...(accept !== undefined ? { accept } : {}) });
    },
    cancel(): void {
      requireOpen('cancel');
      control({ type: 'customer', cancel: true });
    },
    confirm(): void {
      requireOpen('confirm');
      control({ type: 'customer', confirm: true });
    },
    setCustomer(config: CustomerConfig): void {
      const checked = checkCustomer(config, view);
      control({ type: 'set-customer', customer: checked });
    },
    closeBackoffice(): void {
      const state = requireOpen('close');
      if (state.operation?.waitingFor !== 'operator') {
        throw new SimulatorError('NOTHING_OPEN', `no backoffice screen is open (the open operation is #${state.operation?.command ?? '?'}#)`);
      }
      control({ type: 'operator', close: true });
    },
    clearErrors(): void {
      control({ type: 'clear-errors' });
    },
    getProfile: () => ({ ...view, coins: [...view.coins], notes: [...view.notes], recyclable: [...view.recyclable] }),
    armFault(spec: FaultSpec): string {
      const armed = chain.arm(spec);
      if (armed.plane === 'domain') control({ type: 'arm-fault', id: armed.id, spec: armed.spec });
      if (armed.plane === 'tickets') {
        const checked = requireTickets(armed);
        tickets?.arm(checked.id, checked.spec);
      }
      logArmed(armed.id);
      return armed.id;
    },
    listFaults,
    disarmFault(id: string): boolean {
      let done = chain.disarm(id) || (tickets?.disarm(id) ?? false);
      if (!done && listFaults().some((f) => f.id === id)) {
        control({ type: 'disarm-fault', id });
        done = true;
      }
      if (done) transcript.event('control', `disarmed fault ${id}`, 0, id);
      return done;
    },
    ticketsDir,
    tickets: () => tickets?.view() ?? null,
    getTranscript: (): TranscriptEntry[] => transcript.all(),
    getTranscriptPage: (since: number, limit: number): TranscriptEntry[] => transcript.page(since, limit),
    transcriptSize: () => transcript.size(),
    connectionLoads: () => [...sessions.values()].map((s) => s.load()),
    onEntry: (listener) => transcript.subscribe(listener),
    reset(options?: ResetOptions): Promise<void> {
      const closeAll = checkResetOptions(options).closeConnections !== false;
      const owner = host$.view().operation?.conn;
      host$.clearTimers();
      // The machine's book is reset with the machine (the reset input below).
      chain.reset();
      // Cleared first, so the reset's own sentence (what it closed and ended) opens the fresh transcript.
      transcript.clear();
      // The connections the machine closes (by default every one, also one it has not registered
      // yet), closed here so that their ends stay quiet; the POS reconnects.
      const gone: Promise<void>[] = [];
      for (const [conn, session] of sessions) {
        if (!closeAll && conn !== owner) continue;
        closedByReset.add(conn);
        gone.push(session.closeForReset());
      }
      host$.dispatch({ type: 'reset', closeConnections: closeAll });
      tickets?.reset();
      // The state is reset already; what is awaited is the clients' side of the closes, so a POS
      // told to act right after cannot write its next command into a connection being closed.
      return Promise.all(gone).then(() => undefined);
    },
    async close(): Promise<void> {
      if (closing) return closed;
      closing = true;
      void tickets?.close();
      host$.stop();
      for (const session of sessions.values()) session.destroy();
      closed = closeServers().then(() => transcript.close());
      return closed;
    },
  };

  let controlServer: HttpServer | undefined;
  const closeServers = () => Promise.all([closeServer(tcp), controlServer ? closeHttp(controlServer) : undefined]).then(() => undefined);
  try {
    const boundPort = await listenOn(tcp, host, port, 'protocol', { inUseHint: 'another simulator or a real CashlogyConnector?' });
    let boundControl: number | null = null;
    if (controlPort !== null) {
      controlServer = createControlServer({
        handle,
        host,
        profile: view,
        clearErrors: () => handle.clearErrors(),
        listFaultInfo: () => parts.listFaultInfo(),
        onClear: (listener) => transcript.onClear(listener),
        transcriptTail: (count) => transcript.tail(count),
        transcriptPage: (since, limit, maxBytes) => transcript.page(since, limit, maxBytes),
        transcriptSize: () => transcript.size(),
        tickets: () => tickets?.view() ?? null,
      });
      boundControl = await listenOn(controlServer, host, controlPort, 'control', { inUseHint: 'another simulator or a real CashlogyConnector?' });
    }
    Object.defineProperty(handle, 'port', { value: boundPort, enumerable: true });
    Object.defineProperty(handle, 'controlPort', { value: boundControl, enumerable: true });
  } catch (err) {
    closing = true;
    host$.stop();
    await closeServers();
    transcript.close();
    throw err;
  }
  transcript.event('machine', `simulator started: profile ${view.name}, time scale ${timeScale}, seed ${seed}`);
  for (const id of armedAtStart) logArmed(id);
  if (tickets !== null) {
    tickets.start();
    transcript.event('machine', `CashlogyTickets look-alike watching ${ticketsDir} (${parts.ticketsDialect?.(profile).mode ?? DEFAULT_TICKETS_DIALECT.mode} mode)`);
  }
  return handle;
}

/** The look-alike's folder: an absolute path to an existing folder; it creates nothing outside it. */
function checkTicketsDir(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw new UsageError(`ticketsDir must be the absolute path of a folder, got ${String(value)}`);
  if (!isAbsolute(value)) throw new UsageError(`ticketsDir must be an absolute path, got "${value}"`);
  let isDir = false;
  try {
    isDir = statSync(value).isDirectory();
  } catch (err) {
    throw new UsageError(`ticketsDir ${value} cannot be used: ${(err as NodeJS.ErrnoException).code ?? String(err)} (the folder must exist)`);
  }
  if (!isDir) throw new UsageError(`ticketsDir ${value} is not a folder`);
  return value;
}

function checkTicketsTuning(value: SimulatorOptions['tickets']): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw new UsageError(`tickets must be an object {pollMs, settleMs, watch}, got ${String(value)}`);
  for (const key of ['pollMs', 'settleMs'] as const) {
    const v = value[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > 60_000)) {
      throw new UsageError(`tickets.${key} must be a number of milliseconds from 1 to 60000, got ${String(v)}`);
    }
  }
  if (value.watch !== undefined && typeof value.watch !== 'boolean') throw new UsageError(`tickets.watch must be true or false, got ${String(value.watch)}`);
}

function checkPort(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new UsageError(`${name} must be an integer from 0 to 65535 (0 = any free port), got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${name} must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function toCustomerConfig(customer: SimulatorOptions['customer'], view: ProfileView): CustomerConfig {
  if (customer === undefined || customer === 'manual') return { mode: 'manual' };
  if (customer === 'auto') return { mode: 'auto' };
  try {
    return checkCustomer(customer, view);
  } catch (err) {
    throw new UsageError(`customer: ${(err as Error).message}`);
  }
}

/** The symbol fault sentences use for amounts ("jammed a 20 € note") when the profile view has none; the ISO code when unknown. */
function currencySymbol(code: string): string {
  const symbols: Record<string, string> = { EUR: '€', USD: '$', MXN: '$', GBP: '£' };
  return symbols[code] ?? code;
}

/** f12 → 12: faults list in arm order across the chain and the machine. */
function faultOrder(id: string): number {
  const n = Number(/^f(\d+)$/.exec(id)?.[1]);
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

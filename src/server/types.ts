/**
 * The simulator's public handle: what `startSimulator()` returns to a POS vendor's test suite
 * and to our own runner. The control API (docs/simulator.md, Control API reference) is a thin HTTP face over the
 * same methods, so both stay in step.
 */
import type { FaultSpec, FaultStatus } from '../faults/spec.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { CustomerConfig, InventoryCounts, ProfileView, SimulatorState } from '../machine/types.js';
import type { TicketsTuning } from './tickets-watcher.js';

export type { TicketsTuning, TicketsView } from './tickets-watcher.js';

// The machine owns what it is made of; the simulator's handle speaks the same words.
export type { CustomerConfig, DenominationCounts, InventoryCounts, OperationView, ProfileView, SimulatorState } from '../machine/types.js';

/** What only the server knows about the state: the machine model never sees sockets. */
export interface ConnectionCount {
  /** Client connections open on the protocol port right now (0: no POS is connected). */
  connections?: number;
}

/** Options of `reset`, like the body of `POST /reset`. */
export interface ResetOptions {
  /**
   * Default true: every client connection is closed. `false` keeps the connections, except the
   * one whose open operation the reset ends (its reply will never come).
   */
  closeConnections?: boolean;
}

/** Options of `insert`, like the extra fields of `POST /customer {"insert": […]}`. */
export interface InsertOptions {
  /**
   * Default true: once the inserted cash covers the charge and the connector shows the Accept
   * button (7th `#C#` flag), the customer presses it, as a person would. `false` leaves the
   * button alone, for an item that tests the button itself (press it later with `confirm()`).
   * A partial payment is never accepted by itself: that takes an explicit `confirm()`.
   */
  accept?: boolean;
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Protocol port; default 8092, 0 = any free port. */
  port?: number;
  /** Control API/web page port; default 8093, 0 = any free port, null = no control server. */
  controlPort?: number | null;
  /** A profile name from `simulator/` ("eur-pos1500"), a path to a profile YAML, or a loaded profile object. */
  profile?: string | object;
  /** Multiplies every simulated duration; 0.01 makes them 100x shorter. Default 1. */
  timeScale?: number;
  /** Default 'manual'. */
  customer?: 'auto' | 'manual' | CustomerConfig;
  /** Seed of the random source behind probabilistic faults. */
  seed?: number;
  /** Faults armed before the first connection. */
  faults?: FaultSpec[];
  /** Wall-clock pause between the pieces of a split reply (split fault). Default 40 ms. */
  splitPauseMs?: number;
  /** Wall-clock quiet gap after which a bare frame complete at a shorter parameter count is taken as complete. Default 100 ms. */
  idleFlushMs?: number;
  /**
   * An existing folder (absolute path): the simulator also runs the CashlogyTickets look-alike on
   * it (docs/tickets.md), in the tickets dialect of the profile. The TCP port works as before.
   */
  ticketsDir?: string;
  /** How the look-alike watches its folder: polling interval, settle time, fs.watch on or off. */
  tickets?: TicketsTuning;
}

export interface SimulatorHandle {
  readonly host: string;
  readonly port: number;
  /** null when started with `controlPort: null`. */
  readonly controlPort: number | null;
  /** Same shape as `GET /state`. */
  getState(): SimulatorState & ConnectionCount;
  /** Partial set of counts, like `PUT /inventory`. */
  setInventory(partial: Partial<InventoryCounts>): void;
  /**
   * Insert denominations (cents) into the open acceptance; throws a SimulatorError with code
   * NOTHING_OPEN otherwise. On a `#C#` with the Accept button shown, the customer presses Accept
   * once the cash covers the amount, unless `{ accept: false }`.
   */
  insert(denominations: number[], options?: InsertOptions): void;
  /** Press Cancel on the connector screen. */
  cancel(): void;
  /** Press Accept on the connector screen. */
  confirm(): void;
  setCustomer(config: CustomerConfig): void;
  /** Close the open backoffice screen (`#G#` and the other screen commands). */
  closeBackoffice(): void;
  /** Arm a fault; returns its id. Armed atomically: it applies to the next matching command. */
  armFault(spec: FaultSpec): string;
  listFaults(): FaultStatus[];
  disarmFault(id: string): boolean;
  getTranscript(): TranscriptEntry[];
  /** Live transcript feed; returns an unsubscribe function. */
  onEntry(listener: (entry: TranscriptEntry) => void): () => void;
  /**
   * Back to the profile's initial state; faults disarmed; transcript cleared. Every client
   * connection is closed (the POS reconnects; see `closeConnections`) and an open operation
   * ends with its money accounted for; the fresh transcript's first entry says what the reset did.
   * All of that is done when `reset()` returns; the promise settles once every closed client
   * has closed its side too (at once for a normal client, at most about a second for one that
   * never does). Await it before asking the POS to act, or its next command may go into the
   * connection being closed.
   */
  reset(options?: ResetOptions): Promise<void>;
  /** Stop listening, close every connection and the control server. */
  close(): Promise<void>;
  /** The operator clears device errors (after a jam, a door left open…), like `POST /operator {"clearErrors": true}`. */
  clearErrors?(): void;
  /**
   * The machine waits for something nobody will do: at a real connector, a person asked to pay,
   * insert, cancel or close a screen could not (no terminal, the terminal closed, "no"). The item
   * in progress cannot go on and is not the POS's fault. A simulator never calls it. Returns an
   * unsubscribe function.
   */
  onStuck?(listener: (reason: string) => void): () => void;
  /** Denominations and currency of the loaded profile, like `GET /profile`. */
  getProfile?(): ProfileView;
}

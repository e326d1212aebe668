/**
 * The machine model's contract: a pure reducer over simulated time.
 *
 *   step(state, input, nowMs) → { state, outputs, timers }
 *
 * No I/O, no Date.now, no setTimeout, no Math.random: time comes in as `nowMs`, timers go
 * out as requests (the server turns them into real timers scaled by --time-scale, tests
 * advance a virtual clock), randomness comes only through the injected FaultEngine.
 * Durations inside the model are *unscaled* simulated ms (a note takes ≈1500); the adapter
 * scales them. The server session feeds it complete frames and writes its reply outputs.
 */
import type { CustomerConfig, InventoryCounts, SimulatorState } from '../server/types.js';
import type { Delivery, FaultEngine } from '../faults/engine-types.js';
import type { TranscriptEventKind } from '../protocol/transcript.js';

export type MachineInput =
  | { type: 'connect'; conn: number }
  | { type: 'disconnect'; conn: number }
  /** A complete frame as received, CR/LF stripped (e.g. "#C#1#1#990#1#15360#0#0#0#1#0#0#"). */
  | { type: 'frame'; conn: number; frame: string }
  /** A timer the model asked for has expired. */
  | { type: 'timer'; id: string }
  /**
   * The customer at the connector screen. `accept` (default true) goes with `insert`: once the
   * inserted cash covers the charge and the Accept button is shown, the customer presses it,
   * as a person would; `false` leaves the button alone (an item that tests the button itself).
   */
  | { type: 'customer'; insert?: number[]; accept?: boolean; cancel?: boolean; confirm?: boolean }
  | { type: 'operator'; close: boolean }
  | { type: 'set-inventory'; inventory: Partial<InventoryCounts> }
  | { type: 'set-customer'; customer: CustomerConfig }
  /** Operator clears device errors (after a jam, door open…). */
  | { type: 'clear-errors' }
  /**
   * Back to the profile's initial state. An open operation ends at once with its money accounted
   * for, and connections are closed (the POS reconnects): every one by default; with
   * `closeConnections: false` only the one whose operation was ended (its reply will never come).
   * One event says what was done.
   */
  | { type: 'reset'; closeConnections?: boolean };

export type MachineOutput =
  /** Write this reply to this connection (the session applies `delivery` if present). */
  | { type: 'reply'; conn: number; command: string; frame: string; delivery?: Delivery }
  /** Refuse/close a connection right away (refuse fault). */
  | { type: 'close'; conn: number; how: 'disconnect' | 'reset' }
  /** A human-readable event for the transcript and the live log. */
  | { type: 'event'; kind: TranscriptEventKind; text: string; conn?: number; fault?: string };

export type TimerRequest = { type: 'set'; id: string; atMs: number } | { type: 'clear'; id: string };

export interface StepResult<S> {
  state: S;
  outputs: MachineOutput[];
  timers: TimerRequest[];
}

/** Options a profile may set where a real connector might differ (protocol.md §16). */
export interface DialectOptions {
  /** true: `#I#` state is per connection; false (default): global, survives reconnects. */
  initPerConnection: boolean;
  /** true: shorter parameter lists (10-parameter #C#, #B#0#, 3-parameter #P#) are #ER:BAD_DATA#; default false. */
  strictParameters: boolean;
  /** Reply to `#!#` itself: 'ack' (#0#, default) or 'none'. */
  cancelReply: 'ack' | 'none';
  /** What `#I#` answers as the version field. Default "2.01". */
  version: string;
  /** Max frame length in bytes before #ER:BAD_DATA# and close. Default 4096. */
  maxFrameBytes: number;
}

export type { FaultEngine, SimulatorState };

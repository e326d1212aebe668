/**
 * The machine model's contract: a pure reducer over simulated time.
 *
 *   step(state, input, nowMs) → { state, outputs, timers }
 *
 * No I/O, no Date.now, no setTimeout, no Math.random: time comes in as `nowMs`, timers go
 * out as requests (the server turns them into real timers scaled by --time-scale, tests
 * advance a virtual clock), randomness comes only from the seeded source inside the fault
 * book, which is part of the state.
 * Durations inside the model are *unscaled* simulated ms (a note takes ≈1500); the adapter
 * scales them. The server session feeds it complete frames and writes its reply outputs.
 */
import type { CustomerConfig, InventoryCounts, SimulatorState } from './types.js';
import type { FaultSpec } from '../faults/spec.js';
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
   * Arm a fault in the machine's book (domain faults act; transport faults are the connection
   * chain's business and never fire here). `id`: the simulator numbers faults across the machine
   * and the connections; without it the book's next `f<n>`. An invalid spec throws InvalidInputError.
   */
  | { type: 'arm-fault'; id?: string; spec: FaultSpec }
  | { type: 'disarm-fault'; id: string }
  /**
   * Back to the profile's initial state. An open operation ends at once with its money accounted
   * for, and connections are closed (the POS reconnects): every one by default; with
   * `closeConnections: false` only the one whose operation was ended (its reply will never come).
   * One event says what was done.
   */
  | { type: 'reset'; closeConnections?: boolean };

export type MachineOutput =
  /** Write this reply to this connection (the connection's fault chain may still shape it on the way). */
  | { type: 'reply'; conn: number; command: string; frame: string }
  /** Close a connection right away (a reset closes them). */
  | { type: 'close'; conn: number; how: 'disconnect' | 'reset' }
  /** A human-readable event for the transcript and the live log. */
  | { type: 'event'; kind: TranscriptEventKind; text: string; conn?: number; fault?: string };

export type TimerRequest = { type: 'set'; id: string; atMs: number } | { type: 'clear'; id: string };

export interface StepResult<S> {
  state: S;
  outputs: MachineOutput[];
  timers: TimerRequest[];
}

export const CANCEL_REPLIES = ['idle', 'ack', 'none'] as const;
export type CancelReply = (typeof CANCEL_REPLIES)[number];
export const U2_LEVELS = ['short', 'level'] as const;
export type U2Level = (typeof U2_LEVELS)[number];
export const DISPENSE_LISTS = ['all', 'asked'] as const;
export type DispenseList = (typeof DISPENSE_LISTS)[number];
export const REQUEST_ENDS = ['arrival', 'quiet'] as const;
export type RequestEnd = (typeof REQUEST_ENDS)[number];

/** Options a profile may set where a real connector might differ (protocol.md §16). */
export interface DialectOptions {
  /** true: `#I#` state is per connection; false (default): global, survives reconnects. */
  initPerConnection: boolean;
  /** true: shorter parameter lists (10-parameter #C#, #B#0#, 3-parameter #P#) are #ER:BAD_DATA#; default false. */
  strictParameters: boolean;
  /**
   * Reply to `#!#` itself (protocol.md §5.26). 'idle' (default): `#0#` only when it found nothing
   * to cancel; a cancelled command's own `#WR:CANCEL…#` is the only reply. 'ack': also `#0#` after
   * the cancelled command's reply. 'none': never a reply of its own.
   */
  cancelReply: CancelReply;
  /**
   * When `#U2#` answers `#WR:LEVEL#` (protocol.md §5.10). 'short' (default): only when some
   * denomination could not be supplied; a full dispense answers `0` even with a level warning.
   * 'level': as `#U#`, also for a plain level warning after a full dispense.
   */
  u2Level: U2Level;
  /**
   * The denomination list in `#U#`/`#U2#` replies (protocol.md §6.2). 'all' (default): every
   * denomination of the profile, coins then notes, zeros included, like `#Y#`. 'asked': only the
   * denominations the command asked for (an empty side stays empty: `#0#;2000:2#`).
   */
  dispenseList: DispenseList;
  /**
   * When a command that could still grow ends (a shorter accepted form: `#?#`, `#B#0#`, a
   * 10-parameter `#C#`; docs/protocol-choices.md, Framing). 'arrival' (default): when it came
   * whole in one read, at the end of that read, as the connector acts on each arrival; a frame
   * that came in pieces still gets the quiet gap. 'quiet': always after a short silence (the
   * simulator's `idleFlushMs`).
   */
  requestEnd: RequestEnd;
  /** What `#I#` answers as the version field. Default "2.01". */
  version: string;
  /** Max frame length in bytes before #ER:BAD_DATA# and close. Default 4096. */
  maxFrameBytes: number;
}

export type { SimulatorState };

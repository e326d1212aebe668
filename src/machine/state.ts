/**
 * The machine model's state: plain data plus two shared, read-only references (the profile and
 * the fault engine). `step` never mutates the state it is given: it works on a copy
 * (`cloneState`), so a caller may keep old states around (tests compare before/after).
 */
import type { CustomerConfig } from '../server/types.js';
import type { FaultEngine } from '../faults/engine-types.js';
import type { DialectOptions } from './api.js';
import type { MachineProfile } from './profile.js';

/** A piece moving out of a recycler: to the exit (paid out) or into the stacker. */
export interface Move {
  value: number;
  to: 'exit' | 'stacker';
}

interface OperationBase {
  /** Sequence number, for events. */
  id: number;
  /** Connection that started it; its reply goes there. */
  conn: number;
  /** Command code ("C", "P", "B"…). */
  command: string;
  startedAt: number;
  /** Connections whose `#!#` is answered once this operation has replied (dialect cancelReply 'ack'). */
  cancelAcks: number[];
}

export interface InitOperation extends OperationBase {
  kind: 'init';
  cold: boolean;
}

/** `#C#`: the connector's payment screen. */
export interface ChargeOperation extends OperationBase {
  kind: 'charge';
  amount: number;
  acceptButton: boolean;
  partialAllowed: boolean;
  /** accepting → (confirming) → paying change, or → refunding after a cancel. */
  phase: 'accepting' | 'confirming' | 'paying' | 'refunding';
  /** Cash validated and stored so far. */
  inserted: number;
  /** Pieces the customer put in that are still going through the validator (head = in progress). */
  intake: number[];
  /** Accept was pressed while pieces were still being validated. */
  confirmRequested: boolean;
  /** The customer will press Accept once the cash covers the amount (the last insert did not opt out). */
  acceptWhenCovered: boolean;
  /** What the paying/refunding phase must pay out. */
  due: number;
  plan: Move[];
  paid: number;
  /** A jam or power loss stopped it. */
  failed: boolean;
}

/** `#B#` (sale) or `#A#2#` (refill): acceptance open, read with `#Q#`, closed with `#J#`. Not blocking. */
export interface AcceptOperation extends OperationBase {
  kind: 'accept';
  inserted: number;
  intake: number[];
  /** The inlet jammed: no more cash goes in until `#J#`/`#!#`. */
  jammed: boolean;
}

/** `#P# #U# #U2# #V# #V2#`: pieces leave the recyclers one by one. */
export interface DispenseOperation extends OperationBase {
  kind: 'dispense';
  /** Cents the command asked to move (progress denominator). */
  requested: number;
  plan: Move[];
  /** Cents paid out of the machine. */
  paid: number;
  /** Cents moved from the recyclers to the stacker. */
  toStacker: number;
  /** Pieces moved per denomination. */
  moved: Record<string, number>;
  /** For `#U#`/`#U2#`: the denominations asked for, to echo in the reply. */
  asked: Array<[number, number]>;
  short: boolean;
  failed: boolean;
  /** `#P#` with the only-coins flag. */
  coinsOnly?: boolean;
}

/** A connector screen that waits for the operator (`#G#`, `#D#`… `#S#`, `#F#`, `#A#1#`, `#?#SHOW#`). */
export interface ScreenOperation extends OperationBase {
  kind: 'screen';
  /** The operator may put cash in (add change) while it is open. */
  acceptsCash: boolean;
  inserted: number;
  intake: number[];
  /** Cash in the machine (recyclers + stacker) when it opened. */
  before: number;
  /** Cash in the recyclers when it opened (closure). */
  beforeRecyclers: number;
}

export type Operation = InitOperation | ChargeOperation | AcceptOperation | DispenseOperation | ScreenOperation;

export interface ActiveError {
  code: number;
  /** Blocking errors stop cash operations (`#ER:GENERIC#`); warnings only show in `#?#`. */
  blocking: boolean;
  /** Simulated time at which it clears by itself (fault `for`), or null. */
  until: number | null;
  /** Fault id or reason, for events. */
  source: string;
  /** For jams: the denomination that jammed (`#GC#` shows 31 JAM for it). */
  denomination?: number;
}

export interface MachineState {
  readonly profile: MachineProfile;
  readonly dialect: DialectOptions;
  readonly faults: FaultEngine | null;
  /** Wall-clock ms per simulated ms (the adapter's --time-scale); informative for the model. */
  readonly timeScale: number;
  /** The customer configuration given at start; `reset` returns to it. */
  readonly initialCustomer: CustomerConfig;
  customer: CustomerConfig;
  /** Pieces per denomination ("2000" → 8). Every profile denomination has a key. */
  recyclers: Record<string, number>;
  stacker: Record<string, number>;
  /** Money accounting: recyclers + stacker + dispensed + removed = initial + inserted, always. */
  ledger: { initial: number; inserted: number; dispensed: number; removed: number };
  /** Global `#I#` state (dialect initPerConnection false). */
  initialized: boolean;
  /** Connections that sent `#I#` (dialect initPerConnection true). */
  initConns: number[];
  /** The connector has initialised once since power-up: the next `#I#` is fast. */
  warm: boolean;
  /** A restart fault fired: everything but `#I#` is `#ER:ILLEGAL#`. */
  restartPending: boolean;
  /** Open connections. */
  conns: number[];
  operation: Operation | null;
  errors: ActiveError[];
  /** The stacker is (made) full: notes bound for it are refused. */
  stackerFull: boolean;
  /** Notes the validator may still take before preventive maintenance (`#W#0#`). */
  maintenanceNotesLeft: number;
  /** Last reply per connection ("3" → "#0#2.01#"), for stale-reply faults. */
  lastReply: Record<string, string>;
  /** Timers the model asked for and has not seen fire: id → simulated time. */
  timers: Record<string, number>;
  nextOperationId: number;
}

export function cloneState(s: MachineState): MachineState {
  return {
    ...s,
    customer: { ...s.customer, ...(s.customer.pay ? { pay: [...s.customer.pay] } : {}) },
    recyclers: { ...s.recyclers },
    stacker: { ...s.stacker },
    ledger: { ...s.ledger },
    initConns: [...s.initConns],
    conns: [...s.conns],
    operation: s.operation ? structuredClone(s.operation) : null,
    errors: s.errors.map((e) => ({ ...e })),
    lastReply: { ...s.lastReply },
    timers: { ...s.timers },
  };
}

/**
 * The machine model's state: plain data (the armed faults too) plus one shared, read-only
 * reference, the profile. `step` never mutates the state it is given: it works on a copy
 * (`cloneState`), so a caller may keep old states around (tests compare before/after).
 */
import type { CustomerConfig } from './types.js';
import type { FaultBook } from '../faults/book.js';
import type { DialectOptions } from './api.js';
import { normaliseCustomer } from './customer.js';
import { cashTotal } from './inventory.js';
import type { Operation } from './operations/index.js';
import { allDenominations, DEFAULT_DIALECT, type MachineProfile } from './profile.js';

export type { Operation };

/** A piece moving out of a recycler: to the exit (paid out) or into the stacker. */
export interface Move {
  value: number;
  to: 'exit' | 'stacker';
}

/** What every operation has; each kind adds its own fields (operations/<kind>.ts). */
export interface OperationBase {
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
  /** The armed domain faults and their counters and random state; null: no fault can fire. */
  faults: FaultBook | null;
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
    timers: { ...s.timers },
  };
}

export interface InitialStateOptions {
  customer?: CustomerConfig;
  /** The armed faults (src/faults/book.ts); its clock is simulated time. */
  faults?: FaultBook | null;
  dialect?: Partial<DialectOptions>;
}

const DEFAULT_CUSTOMER: CustomerConfig = { mode: 'manual' };

/** The machine as the profile describes it at power-up: not initialised, nothing open. */
export function initialState(profile: MachineProfile, options: InitialStateOptions = {}): MachineState {
  const denominations = allDenominations(profile);
  const customer = normaliseCustomer(options.customer ?? DEFAULT_CUSTOMER, { name: profile.name, denominations: denominations.map((d) => d.value) });
  const recyclers: Record<string, number> = {};
  const stacker: Record<string, number> = {};
  for (const d of denominations) {
    recyclers[String(d.value)] = d.recyclable ? d.initial : 0;
    stacker[String(d.value)] = d.stacked;
  }
  const state: MachineState = {
    profile,
    dialect: { ...DEFAULT_DIALECT, ...profile.dialect, ...(options.dialect ?? {}) },
    faults: options.faults ?? null,
    initialCustomer: customer,
    customer: { ...customer },
    recyclers,
    stacker,
    ledger: { initial: 0, inserted: 0, dispensed: 0, removed: 0 },
    initialized: false,
    initConns: [],
    warm: false,
    restartPending: false,
    conns: [],
    operation: null,
    errors: [],
    stackerFull: false,
    maintenanceNotesLeft: profile.maintenance.notesLeft,
    timers: {},
    nextOperationId: 1,
  };
  state.ledger.initial = cashTotal(state);
  return state;
}

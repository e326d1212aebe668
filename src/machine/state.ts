/**
 * The machine model's state: plain data (the armed faults too) plus one shared, read-only
 * reference, the profile. `step` never mutates the state it is given, so a caller may keep old
 * states around (tests compare before/after). It does not copy the whole state either: a step
 * works on a shallow copy whose parts are shared with the state it was given until the step
 * changes them (copy on write, context.ts). So every nested part is read-only here: a change
 * replaces the part (`s.initConns = [...s.initConns, conn]`) or writes to the step's own copy of it
 * (`ctx.own('recyclers')`). The open operation is the one part a step always copies (one level
 * deep, `cloneOperation`): its handlers change it in place, and it is small.
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
  readonly code: number;
  /** Blocking errors stop cash operations (`#ER:GENERIC#`); warnings only show in `#?#`. */
  readonly blocking: boolean;
  /** Simulated time at which it clears by itself (fault `for`), or null. */
  readonly until: number | null;
  /** Fault id or reason, for events. */
  readonly source: string;
  /** For jams: the denomination that jammed (`#GC#` shows 31 JAM for it). */
  readonly denomination?: number;
}

/** Money accounting: recyclers + stacker + dispensed + removed = initial + inserted, always. */
export interface Ledger {
  initial: number;
  inserted: number;
  dispensed: number;
  removed: number;
}

/** The parts of the state a step changes in place, on its own copy (`ctx.own(part)`). */
export interface OwnedParts {
  recyclers: Record<string, number>;
  stacker: Record<string, number>;
  ledger: Ledger;
  timers: Record<string, number>;
}

export interface MachineState {
  readonly profile: MachineProfile;
  readonly dialect: DialectOptions;
  /** The armed domain faults and their counters and random state; null: no fault can fire. */
  faults: FaultBook | null;
  /** The customer configuration given at start; `reset` returns to it. */
  readonly initialCustomer: CustomerConfig;
  customer: Readonly<CustomerConfig>;
  /** Pieces per denomination ("2000" → 8). Every profile denomination has a key. */
  recyclers: Readonly<Record<string, number>>;
  stacker: Readonly<Record<string, number>>;
  ledger: Readonly<Ledger>;
  /** Global `#I#` state (dialect initPerConnection false). */
  initialized: boolean;
  /** Connections that sent `#I#` (dialect initPerConnection true). */
  initConns: readonly number[];
  /** The connector has initialised once since power-up: the next `#I#` is fast. */
  warm: boolean;
  /** A restart fault fired: everything but `#I#` is `#ER:ILLEGAL#`. */
  restartPending: boolean;
  /** Open connections (connSet* below). */
  conns: ConnSet;
  operation: Operation | null;
  errors: readonly ActiveError[];
  /** The stacker is (made) full: notes bound for it are refused. */
  stackerFull: boolean;
  /** Notes the validator may still take before preventive maintenance (`#W#0#`). */
  maintenanceNotesLeft: number;
  /** Timers the model asked for and has not seen fire: id → simulated time. */
  timers: Readonly<Record<string, number>>;
  nextOperationId: number;
}

/**
 * The step's own copy of a state: every field, the nested parts still shared (copy on write,
 * context.ts). Written out field by field rather than spread: a spread of this many fields takes
 * V8's slow path, one property at a time, on every step. The `satisfies` clause asks for every
 * field, so one added to MachineState and forgotten here does not compile.
 */
export function copyState(prev: MachineState, operation: Operation | null): MachineState {
  return {
    profile: prev.profile,
    dialect: prev.dialect,
    faults: prev.faults,
    initialCustomer: prev.initialCustomer,
    customer: prev.customer,
    recyclers: prev.recyclers,
    stacker: prev.stacker,
    ledger: prev.ledger,
    initialized: prev.initialized,
    initConns: prev.initConns,
    warm: prev.warm,
    restartPending: prev.restartPending,
    conns: prev.conns,
    operation,
    errors: prev.errors,
    stackerFull: prev.stackerFull,
    maintenanceNotesLeft: prev.maintenanceNotesLeft,
    timers: prev.timers,
    nextOperationId: prev.nextOperationId,
  } satisfies Record<keyof MachineState, unknown>;
}

/**
 * A copy of an operation that a step may change in place: its own fields, and its arrays and
 * records one level down (the intake queue, the plan, the moves counted). Deeper values (a
 * plan's moves, `#U#`'s asked pairs) are never changed in place, only replaced.
 */
export function cloneOperation<O extends Operation>(op: O): O {
  const copy: Record<string, unknown> = { ...op };
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = value.slice();
    else if (value !== null && typeof value === 'object') copy[key] = cloneShallow(value as Record<string, unknown>);
  }
  return copy as O;
}

function cloneShallow(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...value };
  // The customer's feed carries its own queue of pieces.
  for (const key of Object.keys(copy)) if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).slice();
  return copy;
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
  const initial = cashTotal({ recyclers, stacker });
  const state: MachineState = {
    profile,
    dialect: { ...DEFAULT_DIALECT, ...profile.dialect, ...(options.dialect ?? {}) },
    faults: options.faults ?? null,
    initialCustomer: customer,
    customer: { ...customer },
    recyclers,
    stacker,
    ledger: { initial, inserted: 0, dispensed: 0, removed: 0 },
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
  return state;
}

/**
 * The open connections, ascending, in groups of at most CONN_GROUP. The state is never changed in
 * place, so a flat list was copied whole on every connect and close: with a thousand idle POS
 * connections, each new one cost a copy of the thousand (most of the simulator's garbage, and its
 * heap growth; docs/bench.md, Where the memory goes). Now a change copies one group and the
 * short list of groups.
 */
export type ConnSet = readonly (readonly number[])[];

const CONN_GROUP = 64;

export function connSetAdd(set: ConnSet, conn: number): ConnSet {
  // Ids grow, so a new connection almost always belongs at the end.
  let at = set.findIndex((g) => conn <= (g[g.length - 1] as number));
  if (at < 0) at = set.length - 1;
  const group = set[at];
  if (group === undefined) return [[conn]];
  let i = group.findIndex((c) => c >= conn);
  if (group[i] === conn) return set;
  if (i < 0) i = group.length;
  const grown = group.slice();
  grown.splice(i, 0, conn);
  const parts = grown.length > CONN_GROUP ? [grown.slice(0, CONN_GROUP), grown.slice(CONN_GROUP)] : [grown];
  const next = set.slice();
  next.splice(at, 1, ...parts);
  return next;
}

export function connSetRemove(set: ConnSet, conn: number): ConnSet {
  const at = set.findIndex((g) => g.includes(conn));
  if (at < 0) return set;
  const shrunk = (set[at] as readonly number[]).filter((c) => c !== conn);
  const next = set.slice();
  if (shrunk.length > 0) next.splice(at, 1, shrunk);
  else next.splice(at, 1);
  return next;
}

/** Every open connection, ascending. */
export function connSetList(set: ConnSet): number[] {
  return set.flat();
}

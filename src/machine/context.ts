/**
 * One step's working context: the step's own state, the simulated time, and what the step says
 * (outputs and timer requests). Every part of the machine works through it, so the reducer's
 * pieces stay pure and a step's effects are collected in one place.
 *
 * The step's state is a shallow copy of the one it was given (copy on write): the nested parts
 * stay shared until the step changes one, and `own(part)` copies that part once per step. A
 * `#T#` then costs no copy of the inventory at all; copying everything at every step was half
 * the simulator's CPU time under load (the inventories are keyed by cents, "50000", which V8
 * stores as slow dictionary elements: about 7 µs a copy).
 */
import { consult as consultFaults } from '../faults/book.js';
import type { MovingPiece } from '../faults/effects.js';
import type { FaultOpportunity, FiredFault } from '../faults/engine-types.js';
import type { ParsedCommand } from '../protocol/codec.js';
import type { TranscriptEventKind } from '../protocol/transcript.js';
import type { MachineOutput, TimerRequest } from './api.js';
import { formatMoney, type MachineProfile } from './profile.js';
import { inventoryTotal } from './inventory.js';
import { cloneOperation, copyState, type MachineState, type OwnedParts } from './state.js';

const OWN_BIT: Readonly<Record<keyof OwnedParts, number>> = { recyclers: 1, stacker: 2, ledger: 4, timers: 8 };
const NOTHING_FIRED: readonly FiredFault[] = Object.freeze([]);
/** Totals of inventories no step changes any more (parts of a state already returned), by identity, with the profile they were summed over. */
const TOTALS = new WeakMap<Readonly<Record<string, number>>, { profile: MachineProfile; total: number }>();

/** What a fired domain fault did: it stopped the operation, or asked for `#ER:BUSY#`. */
export interface FaultOutcome {
  stopped: boolean;
  busy: boolean;
}

/**
 * Applies one fired domain fault to the machine. Injected by the reducer (fault-effects.ts), so
 * the parts that move cash can let faults act without depending on every operation kind.
 */
export type FaultApplier = (ctx: Ctx, fault: FiredFault, conn: number, piece: MovingPiece | null) => FaultOutcome;

/** A command the machine answers outside the start of an operation (`#T#`, `#E#`, `#Q#`…). */
export type CommandHandler = (ctx: Ctx, conn: number, cmd: ParsedCommand) => void;

export class Ctx {
  readonly outputs: MachineOutput[] = [];
  readonly timers: TimerRequest[] = [];
  /** This step's state: top-level fields are its own, nested parts shared until `own`. */
  readonly s: MachineState;
  /** The parts this step has copied (OWN_BIT), so each is copied at most once. */
  private owned = 0;
  constructor(
    prev: MachineState,
    readonly now: number,
    private readonly applier: FaultApplier,
  ) {
    this.s = copyState(prev, prev.operation ? cloneOperation(prev.operation) : null);
  }

  /** A part of the state this step may change in place: copied from the given state the first time. */
  own<K extends keyof OwnedParts>(part: K): OwnedParts[K] {
    const s = this.s as unknown as OwnedParts;
    const bit = OWN_BIT[part];
    if ((this.owned & bit) === 0) {
      s[part] = { ...s[part] };
      this.owned |= bit;
    }
    return s[part];
  }

  /**
   * Cents in the recyclers or the stacker now. A part this step has not taken for itself is
   * the given state's, which no step changes any more, so its total is remembered (a POS
   * polling `#T#` asks for the same two totals again and again; each costs a look-up per
   * denomination in an object V8 keeps as a dictionary).
   */
  total(part: 'recyclers' | 'stacker'): number {
    const counts = this.s[part];
    if ((this.owned & OWN_BIT[part]) !== 0) return inventoryTotal(this.s.profile, counts);
    const known = TOTALS.get(counts);
    if (known !== undefined && known.profile === this.s.profile) return known.total;
    const total = inventoryTotal(this.s.profile, counts);
    TOTALS.set(counts, { profile: this.s.profile, total });
    return total;
  }

  get profile(): MachineProfile {
    return this.s.profile;
  }

  setTimer(id: string, atMs: number): void {
    this.own('timers')[id] = atMs;
    this.timers.push({ type: 'set', id, atMs });
  }

  clearTimer(id: string): void {
    if (id in this.s.timers) {
      delete this.own('timers')[id];
      this.timers.push({ type: 'clear', id });
    }
  }

  /** A timer fired: the model forgets it (the host already has). */
  timerFired(id: string): void {
    delete this.own('timers')[id];
  }

  event(kind: TranscriptEventKind, text: string, extra: { conn?: number; fault?: string } = {}): void {
    this.outputs.push({ type: 'event', kind, text, ...extra });
  }

  money(cents: number): string {
    return formatMoney(this.s.profile, cents);
  }

  /** Asks the fault book what fires here; the book's counters and random state move on. */
  consult(opportunity: FaultOpportunity): readonly FiredFault[] {
    const book = this.s.faults;
    // Nothing armed, nothing fires, and the book does not move (book.ts, consult).
    if (!book || book.armed.length === 0) return NOTHING_FIRED;
    const result = consultFaults(book, opportunity, this.now);
    this.s.faults = result.book;
    for (const f of result.fired) this.event('fault', f.sentence, { fault: f.id, conn: opportunity.conn });
    return result.fired;
  }

  applyFault(fault: FiredFault, conn: number, piece: MovingPiece | null): FaultOutcome {
    return this.applier(this, fault, conn, piece);
  }

  reply(conn: number, command: string, frame: string): void {
    this.outputs.push({ type: 'reply', conn, command, frame });
  }
}

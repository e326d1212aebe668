/**
 * One step's working context: the copied state, the simulated time, and what the step says
 * (outputs and timer requests). Every part of the machine works through it, so the reducer's
 * pieces stay pure and a step's effects are collected in one place.
 */
import { consult as consultFaults } from '../faults/book.js';
import type { MovingPiece } from '../faults/effects.js';
import type { FaultOpportunity, FiredFault } from '../faults/engine-types.js';
import type { ParsedCommand } from '../protocol/codec.js';
import type { TranscriptEventKind } from '../protocol/transcript.js';
import type { MachineOutput, TimerRequest } from './api.js';
import { formatMoney, type MachineProfile } from './profile.js';
import type { MachineState } from './state.js';

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
  constructor(
    readonly s: MachineState,
    readonly now: number,
    private readonly applier: FaultApplier,
  ) {}

  get profile(): MachineProfile {
    return this.s.profile;
  }

  setTimer(id: string, atMs: number): void {
    this.s.timers[id] = atMs;
    this.timers.push({ type: 'set', id, atMs });
  }

  clearTimer(id: string): void {
    if (id in this.s.timers) {
      delete this.s.timers[id];
      this.timers.push({ type: 'clear', id });
    }
  }

  event(kind: TranscriptEventKind, text: string, extra: { conn?: number; fault?: string } = {}): void {
    this.outputs.push({ type: 'event', kind, text, ...extra });
  }

  money(cents: number): string {
    return formatMoney(this.s.profile, cents);
  }

  /** Asks the fault book what fires here; the book's counters and random state move on. */
  consult(opportunity: FaultOpportunity): FiredFault[] {
    const book = this.s.faults;
    if (!book) return [];
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

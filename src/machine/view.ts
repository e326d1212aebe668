/**
 * The machine as the control API shows it (`GET /state`, interfaces.md §2), plus the ledger
 * that makes money conservation checkable: recyclers + stacker + dispensed + removed =
 * initial + inserted.
 */
import type { OperationView, ProfileView, SimulatorState } from '../server/types.js';
import { levelCode, levelName, stackerLevelCode, type LevelName } from './levels.js';
import { allDenominations, type MachineProfile } from './profile.js';
import type { MachineState } from './state.js';

export interface MachineView extends SimulatorState {
  ledger: {
    inserted: number;
    dispensed: number;
    /** Cash the operator took out (stacker removal, coins set to zero). */
    removed: number;
    /** Cash in the machine at start, moved along by `PUT /inventory`. */
    initial: number;
  };
  /** Level of every recyclable denomination ("2000") and of "STACKER", for colours. */
  levels: Record<string, LevelName>;
  /** A restart fault fired: everything but `#I#` answers `#ER:ILLEGAL#`. */
  restartPending: boolean;
}

export function viewState(s: MachineState): MachineView {
  const recyclers: Record<string, number> = {};
  const stacker: Record<string, number> = {};
  const levels: Record<string, LevelName> = {};
  let recyclerTotal = 0;
  let stackerTotal = 0;
  let stackerNotes = 0;
  for (const d of allDenominations(s.profile)) {
    const key = String(d.value);
    const r = s.recyclers[key] ?? 0;
    const k = s.stacker[key] ?? 0;
    recyclers[key] = r;
    stacker[key] = k;
    recyclerTotal += r * d.value;
    stackerTotal += k * d.value;
    if (d.isNote) stackerNotes += k;
    if (d.recyclable) levels[key] = levelName(levelCode(d, r));
  }
  levels['STACKER'] = levelName(stackerLevelCode(s.profile, stackerNotes, s.stackerFull));
  return {
    initialized: s.dialect.initPerConnection ? s.initConns.length > 0 : s.initialized,
    operation: operationView(s),
    inventory: { recyclers, stacker },
    totals: { recyclers: recyclerTotal, stacker: stackerTotal },
    errors: s.errors.map((e) => e.code),
    ledger: { ...s.ledger },
    levels,
    restartPending: s.restartPending,
  };
}

function operationView(s: MachineState): OperationView | null {
  const op = s.operation;
  if (!op) return null;
  switch (op.kind) {
    case 'init':
      return { command: 'I', conn: op.conn, waitingFor: null, phase: op.cold ? 'cold-start' : 'warm-start' };
    case 'charge':
      return {
        command: 'C',
        conn: op.conn,
        amount: op.amount,
        inserted: op.inserted,
        dispensed: op.paid,
        waitingFor: op.phase === 'accepting' || op.phase === 'confirming' ? 'customer' : null,
        phase: op.phase,
        acceptButton: op.acceptButton,
        partialCharge: op.partialAllowed,
        validating: op.intake.length,
      };
    case 'accept':
      return { command: op.command, conn: op.conn, inserted: op.inserted, waitingFor: op.jammed ? null : 'customer', phase: op.jammed ? 'jammed' : 'accepting' };
    case 'dispense':
      return { command: op.command, conn: op.conn, amount: op.requested, dispensed: op.paid, waitingFor: null, phase: 'dispensing', remaining: op.plan.length };
    case 'screen':
      return { command: op.command, conn: op.conn, inserted: op.inserted, waitingFor: 'operator', phase: 'screen' };
  }
}

/** What the web page and `GET /profile` show about the machine. */
export function profileView(profile: MachineProfile): ProfileView & { symbol: string; symbolFirst: boolean; decimals: number } {
  const levels: NonNullable<ProfileView['levels']> = {};
  for (const d of allDenominations(profile)) {
    if (d.recyclable) levels[String(d.value)] = { capacity: d.capacity, nearEmpty: d.nearEmpty, nearFull: d.nearFull };
  }
  return {
    name: profile.name,
    currency: profile.currency.code,
    symbol: profile.currency.symbol,
    symbolFirst: profile.currency.symbolFirst,
    decimals: profile.currency.decimals,
    coins: profile.coins.map((d) => d.value),
    notes: profile.notes.map((d) => d.value),
    recyclable: allDenominations(profile).filter((d) => d.recyclable).map((d) => d.value),
    levels,
  };
}

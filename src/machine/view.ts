/**
 * The machine as the control API shows it (`GET /state`, docs/simulator.md, Control API reference), plus the ledger
 * that makes money conservation checkable: recyclers + stacker + dispensed + removed =
 * initial + inserted.
 */
import type { DialectOptions } from './api.js';
import type { OperationView, ProfileView, SimulatorState } from './types.js';
import { levelCode, levelName, stackerLevelCode, type LevelName } from './levels.js';
import { handlerOf } from './operations/index.js';
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
  /** The dialect options in force (docs/protocol-choices.md), to compare with a real machine. */
  dialect: DialectOptions;
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
    dialect: { ...s.dialect },
  };
}

function operationView(s: MachineState): OperationView | null {
  const op = s.operation;
  return op ? handlerOf(op).view(op) : null;
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

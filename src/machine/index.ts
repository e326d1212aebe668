/**
 * The simulated Cashlogy machine: profiles, the pure reducer `step`, and the `GET /state` view.
 *
 *   const profile = loadProfile('eur-pos1500'); // src/server/load-profile.ts: profiles are files
 *   let state = initialState(profile, { faults: engine, customer: { mode: 'manual' } });
 *   const { state: next, outputs, timers } = step(state, { type: 'frame', conn: 1, frame: '#I#' }, nowMs);
 *
 * State ownership: `step` copies before changing anything, so the state passed in stays valid.
 * Customer/operator inputs that make no sense right now throw `CertError` with code
 * `NOTHING_OPEN` (HTTP 409); unknown denominations or bad inventory throw `InvalidInputError` (400).
 */
export type { DialectOptions, MachineInput, MachineOutput, StepResult, TimerRequest } from './api.js';
export { initialState, step, cashTotal, levelWarning, denomination, type InitialStateOptions } from './machine.js';
export { viewState, profileView, type MachineView } from './view.js';
export {
  validateProfile,
  profileDenominations,
  formatMoney,
  allDenominations,
  DEFAULT_DIALECT,
  DEFAULT_DURATIONS,
  type MachineProfile,
  type Denomination,
  type Durations,
  type ProfileProblem,
} from './profile.js';
export type { MachineState, Operation, ActiveError, Move } from './state.js';
export { planChange, coveringCombination, type ChangePlan, type StockEntry } from './change.js';
export { LEVEL, levelCode, levelName, isLevelWarning, type LevelName } from './levels.js';
export { JAM_CODES, DOOR_CODES, POWER_OFF_CODE, STACKER_FULL_CODE, CHANGE_SHORT_CODE, MAINTENANCE_DUE_CODE, errorDetail, isWarningCode } from './device-errors.js';
export { createMachineHarness, type HarnessOptions, type MachineHarness } from './harness.js';

import type { MachineProfile } from './profile.js';

/** The currency of a profile, for the web page ("€", symbol after the amount, 2 decimals). */
export function currencyOf(profile: MachineProfile): MachineProfile['currency'] {
  return { ...profile.currency };
}

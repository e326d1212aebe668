/**
 * The public library API of cashlogy-cert: re-exports only.
 */
export type { TranscriptEntry, TranscriptDirection, TranscriptEventKind } from './protocol/transcript.js';
export type { FaultSpec, FaultTrigger, FaultStatus, FaultType } from './faults/spec.js';
export type {
  SimulatorHandle,
  SimulatorOptions,
  SimulatorState,
  InventoryCounts,
  CustomerConfig,
} from './server/types.js';
export type { PosProfile, PosOutcome, PosAction, IntegrationType } from './pos/types.js';
export type { RunResult, ItemResult, CheckResult, ItemVerdict, RunVerdict } from './runner/result.js';
export { CertError, UsageError, InvalidInputError, RuntimeError } from './errors.js';
export { startSimulator } from './server/start.js';
export { SimulatorError } from './server/errors.js';
export type { ProfileView } from './server/types.js';

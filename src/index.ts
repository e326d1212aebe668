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

// Checklists and POS profiles
export type { Checklist, ChecklistItem, Step, Expectation, FramePattern, ValueMatcher, Lang, Localized } from './checklist/types.js';
export { loadChecklist, parseChecklist } from './checklist/load.js';
export { resolveChecklist, applicability, orderItems } from './checklist/select.js';
export { loadPosProfile, parsePosProfile, referencePosProfile } from './pos/profile.js';

// The runner and the POS drivers
export { runChecklist, type RunOptions } from './runner/run.js';
export type { RunEvent } from './runner/events.js';
export { createDriver, inProcessDriver, DRIVERS, type PosDriver, type InProcessPos } from './drivers/index.js';

// Reports and the submission bundle
export { writeBundle, verifyBundle, REPORTERS, getReporter, loadResult } from './reporters/index.js';

// The reference POS (sample integration code)
export { createReferencePos, ReferencePos, ConnectorSession, CashlogyConnection, startHookServer } from './reference-pos/index.js';

// The fault catalogue and engine
export { listFaultInfo, validateFaultSpec } from './faults/registry.js';
export { parseFaultArg, loadFaultsFile } from './faults/cli.js';

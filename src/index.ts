/**
 * The public library API of cashlogy-cert: re-exports only. test/architecture/public-api.test.ts
 * pins the list of names; adding one is a deliberate change to that list.
 */

// Errors: every error has a stable `code` (the CLI maps codes to exit codes).
export { CertError, UsageError, InvalidInputError, RuntimeError, type ErrorCode } from './errors.js';
export type { Issue } from './format/issues.js';

// The pure wire layer (docs/protocol.md): framing and the codec, for a POS's own unit tests.
export { createFramer, DEFAULT_MAX_FRAME_BYTES, type Framer, type FramerItem, type FramerOptions } from './protocol/framer.js';
export {
  BAD_DATA_REPLY,
  decodeReply,
  encodeCommand,
  encodeReply,
  formatVpd,
  parseFrame,
  parseVpd,
  type DecodedReply,
  type FieldValue,
  type ParseOptions,
  type ParseResult,
  type ParsedCommand,
  type Vpd,
} from './protocol/codec.js';
export { commandSpec, isCommandCode, type CommandSpec } from './protocol/commands.js';
export { statusMeaning } from './protocol/statuses.js';
export type { TranscriptEntry, TranscriptDirection, TranscriptEventKind } from './protocol/transcript.js';

// The machine model on virtual time, without sockets.
export { createMachineHarness, type MachineHarness } from './machine/harness.js';
export type { MachineProfile } from './machine/profile.js';
export type { MachineView } from './machine/view.js';
export { loadProfile as loadMachineProfile } from './server/load-profile.js';

// The simulator
export { startSimulator } from './server/start.js';
export { SimulatorError } from './server/errors.js';
export type { SimulatorHandle, SimulatorOptions, SimulatorState, InventoryCounts, CustomerConfig, ProfileView } from './server/types.js';
export type { TicketsTuning, TicketsView } from './server/types.js';
export type { TicketsDialect, NokReason } from './tickets/dialect.js';

// Faults
export type { FaultSpec, FaultTrigger, FaultStatus, FaultType } from './faults/spec.js';
export { listFaultInfo, validateFaultSpec } from './faults/registry.js';

// Checklists and POS profiles
export { LANGS, type Lang, type Localized } from './i18n.js';
export type { Checklist, ChecklistItem, Step, Expectation, FramePattern, ValueMatcher } from './checklist/types.js';
export { loadChecklist, parseChecklist } from './checklist/load.js';
export { resolveChecklist, applicability, orderItems } from './checklist/select.js';
export type { PosProfile, PosOutcome, PosAction, IntegrationType } from './pos/types.js';
export { loadPosProfile, parsePosProfile, referencePosProfile } from './pos/profile.js';

// The runner and the POS drivers
export { runChecklist, type RunOptions } from './runner/run.js';
export type { RunEvent } from './runner/events.js';
export type { RunResult, ItemResult, CheckResult, ItemVerdict, RunVerdict } from './runner/result.js';
export { createDriver, inProcessDriver, DRIVERS, type PosDriver, type InProcessPos } from './drivers/index.js';

// Reports and the submission bundle
export { REPORTERS, getReporter, type Reporter, type ReportFile, type ReportInput } from './reporters/index.js';
export { loadResult, parseResult } from './reporters/load-result.js';
export { planBundle, type BundlePlan, type BundlePlanOptions, type HostFacts } from './bundle/plan.js';
export type { Manifest, ManifestEntry } from './bundle/manifest.js';
export { verifyBundle, type VerifyResult, type VerifyProblem } from './bundle/verify.js';
export { writeBundle, type BundleOptions } from './cli/write-bundle.js';

// Replay: a recorded connector answers a POS frame for frame (docs/replay.md)
export { startReplay, type ReplayHandle, type ReplayOptions } from './replay/server.js';
export { replayWithPos, type ReplayRunOptions, type ReplayRunResult } from './replay/run.js';
export { parseRecording, type Recording, type RecordedItem } from './replay/recording.js';
export type { Divergence } from './replay/matcher.js';

// The reference POS (sample integration code)
export { createReferencePos, ReferencePos, ConnectorSession, CashlogyConnection, startHookServer } from './reference-pos/index.js';

/**
 * The bundled reference POS: a correct CashlogyConnector integration that doubles as sample
 * code. Use it in-process (`createReferencePos`) or as a separate process behind the `http`
 * driver (`main.ts`, started by the `reference` driver).
 */
import type { IntegrationType, PosOutcome } from '../pos/types.js';
import { ReferencePos, type ActionBody, type ReferencePosOptions } from './pos.js';

export { ReferencePos, PosRequestError } from './pos.js';
export type { ReferencePosOptions, ActionBody, DispenseResult } from './pos.js';
export { REFERENCE_DESIGNS, DEFAULT_DESIGN, DESIGN_KEYS, POLL_INTERVAL_BOUNDS_MS, designFlag, designFlags, parseDesign } from '../pos/reference-designs.js';
export type { ReferenceDesign, DesignKey } from '../pos/reference-designs.js';
export { ConnectorSession } from './session.js';
export type { SessionOptions, MoneyResult } from './session.js';
export { CashlogyConnection, ConnectionLostError, ReplyTimeoutError, ConnectFailedError, DEFAULT_TIMEOUTS_MS } from './connection.js';
export type { ConnectionOptions } from './connection.js';
export { startHookServer } from './hook-server.js';
export type { HookServer, ActionPerformer } from './hook-server.js';
export type { Reply } from './replies.js';

/** What the runner's in-process driver needs from a POS. */
export interface InProcessPos {
  perform(action: string, body?: ActionBody): Promise<PosOutcome>;
  close(): Promise<void>;
}

export interface CreateReferencePosOptions extends Omit<ReferencePosOptions, 'integration' | 'features'> {
  integration: IntegrationType;
  features?: readonly string[];
}

/** The reference POS, in this process, talking to the connector (or simulator) at host:port. */
export function createReferencePos(options: CreateReferencePosOptions): InProcessPos {
  return new ReferencePos(options);
}

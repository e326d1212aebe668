/**
 * The bundled reference POS: a correct CashlogyConnector integration that doubles as sample
 * code. Use it in-process (`createReferencePos`) or as a separate process behind the `http`
 * driver (`main.ts`, started by the `reference` driver).
 */
import type { IntegrationType, PosOutcome } from '../pos/types.js';
import { ReferencePos, type ActionBody, type ReferencePosOptions } from './pos.js';
import { TicketsPos, type TicketsPosOptions } from './tickets.js';

export { ReferencePos, PosRequestError } from './pos.js';
export type { ReferencePosOptions, ActionBody, DispenseResult } from './pos.js';
export { REFERENCE_DESIGNS, DEFAULT_DESIGN, DESIGN_KEYS, POLL_INTERVAL_BOUNDS_MS, designFlag, designFlags, parseDesign } from '../pos/reference-designs.js';
export type { ReferenceDesign, DesignKey } from '../pos/reference-designs.js';
export { TicketsPos, TICKETS_WORDS, TICKETS_DESIGNS, DEFAULT_TICKETS_DESIGN } from './tickets.js';
export type { TicketsPosOptions, TicketsDesign, TicketsAnswer, NoAnswer } from './tickets.js';
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
  /** A tickets integration's shared requests folder (CASHLOGY_TICKETS_DIR). */
  ticketsDir?: string;
  /** Tickets mode options beyond the folder (timeouts, design). */
  tickets?: Omit<TicketsPosOptions, 'dir'>;
}

/**
 * The reference POS, in this process: talking to the connector (or simulator) at host:port, or,
 * for a tickets integration, exchanging files in `ticketsDir`.
 */
export function createReferencePos(options: CreateReferencePosOptions): InProcessPos {
  if (options.integration === 'tickets') {
    return new TicketsPos({ ...(options.tickets ?? {}), dir: options.ticketsDir ?? '', ...(options.log ? { log: options.log } : {}) });
  }
  return new ReferencePos(options);
}

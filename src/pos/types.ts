/**
 * The POS profile (`pos.yaml`) and the POS driver contract (docs/runner.md, Drivers).
 */
import type { ReferenceDesign } from './reference-designs.js';

export const INTEGRATION_TYPES = ['express', 'complete', 'mixed', 'tickets'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export const POS_ACTIONS = [
  'startup',
  'sale',
  'refund',
  'cancel',
  'backoffice',
  'refill',
  'close-day',
  'shutdown',
] as const;
export type PosAction = (typeof POS_ACTIONS)[number];

/** Features a POS declares; a mixed integration runs the complete-integration items these name. */
export const POS_FEATURES = [
  'refund',
  'backoffice',
  'refill',
  'close-day',
  'no-screen-sale',
  'error-polling',
  'withdraw',
] as const;

export const DRIVER_TYPES = ['http', 'command', 'manual', 'reference'] as const;
export type DriverType = (typeof DRIVER_TYPES)[number];

interface DriverCommon {
  /** Optional long-running POS process, started before the first action, stopped (whole tree) at the end. */
  start?: string[];
  /** Working directory for started processes; relative to the pos.yaml's folder. */
  cwd?: string;
  /** Extra environment for started processes and actions. */
  env?: Record<string, string>;
  /**
   * false: started processes get only a minimal environment (PATH, HOME, locale, temp folder)
   * plus `env` and the runner's variables, not the runner's whole environment (CI secrets).
   * Default true.
   */
  inheritEnv?: boolean;
  /** Per-action timeout in ms (already parsed from "30s"). */
  timeoutsMs?: Partial<Record<PosAction, number>>;
}

export interface HttpDriverConfig extends DriverCommon {
  type: 'http';
  /** Base URL; `{hookPort}` is substituted. */
  url: string;
  /** How long to wait for the hook URL to accept connections. */
  readyTimeoutMs?: number;
}

export interface CommandDriverConfig extends DriverCommon {
  type: 'command';
  /** argv per action; `{amount}`, `{hookPort}`, `{action}` are substituted. */
  actions: Partial<Record<PosAction, string[]>>;
}

export interface ManualDriverConfig extends DriverCommon {
  type: 'manual';
}

export interface ReferenceDriverConfig extends DriverCommon {
  type: 'reference';
  /** Run the reference POS inside the runner process instead of as a child process behind the http driver. */
  inProcess?: boolean;
  /** Which correct integration design the reference POS follows (src/pos/reference-designs.ts); defaults otherwise. */
  options?: Partial<ReferenceDesign>;
}

export type DriverConfig = HttpDriverConfig | CommandDriverConfig | ManualDriverConfig | ReferenceDriverConfig;

export interface PosProfile {
  name: string;
  version: string;
  company: string;
  email: string;
  integration: IntegrationType;
  features: string[];
  driver: DriverConfig;
  /** Where the profile was loaded from (absent for the built-in reference profile). */
  file?: string;
}

/** What the POS reports after an action (docs/runner.md, Drivers). Amounts in cents. */
export interface PosOutcome {
  outcome: 'completed' | 'cancelled' | 'failed';
  /** Net amount the POS booked. */
  paid?: number;
  /** What the POS believes was given back. */
  change?: number;
  /** What the POS told the cashier to hand over manually (e.g. after a partial dispense). */
  owed?: number;
  refunded?: number;
  message?: string;
  /**
   * The POS could not learn from the connector what happened (lost reply, dropped connection),
   * booked nothing and told the cashier in `message` what to check (docs/runner.md, Drivers).
   */
  uncertain?: boolean;
  [extra: string]: unknown;
}

/**
 * One POS action as a run records it (result.json `items[].actions[]`): what was asked, when,
 * and what the POS answered. The runner adds what went wrong around it; replay reads this much.
 */
export interface PosActionRecord {
  action: PosAction;
  amount?: number;
  /** Step name, when the step had one. */
  name?: string;
  /** ms since the item start. */
  startedAt: number;
  durationMs: number;
  outcome?: PosOutcome;
}

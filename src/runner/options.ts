/** What a run is asked to do (the library's `runChecklist` options). */
import type { Checklist, ChecklistItem } from '../checklist/types.js';
import type { DriverContext, PosDriver } from '../drivers/driver.js';
import type { OperatorConsole } from '../drivers/operator.js';
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import type { SimulatorHandle, SimulatorOptions } from '../server/types.js';
import type { RunEventListener } from './events.js';
import type { Shard } from './selection.js';

export interface RunOptions {
  checklist: Checklist;
  pos: PosProfile;
  /** Seed of the simulator's random source (replays fault decisions). Default: random, reported in the result. */
  seed?: number;
  /** Simulator time scale (0.02 = 50× faster). Default 1. */
  timeScale?: number;
  lang?: Lang;
  /** Never prompt: operator checks become `skipped`, the manual driver is refused. */
  ci?: boolean;
  /** Parallel lanes, each with its own simulator and POS instance. Default 1. */
  jobs?: number;
  shard?: Shard;
  only?: string[];
  tags?: string[];
  /** Simulator machine profile (name or file). Default `eur-pos1500`. */
  profile?: string;
  /** Build the POS driver for a lane instead of the registry driver of `pos.driver`. */
  driverFactory?: (lane: number) => PosDriver;
  /** Base directory, environment and operator terminal for registry drivers. */
  driverContext?: Partial<DriverContext>;
  /** Operator terminal for `operator` checks (and the manual driver). */
  console?: OperatorConsole;
  /**
   * A real CashlogyConnector instead of the simulator (`run --connector`): the lane starts a proxy
   * to it (src/runner/connector.ts); one lane only, customer and operator steps become prompts.
   */
  connector?: { host: string; port: number };
  /** Override the simulator (tests); default `startSimulator` from src/server/start.ts. */
  startSimulator?: (options: SimulatorOptions) => Promise<SimulatorHandle>;
  /** Whether an item applies to the POS; default: `applicability` of src/checklist/select.ts (integrations and features). */
  applicability?: (item: ChecklistItem, pos: PosProfile) => { applicable: boolean; reason?: string };
  /** Stop handing out items once this many required items failed or errored (`run --max-failures`); the rest are not run. */
  maxFailures?: number;
  onEvent?: RunEventListener;
  /** Abort to stop the run (Ctrl-C): running items end as `skipped`, the result says `interrupted`. */
  signal?: AbortSignal;
}

export const DEFAULT_PROFILE = 'eur-pos1500';

/**
 * The driver registry: the key is what users write as `driver.type` in pos.yaml.
 */
import type { DriverConfig, DriverType } from '../pos/types.js';
import { commandDriver } from './command.js';
import type { DriverContext, DriverFactory, PosDriver } from './driver.js';
import { httpDriver } from './http.js';
import { manualDriver } from './manual.js';
import { referenceDriver } from './reference.js';

export const DRIVERS: { [K in DriverType]: DriverFactory<Extract<DriverConfig, { type: K }>> } = {
  http: httpDriver,
  command: commandDriver,
  manual: manualDriver,
  reference: referenceDriver,
};

export function createDriver(config: DriverConfig, context: DriverContext): PosDriver {
  const factory = DRIVERS[config.type] as DriverFactory | undefined;
  if (!factory) throw new Error(`unknown driver type "${String((config as { type: unknown }).type)}"`);
  return factory(config, context);
}

export type { PosDriver, DriverContext, DriverTarget, PerformResult, PerformOptions, ActionBody, OperatorConsole } from './driver.js';
export { inProcessDriver, type InProcessPos, type InProcessPosFactory } from './in-process.js';

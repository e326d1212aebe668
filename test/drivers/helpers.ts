import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { DriverContext, DriverTarget } from '../../src/drivers/driver.js';
import { liveProcessCount } from '../../src/drivers/process-tree.js';
import { tempDir } from '../helpers/temp.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pos');
export const TARGET = { host: '127.0.0.1', port: 18092 };

export function context(over: Partial<DriverContext> = {}): DriverContext {
  return { baseDir: FIXTURES, lang: 'en', ci: true, env: process.env, integration: 'express', features: [], ...over };
}

/** A path `name` in a fresh temp folder, removed after the test file (its drivers are stopped by then). */
export function tempFile(name: string): string {
  return join(tempDir('cashlogy-driver-'), name);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

export async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 500 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 100; i++) {
    const text = readFileSync(file, 'utf8');
    if (text) return Number(text);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no pid in ${file}`);
}

export const signal = () => new AbortController().signal;

/**
 * The drivers of a test file: `started(config)` builds one with `context()` and starts it on
 * TARGET, `track(driver)` adopts one the test starts itself. After each test every driver is
 * stopped and no process of theirs may be left alive.
 */
export function driverPool<C, D extends { start(t: DriverTarget): Promise<void>; stop(): Promise<void> }>(
  make: (config: C, ctx: DriverContext) => D,
): { started: (config: C) => Promise<D>; track: (driver: D) => D } {
  let drivers: D[] = [];
  afterEach(async () => {
    await Promise.all(drivers.map((d) => d.stop()));
    drivers = [];
    expect(liveProcessCount()).toBe(0);
  });
  const track = (driver: D) => (drivers.push(driver), driver);
  return {
    track,
    started: async (config) => {
      const d = track(make(config, context()));
      await d.start(TARGET);
      return d;
    },
  };
}

import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverContext } from '../../src/drivers/driver.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pos');
export const TARGET = { host: '127.0.0.1', port: 18092 };

export function context(over: Partial<DriverContext> = {}): DriverContext {
  return { baseDir: FIXTURES, lang: 'en', ci: true, env: process.env, integration: 'express', features: [], ...over };
}

export function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'cashlogy-driver-')), name);
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

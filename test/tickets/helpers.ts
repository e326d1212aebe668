/**
 * Helpers for the CashlogyTickets look-alike tests: a fresh real folder under the OS temp dir, a
 * simulator on 127.0.0.1 port 0 watching it, and waits on the transcript (generous upper bounds
 * only; nothing asserts how long anything took).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { startSimulator } from '../../src/server/start.js';
import type { SimulatorOptions } from '../../src/server/types.js';

export const WAIT_MS = 15_000;

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'cashlogy-tickets-'));
}

export function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startTickets(dir: string, options: SimulatorOptions = {}): Promise<Sim> {
  return startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: 'manual', ticketsDir: dir, ...options });
}

/** The first transcript entry (past or future) that matches, or a rejection showing the transcript. */
export function waitEntry(sim: Sim, match: (e: TranscriptEntry) => boolean, what: string, timeoutMs = WAIT_MS): Promise<TranscriptEntry> {
  const found = sim.getTranscript().find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; transcript:\n${sim.getTranscript().map((e) => `${e.dir} ${e.file ?? ''} ${e.kind ?? ''} ${e.data}`).join('\n')}`));
    }, timeoutMs);
    const off = sim.onEntry((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export const fileIn = (file: string) => (e: TranscriptEntry) => e.dir === 'in' && e.file === file;
export const fileOut = (file: string) => (e: TranscriptEntry) => e.dir === 'out' && e.file === file;
export const fileEvent = (prefix: string, file?: string) => (e: TranscriptEntry) =>
  e.dir === 'event' && e.kind === 'file' && e.data.startsWith(prefix) && (file === undefined || e.file === file);

/** Waits until the machine has an open operation (a tickets sale waiting for the customer). */
export function waitOperation(sim: Sim, command: string, timeoutMs = WAIT_MS): Promise<void> {
  return waitState(sim, (s) => s.operation?.command === command, `an open #${command}#`, timeoutMs);
}

export async function waitState(sim: Sim, ok: (state: ReturnType<Sim['getState']>) => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (ok(sim.getState())) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(sim.getState())}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** sha256 of every file in the folder whose name passes `keep`, by name. */
export function hashFiles(dir: string, keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (!keep(name) || !statSync(join(dir, name)).isFile()) continue;
    out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  }
  return out;
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** A copy of the bundled eur-pos1500 profile with a `tickets:` section, written as YAML next to the test's folder. */
export function profileWithTickets(folder: string, ticketsYaml: string, name = 'profile.yaml'): string {
  const base = readFileSync(join(import.meta.dirname, '..', '..', 'simulator', 'eur-pos1500.yaml'), 'utf8');
  const file = join(folder, name);
  writeFileSync(file, `${base.trimEnd()}\n\ntickets:\n${ticketsYaml.replace(/^/gm, '  ')}\n`);
  return file;
}

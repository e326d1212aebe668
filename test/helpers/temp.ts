/**
 * Temporary folders for tests: every folder tempDir() hands out is removed when the test file
 * ends, so a run of the suite leaves nothing in the OS temp dir (and a leak of the product itself
 * stays visible there).
 *
 * The afterAll is registered when a test file first imports this module, before the file's own
 * hooks: vitest runs after-hooks in reverse order, so the folders go only once the file has
 * stopped its servers, drivers and child processes. Each test file gets its own copy of this
 * module (isolated forks), hence its own list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

afterAll(() => removeTempDirs());

/** A fresh folder `<os temp dir>/<prefix>XXXXXX`, removed (with everything in it) after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder handed out so far; only these, never anything else under the temp dir. */
function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

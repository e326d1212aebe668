import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResult } from '../../src/reporters/load-result.js';
import type { RunResult } from '../../src/runner/result.js';
import { tempDir as freshTempDir } from '../helpers/temp.js';

export const FIXTURES = new URL('../fixtures/results/', import.meta.url).pathname;

export function loadFixture(name: 'sample' | 'hostile'): RunResult {
  const file = join(FIXTURES, `${name}-result.json`);
  return parseResult(readFileSync(file, 'utf8'), file);
}

/** Timestamps and durations blanked, so goldens only change when the rendering does. */
export function stabilize(result: RunResult): RunResult {
  const copy = structuredClone(result);
  copy.startedAt = '2000-01-01T00:00:00.000Z';
  copy.finishedAt = '2000-01-01T00:00:00.000Z';
  for (const item of copy.items) {
    item.durationMs = 0;
    for (const action of item.actions) {
      action.startedAt = 0;
      action.durationMs = 0;
    }
    for (const answer of item.operatorAnswers) answer.at = '2000-01-01T00:00:00.000Z';
  }
  return copy;
}

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempDir(prefix = 'cashlogy-g-'): string {
  return freshTempDir(prefix);
}

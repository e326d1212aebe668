/**
 * result.json, the master copy every other report renders from: the RunResult as-is,
 * pretty-printed with a trailing newline so diffs stay readable.
 */
import type { RunResult } from '../runner/result.js';
import type { Reporter } from './types.js';

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

export const jsonReporter: Reporter = {
  name: 'json',
  describe: 'result.json: the full machine-readable result (re-render any format from it)',
  render: ({ result }) => [{ path: 'result.json', contents: renderJson(result) }],
};

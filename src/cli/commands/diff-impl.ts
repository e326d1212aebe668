/**
 * What `cashlogy-cert diff` does once its arguments are parsed; loaded only when it runs
 * (diff.ts registers the command and its help).
 */
import { diffRuns, formatDiff } from '../../runner/diff.js';
import { exitCodeForDiff } from '../exit-codes.js';
import { loadRunArgument } from '../inputs.js';
import type { CliIo } from '../io.js';

export function diffCommand(beforeArg: string, afterArg: string, flags: { json?: boolean }, io: CliIo): number {
  const before = loadRunArgument(beforeArg, io.cwd);
  const after = loadRunArgument(afterArg, io.cwd);
  const diff = diffRuns(before.result, after.result);
  io.stdout.write(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, { before: beforeArg, after: afterArg }));
  return exitCodeForDiff(diff.requiredRegressed);
}

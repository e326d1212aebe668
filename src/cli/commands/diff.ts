/**
 * `cashlogy-cert diff <before> <after>`: what a re-certification changed, item by item, with
 * the first frame where each changed item's wire traffic parts. The logic is src/runner/diff.ts.
 *
 *   exit 0 no required item regressed · 4 a required item regressed · 1 usage or a missing file · 2 an invalid result
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerDiff(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('diff')
    .description('compare two runs: items fixed, regressed, changed, new and removed, with the first diverging frame of each')
    .argument('<before>', 'the earlier run: result.json, bundle folder or bundle zip')
    .argument('<after>', 'the later run: result.json, bundle folder or bundle zip')
    .option('--json', 'print the diff as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 no required item regressed · 4 a required item went from pass to fail or error
            1 usage error or a missing file · 2 an invalid result

Examples:
  $ cashlogy-cert diff certified/result.json cashlogy-reports/latest
  $ cashlogy-cert diff v4.1/bundle.zip v4.2 --json`,
    )
    .action(async (beforeArg: string, afterArg: string, flags: { json?: boolean }) => {
      const { diffCommand } = await import('./diff-impl.js');
      setExitCode(diffCommand(beforeArg, afterArg, flags, io));
    });
}

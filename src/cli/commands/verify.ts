/**
 * `cashlogy-cert verify <bundle>`: checks a submission bundle (folder or zip) against its
 * manifest, and says whether the run in it is a submission.
 *
 *   exit 0  the bundle is intact (an incomplete or failed run is reported in a line, still 0)
 *   exit 4  a file is modified, missing or extra; or, with --submission, the run is not a
 *           submission (incomplete, a required item failed, or the verdict is error)
 *   exit 1  the path does not exist
 *
 * 4 is the pinned "a required item failed" code: for --submission it means "this cannot be
 * sent as a certification request", whatever the reason, which the output names.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerVerify(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('verify')
    .description('check a submission bundle (folder or .zip) against its manifest: exit 0 ok, 4 modified/missing/extra files (or, with --submission, not a submission)')
    .argument('<bundle>', 'the bundle folder (a run\'s --out) or its .zip')
    .option('--json', 'print the result as JSON')
    .option('--submission', 'also require a submission: a complete run, no required item failed, verdict not error')
    .addHelpText(
      'after',
      `
Exit codes: 0 intact (and, with --submission, a submission) · 1 no such path
            4 modified, missing or extra files; with --submission also: incomplete run,
              a required item failed, or the run verdict is error`,
    )
    .action(async (bundle: string, options: { json?: boolean; submission?: boolean }) => {
      const { verifyCommand } = await import('./verify-impl.js');
      setExitCode(verifyCommand(bundle, options, io));
    });
}

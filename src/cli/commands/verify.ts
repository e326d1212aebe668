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
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyBundle } from '../../bundle/verify.js';
import { UsageError } from '../../errors.js';
import { exitCodeForVerify } from '../exit-codes.js';
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
    .action((bundle: string, options: { json?: boolean; submission?: boolean }) => {
      const target = resolve(io.cwd, bundle);
      if (!existsSync(target)) throw new UsageError(`no bundle at ${bundle}: give the bundle folder (the run's --out) or its .zip`);
      const result = verifyBundle(target);
      const refused = options.submission === true && result.ok && !result.submission.ok;
      if (options.json) {
        io.stdout.write(`${JSON.stringify(result)}\n`);
      } else if (result.ok) {
        const zip = result.zipSha256 ? `; zip sha256 ${result.zipSha256}` : '';
        io.stdout.write(`ok: ${bundle} verifies (${result.files} files${zip})\n`);
        const s = result.submission;
        if (s.incomplete) io.stdout.write(`${s.incomplete}\n`);
        if (s.ok) io.stdout.write('submission: complete, no required item failed\n');
        else for (const p of s.problems.filter((text) => !text.startsWith('incomplete:'))) io.stdout.write(`not a submission: ${p}\n`);
      } else {
        for (const p of result.problems) io.stdout.write(`${p.problem}: ${p.file}${p.detail ? ` (${p.detail})` : ''}\n`);
        io.stderr.write(`error: ${bundle} does not verify: ${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}\n`);
      }
      if (refused) io.stderr.write(`error: ${bundle} is intact but not a submission: ${result.submission.problems.join('; ')}\n`);
      setExitCode(exitCodeForVerify(result.ok, refused));
    });
}

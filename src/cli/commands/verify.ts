/**
 * `cashlogy-cert verify <bundle>`: checks a submission bundle (folder or zip) against its
 * manifest. Exit 0 when it verifies, 4 when any file is modified, missing or extra, 1 when
 * the path does not exist.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyBundle } from '../../bundle/verify.js';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../io.js';

export const VERIFY_FAILED_EXIT = 4;

export function registerVerify(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('verify')
    .description('check a submission bundle (folder or .zip) against its manifest: exit 0 ok, 4 modified/missing/extra files')
    .argument('<bundle>', 'the bundle folder (a run\'s --out) or its .zip')
    .option('--json', 'print the result as JSON')
    .action((bundle: string, options: { json?: boolean }) => {
      const target = resolve(io.cwd, bundle);
      if (!existsSync(target)) throw new UsageError(`no bundle at ${bundle}: give the bundle folder (the run's --out) or its .zip`);
      const result = verifyBundle(target);
      if (options.json) {
        io.stdout.write(`${JSON.stringify(result)}\n`);
      } else if (result.ok) {
        const zip = result.zipSha256 ? `; zip sha256 ${result.zipSha256}` : '';
        io.stdout.write(`ok: ${bundle} verifies (${result.files} files${zip})\n`);
      } else {
        for (const p of result.problems) io.stdout.write(`${p.problem}: ${p.file}${p.detail ? ` (${p.detail})` : ''}\n`);
        io.stderr.write(`error: ${bundle} does not verify: ${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}\n`);
      }
      setExitCode(result.ok ? 0 : VERIFY_FAILED_EXIT);
    });
}

/**
 * What `cashlogy-cert verify` does once its arguments are parsed; loaded only when it runs
 * (verify.ts registers the command and its help).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyBundle } from '../../bundle/verify.js';
import { UsageError } from '../../errors.js';
import { exitCodeForVerify } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function verifyCommand(bundle: string, options: { json?: boolean; submission?: boolean }, io: CliIo): number {
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
  return exitCodeForVerify(result.ok, refused);
}

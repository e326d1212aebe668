/**
 * A CI job that forgets `--ci`: with stdin not a terminal, each operator question would wait for
 * an answer on stdin up to its item's timeout. `run` says so before it starts.
 */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/temp.js';

async function runWith(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let e = '';
  stdout.resume();
  stderr.setEncoding('utf8').on('data', (c: string) => (e += c));
  // Ended at once: a question gets no answer and its check is skipped, so the run stays short.
  const stdin = new PassThrough();
  stdin.end();
  const cwd = tempDir('cashlogy-ci-stdin-');
  const code = await main([...args, '--out', join(cwd, 'reports')], { stdout, stderr, stdin, env: { NO_COLOR: '1', ...env }, cwd, interrupted: new Promise(() => undefined) });
  return { code, stderr: e };
}

const OPERATOR_ITEM = ['run', '--checklist', 'chapter7-express', '--only', 'EXP-19', '--time-scale', '0.01', '--seed', '4'];
const WARNING = /^warning: CI is set and stdin is not a terminal, but --ci is not given: EXP-19 ask an operator, and each question waits for an answer on stdin up to its item's timeout; add --ci to skip them, or --answers <file> to answer them$/m;

describe('run in CI without --ci', () => {
  it('warns when CI is set, stdin is no terminal and an item asks an operator', async () => {
    const ran = await runWith(OPERATOR_ITEM, { CI: 'true' });
    expect(ran.stderr).toMatch(WARNING);
    expect(ran.code).toBe(0);
  }, 60_000);

  it('says nothing with --ci, outside CI, or when no item asks', async () => {
    for (const [args, env] of [
      [[...OPERATOR_ITEM, '--ci'], { CI: 'true' }],
      [OPERATOR_ITEM, { CI: 'false' }],
      [OPERATOR_ITEM.map((a) => (a === 'EXP-19' ? 'EXP-17' : a)), { CI: 'true' }],
    ] as const) {
      const ran = await runWith([...args], { ...env });
      expect(ran.stderr, args.join(' ')).not.toMatch(/warning: CI is set/);
      expect(ran.code).toBe(0);
    }
  }, 90_000);
});

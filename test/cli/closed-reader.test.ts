/**
 * A reader that goes away (`cashlogy-cert run … | head`, a CI step that stopped reading the log)
 * must not crash the CLI: the run still finishes, writes its reports and exits with its verdict
 * (src/cli/io.ts, outliveReader). Real processes whose stdout pipe the test closes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

interface Closed {
  code: number | null;
  stderr: string;
  /** What was read before the pipe was closed. */
  read: string;
}

/** The CLI with its stdout closed by the reader after `keepBytes` bytes (0: before anything is written). */
function runWithReaderGone(args: readonly string[], keepBytes: number, cwd: string): Promise<Closed> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let read = '';
    let stderr = '';
    const close = () => child.stdout.destroy();
    if (keepBytes === 0) close();
    else
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        read += chunk;
        if (read.length >= keepBytes) close();
      });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr, read }));
  });
}

describe('a reader that goes away', () => {
  it('lets a run finish: reports written, the verdict as exit code, no crash', async () => {
    const cwd = tempDir('cashlogy-closed-reader-');
    const out = join(cwd, 'reports');
    const ran = await runWithReaderGone(['run', '--checklist', 'chapter7-express', '--only', 'EXP-01,EXP-03', '--time-scale', '0.01', '--seed', '3', '--ci', '--json', '--out', out], 1, cwd);
    expect(ran.stderr).not.toMatch(/EPIPE|Error/);
    expect(ran.code).toBe(0);
    expect(ran.read.length).toBeGreaterThan(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { verdict: string; items: { id: string; verdict: string }[] };
    expect(result.verdict).toBe('pass');
    expect(result.items.filter((i) => i.verdict === 'pass').map((i) => i.id)).toEqual(['EXP-01', 'EXP-03']);
    expect(existsSync(join(out, 'checklist.html'))).toBe(true);
  }, 60_000);

  it('ends --help with 0 when nothing can be written', async () => {
    const ran = await runWithReaderGone(['merge', '--help'], 0, tempDir('cashlogy-closed-reader-'));
    expect(ran.stderr).not.toMatch(/EPIPE|Error/);
    expect(ran.code).toBe(0);
  }, 30_000);
});

/**
 * `cashlogy-cert run` end to end, as a real child process: exit codes, result.json on failure
 * and on SIGINT, no orphan process left behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runMain, type CliOptions, type Ran } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import type { RunResult } from '../../src/runner/result.js';

const FIX = join(import.meta.dirname, 'fixtures');

/** Runs in a fresh temp folder, like a user in their project. */
const cli = (args: string[], options: CliOptions = {}): Promise<Ran> => runCli(args, options);
/** Usage and validation errors stop before anything starts: run `main` in this process (fast). */
const inProcess = (args: string[]): Promise<Ran> => runMain(args);

const out = () => join(tempDir('cashlogy-out-'), 'report');
const result = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunResult;
const base = (pos: string, dir: string) => ['run', '--checklist', join(FIX, 'sale.yaml'), '--pos', join(FIX, pos), '--time-scale', '0.01', '--ci', '--seed', '5', '--out', dir, '--lang', 'en'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

describe('cashlogy-cert run (child process)', () => {
  it('exit 0 when every required item passes; prints the items, the summary, the seed and the report folder', async () => {
    const dir = out();
    const r = await cli(base('pos-honest.yaml', dir));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seed 5');
    expect(r.stdout).toMatch(/✓ T-01 +pass/);
    expect(r.stdout).toMatch(/✓ T-02 +pass/);
    expect(r.stdout).toContain('Verdict: PASS');
    expect(r.stdout).toContain(`Report: ${dir}`);
    expect(result(dir)).toMatchObject({ verdict: 'pass', seed: 5, pos: { name: 'Tiny POS (honest)' } });
  });

  it('exit 4 when a required item fails, with result.json written', async () => {
    const dir = out();
    const r = await cli(base('pos-gross.yaml', dir));
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('the POS booked the gross amount instead of the net');
    const res = result(dir);
    expect(res.verdict).toBe('fail');
    expect(res.items.map((i) => i.verdict)).toEqual(['pass', 'fail']);
  });

  it('exit 3 when the POS hangs (error, no required failure); the POS tree is stopped; --json progress', async () => {
    const dir = out();
    const pidFile = join(dir, '..', 'pid');
    const r = await cli([...base('pos-grandchild.yaml', dir), '--json'], { env: { PID_FILE: pidFile } });
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; verdict?: string; id?: string });
    expect(lines[0]?.event).toBe('run:start');
    expect(lines.filter((l) => l.event === 'item:end').map((l) => [l.id, l.verdict])).toEqual([
      ['T-01', 'pass'],
      ['T-02', 'error'],
    ]);
    expect(lines.at(-1)).toMatchObject({ event: 'report', verdict: 'error', dir });
    expect(result(dir).items[1]?.reason).toContain('the POS hung');
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('exit 2 for an invalid POS profile, pointing at file:line:col', async () => {
    const r = await inProcess(['run', '--pos', join(FIX, 'pos-invalid.yaml'), '--ci']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pos-invalid.yaml:5:14');
    expect(r.stderr).toContain('did you mean "express"?');
  });

  it.each([
    [['--jobs', '0'], '--jobs must be a whole number'],
    [['--shard', '3/2'], '--shard must be <i>/<n>'],
    [['--lang', 'de'], '--lang must be fr, en or es'],
    [['--only', 'T-9'], 'no item T-9 in runner-test'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('exit 1 for a usage error: %j', async (args, message) => {
    const r = await inProcess([...base('pos-honest.yaml', out()), ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('SIGINT: stops the POS tree and the simulator, writes result.json marked interrupted, exits 130', async () => {
    const dir = out();
    const pidFile = join(dir, '..', 'pid');
    let sent = false;
    const r = await cli([...base('pos-grandchild.yaml', dir), '--json'], {
      env: { PID_FILE: pidFile },
      onStdout: (text, child) => {
        // Interrupt while the POS hangs in the sale of T-02.
        if (!sent && text.includes('"POS: sale 990"')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const res = result(dir);
    expect(res.interrupted).toBe(true);
    expect(res.items.map((i) => [i.id, i.verdict])).toEqual([
      ['T-01', 'pass'],
      ['T-02', 'skipped'],
    ]);
    expect(existsSync(pidFile)).toBe(true);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});

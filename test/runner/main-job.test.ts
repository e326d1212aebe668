/**
 * The main job: what `npm start` runs on a fresh clone — the shipped Express checklist against
 * the bundled reference POS (a real child process behind the http driver) — must pass.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/result.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the main job (npm start)', () => {
  it('package.json start runs the checklist at a fast time scale in CI mode', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('tsx src/cli/main.ts run --time-scale 0.02 --ci');
  });

  it('runs the shipped Express checklist against the reference POS process, prints the summary and the report folder, exits 0', async () => {
    const cwd = tempDir('cashlogy-main-');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), 'run', '--time-scale', '0.02', '--ci'], {
        cwd,
        // The console speaks the locale's language (French by default): these assertions read English.
        env: { ...process.env, NO_COLOR: '1', LC_ALL: 'en_US.UTF-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let o = '';
      let e = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (o += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (e += c));
      child.on('close', (c) => resolve({ code: c, stdout: o, stderr: e }));
    });
    const runs = readdirSync(join(cwd, 'cashlogy-reports'));
    expect(runs).toHaveLength(1);
    const dir = join(cwd, 'cashlogy-reports', runs[0] as string);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunResult;
    const notPassed = result.items.filter((i) => i.level === 'required' && (i.verdict === 'fail' || i.verdict === 'error')).map((i) => `${i.id}: ${i.reason}`);
    expect(notPassed).toEqual([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(result).toMatchObject({ checklist: { id: 'chapter7-express' }, pos: { driver: 'reference' }, verdict: 'pass', ci: true, timeScale: 0.02 });
    expect(stdout).toContain('Verdict: PASS');
    expect(stdout).toContain(`Report: ${dir}`);
    expect(stdout).toMatch(/Seed: \d+/);
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
  }, 180_000);
});

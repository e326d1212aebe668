/**
 * Steering a run: `--list`, `-x` / `--max-failures`, `--last-failed`, the language from the
 * locale, and `show-report`. Real simulator, real POS process (the tiny TCP POS of the runner
 * fixtures behind the http driver), real files, real HTTP.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { langFromEnv } from '../../src/cli/commands/run.js';
import type { RunResult } from '../../src/runner/result.js';
import { notRunAfterFailures } from '../../src/runner/scheduler.js';
import { ROOT, runMain } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const POS = join(ROOT, 'test', 'runner', 'fixtures', 'pos-honest.yaml');

/** Two independent required items: the honest POS never sends #Z# (X-01 fails), and does send #I# (X-02 passes). */
const CHECKLIST = `id: steer-test
version: "1.0.0"
title: {fr: "Pilotage", en: "Steering", es: "Control"}
source: "cashlogy-cert tests"
integrations: [express]
items:
  - id: X-01
    title: {fr: "Réinitialise avec #Z#", en: "Resets with #Z#", es: "Reinicia con #Z#"}
    description: {fr: "#Z#", en: "#Z#", es: "#Z#"}
    ref: "1"
    level: required
    tags: [reset]
    catches: {fr: "pas de #Z#", en: "no #Z#", es: "sin #Z#"}
    underTest: [Z]
    steps:
      - action: startup
      - expect: {sends: "#Z#", within: 20s}
  - id: X-02
    title: {fr: "Initialise", en: "Initialises", es: "Inicializa"}
    description: {fr: "#I#", en: "#I#", es: "#I#"}
    ref: "2"
    level: required
    tags: [init, startup]
    catches: {fr: "pas de #I#", en: "no #I#", es: "sin #I#"}
    underTest: [I]
    steps:
      - action: startup
      - expect: {sends: "#I#", within: 20s}
`;

/** `main` in this process, in `cwd`, with only the environment given (no inherited locale). */
const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = { LANG: 'en_US.UTF-8' }) => runMain(args, { cwd, env: { PATH: process.env.PATH, ...env } });

function project(): string {
  const dir = tempDir('cashlogy-steer-');
  writeFileSync(join(dir, 'steer.yaml'), CHECKLIST);
  return dir;
}

const base = ['run', '--checklist', 'steer.yaml', '--pos', POS, '--time-scale', '0.02', '--ci', '--seed', '9'];
const resultAt = (dir: string): RunResult => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunResult;

describe('run --list', () => {
  it('prints the selected items with level and tags, in the locale language, and starts nothing', async () => {
    const dir = project();
    const r = await cli([...base, '--tag', 'init', '--list', '--out', 'never'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Selection of steer-test 1.0.0 for Tiny POS (honest) 1.0.0: 1 item');
    expect(r.stdout).toMatch(/^ {2}X-02 +required +init,startup +Initialises$/m);
    expect(r.stdout).not.toContain('X-01');
    // Nothing ran: no report folder.
    expect(() => readFileSync(join(dir, 'never', 'result.json'))).toThrow();

    const fr = await cli([...base, '--list'], dir, { LANG: 'C.UTF-8' });
    expect(fr.stdout).toContain('Sélection de steer-test 1.0.0 pour Tiny POS (honest) 1.0.0 : 2 points');
    expect(fr.stdout).toMatch(/^ {2}X-01 +obligatoire +reset +Réinitialise avec #Z#$/m);
  });
});

describe('--lang from the locale', () => {
  it('LC_ALL before LANG; fr, en, es by their language code; French when none matches', () => {
    expect(langFromEnv({ LC_ALL: 'en_GB.UTF-8', LANG: 'es_ES.UTF-8' })).toBe('en');
    expect(langFromEnv({ LC_ALL: '', LANG: 'es_ES.UTF-8' })).toBe('es');
    expect(langFromEnv({ LANG: 'fr_CA' })).toBe('fr');
    expect(langFromEnv({ LANG: 'de_DE.UTF-8' })).toBe('fr');
    expect(langFromEnv({ LANG: 'C.UTF-8' })).toBe('fr');
    expect(langFromEnv({})).toBe('fr');
  });

  it('the console of a run speaks it (item titles and fixed phrases alike)', async () => {
    const dir = project();
    const r = await cli([...base, '--only', 'X-02', '--out', 'es'], dir, { LANG: 'es_ES.UTF-8' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ X-02 +superado .* Inicializa\n/);
    expect(r.stdout).toContain('Veredicto: INCOMPLETO, SUPERADO en los puntos ejecutados');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`Informe: ${join(dir, 'es', 'checklist.html')}`);
    expect(resultAt(join(dir, 'es')).lang).toBe('es');
  });
});

describe('-x / --max-failures and --last-failed', () => {
  it('-x stops after the first failed required item: the rest is not run, the run is incomplete and exits 4; --last-failed reruns what failed', async () => {
    const dir = project();
    const x = await cli([...base, '-x', '--out', 'runs/first'], dir);
    expect(x.code, x.stdout + x.stderr).toBe(4);
    const first = resultAt(join(dir, 'runs', 'first'));
    expect(first.items.map((i) => [i.id, i.verdict])).toEqual([
      ['X-01', 'fail'],
      ['X-02', 'skipped'],
    ]);
    expect(first.items[1]?.reason).toBe(notRunAfterFailures(1));
    expect(first.interrupted).toBeUndefined();
    expect(first).toMatchObject({ verdict: 'fail', complete: false, coverage: { required: 2, covered: 1, missing: [{ id: 'X-02', why: 'interrupted' }] } });
    expect(x.stdout).toContain('stopped after 1 failed required item (--max-failures 1): the items after it were not run');
    expect(x.stdout).toContain('INCOMPLETE: 1 of 2 required items ran');

    // The whole run, later: X-01 fails, X-02 passes; it is the newest result in runs/.
    const whole = await cli([...base, '--max-failures', '5', '--out', 'runs/second'], dir);
    expect(whole.code).toBe(4);
    expect(resultAt(join(dir, 'runs', 'second')).items.map((i) => i.verdict)).toEqual(['fail', 'pass']);

    const again = await cli([...base, '--last-failed', '--out', 'runs/third'], dir);
    expect(again.code).toBe(4);
    expect(again.stdout).toContain(`--last-failed: 1 item that failed or errored in ${join('runs', 'second', 'result.json')}`);
    expect(resultAt(join(dir, 'runs', 'third')).items.map((i) => i.id)).toEqual(['X-01']);
  }, 60_000);

  it('refuses what cannot work, before anything starts', async () => {
    const dir = project();
    const none = await cli([...base, '--last-failed', '--out', 'empty/run'], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--last-failed: no earlier run in empty');
    const bad = await cli([...base, '--max-failures', '0'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--max-failures must be a whole number ≥ 1, got "0"');
    const both = await cli([...base, '-x', '--max-failures', '2'], dir);
    expect(both.stderr).toContain('-x is --max-failures 1');
    mkdirSync(join(dir, 'runs'));
    const only = await cli([...base, '--last-failed', '--only', 'X-01', '--out', 'runs/a'], dir);
    expect(only.stderr).toContain('--last-failed picks the items itself');
  });
});

/** A raw GET: the path goes out exactly as written (no `..` normalisation by a URL parser). */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('show-report', () => {
  it('serves the newest report folder on loopback, only files inside it, and stops on Ctrl-C', async () => {
    const cwd = tempDir('cashlogy-show-');
    const reports = join(cwd, 'cashlogy-reports');
    for (const [name, finishedAt] of [
      ['old', '2026-01-01T10:00:00.000Z'],
      ['new', '2026-01-02T10:00:00.000Z'],
    ] as const) {
      mkdirSync(join(reports, name), { recursive: true });
      writeFileSync(join(reports, name, 'checklist.html'), `<h1>${name} report</h1>`);
      writeFileSync(join(reports, name, 'result.json'), JSON.stringify({ finishedAt }));
    }
    writeFileSync(join(cwd, 'secret.txt'), 'not for the browser');
    symlinkSync(join(cwd, 'secret.txt'), join(reports, 'new', 'escape.txt'));

    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), 'show-report'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        const m = /http:\/\/127\.0\.0\.1:\d+\/checklist\.html/.exec(stdout);
        if (m) resolve(m[0]);
      });
      child.on('close', () => reject(new Error(`show-report exited: ${stdout}${stderr}`)));
    });
    const port = Number(new URL(url).port);
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const page = await get(port, '/checklist.html');
      expect(page).toMatchObject({ status: 200, body: '<h1>new report</h1>' });
      expect(page.type).toContain('text/html');
      expect((await get(port, '/result.json')).status).toBe(200);
      const traversal = await get(port, '/../etc/passwd');
      expect(traversal.status).toBe(403);
      expect(traversal.body).not.toContain('root:');
      expect((await get(port, '/%2e%2e/%2e%2e/secret.txt')).status).toBe(403);
      const escape = await get(port, '/escape.txt');
      expect(escape.status).toBe(403);
      expect(escape.body).not.toContain('not for the browser');
      expect((await get(port, '/nothing.html')).status).toBe(404);
      expect((await get(port, '/checklist.html', 'evil.example')).status).toBe(403);
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
  }, 30_000);

  it('without a report anywhere it says what to give it', async () => {
    const r = await cli(['show-report'], tempDir('cashlogy-show-'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no report under ./cashlogy-reports/');
  });
});

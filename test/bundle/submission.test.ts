/**
 * A bundle tells the truth about what it is: `run` as a real child process with a narrowing
 * selection, a shard, a Ctrl-C, a failing POS and an honest one, then the bundle it wrote
 * read back (reports, e-mail, result.json) and judged by `verify --submission`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RunResult } from '../../src/runner/result.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'runner', 'fixtures');
const TSX = import.meta.resolve('tsx');
const roots: string[] = [];

afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  cwd: string;
  out: string;
}

/** `cashlogy-cert run` in a fresh working directory, writing into `<cwd>/out`. */
function run(args: string[], options: { env?: NodeJS.ProcessEnv; interruptWhen?: string } = {}): Promise<Ran> {
  const cwd = mkdtempSync(join(tmpdir(), 'cashlogy-sub-'));
  roots.push(cwd);
  const out = join(cwd, 'out');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'run', ...args, '--ci', '--seed', '5', '--out', 'out'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (options.interruptWhen && !sent && stdout.includes(options.interruptWhen)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr, cwd, out }));
  });
}

const tiny = (pos: string) => ['--checklist', join(FIX, 'sale.yaml'), '--pos', join(FIX, pos), '--time-scale', '0.01', '--lang', 'en'];

async function verify(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await main(['verify', ...args], { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, interrupted: new Promise(() => undefined) });
  return { code, out, err };
}

const resultOf = (r: Ran) => JSON.parse(readFileSync(join(r.out, 'result.json'), 'utf8')) as RunResult;
const read = (r: Ran, file: string) => readFileSync(join(r.out, file), 'utf8');

let honest: Ran;
let gross: Ran;
let only: Ran;
let shard: Ran;
let interrupted: Ran;
let reference: Ran;

beforeAll(async () => {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'cashlogy-sub-pid-')), 'pid');
  roots.push(join(pidFile, '..'));
  [honest, gross, only, shard, interrupted, reference] = await Promise.all([
    run(tiny('pos-honest.yaml')),
    run(tiny('pos-gross.yaml')),
    run([...tiny('pos-honest.yaml'), '--only', 'T-01']),
    run([...tiny('pos-honest.yaml'), '--shard', '1/2', '--lang', 'fr']),
    // The grandchild POS hangs in the sale of T-02: Ctrl-C there.
    run([...tiny('pos-grandchild.yaml'), '--lang', 'es'], { env: { PID_FILE: pidFile }, interruptWhen: 'T-01' }),
    run(['--only', 'EXP-01', '--time-scale', '0.02']),
  ]);
}, 120_000);

describe('a complete run', () => {
  it('passing: complete in result.json, a submission e-mail, and verify --submission accepts it', async () => {
    expect(honest.code, honest.stdout + honest.stderr).toBe(0);
    const result = resultOf(honest);
    expect(result).toMatchObject({ verdict: 'pass', complete: true, coverage: { required: 2, covered: 2, missing: [] } });
    expect(result.selection).toBeUndefined();
    expect(read(honest, 'email.txt')).toContain('Tiny POS (honest)');
    expect(read(honest, 'checklist.md')).not.toContain('INCOMPLETE');
    expect(read(honest, 'checklist.md')).toContain('PASSED: every required item passed');
    const v = await verify(['out', '--submission'], honest.cwd);
    expect(v).toMatchObject({ code: 0, err: '' });
    expect(v.out).toContain('submission: complete, no required item failed');
    expect((await verify(['out/out.zip', '--submission'], honest.cwd)).code).toBe(0);
  });

  it('failing: no e-mail, the reports say what to fix, verify passes the integrity check but --submission refuses it', async () => {
    expect(gross.code).toBe(4);
    expect(resultOf(gross)).toMatchObject({ verdict: 'fail', complete: true });
    expect(existsSync(join(gross.out, 'email.txt'))).toBe(false);
    expect(read(gross, 'checklist.md')).toContain('- fix T-02 (required, fail)');
    expect(read(gross, 'checklist.html')).toContain('<li>fix T-02 (required, fail)</li>');
    const plain = await verify(['out'], gross.cwd);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('not a submission: T-02 (required) failed');
    const strict = await verify(['out', '--submission'], gross.cwd);
    expect(strict.code).toBe(4);
    expect(strict.err).toContain('is intact but not a submission: T-02 (required) failed');
  });
});

describe('an incomplete run says so first, writes no e-mail, and is refused as a submission', () => {
  it('--only: recorded in result.json; reports, manual, JUnit and console all say INCOMPLETE', async () => {
    expect(only.code).toBe(0); // the gate judges what ran
    const result = resultOf(only);
    expect(result).toMatchObject({
      verdict: 'pass',
      complete: false,
      selection: { only: ['T-01'] },
      coverage: { required: 2, covered: 1, missing: [{ id: 'T-02', why: 'not-selected' }] },
    });
    expect(existsSync(join(only.out, 'email.txt'))).toBe(false);
    const md = read(only, 'checklist.md').split('\n');
    expect(md[2]).toBe('> **INCOMPLETE: 1 of 2 required items ran — not a submission**');
    const html = read(only, 'checklist.html');
    expect(html.indexOf('INCOMPLETE: 1 of 2 required items ran')).toBeGreaterThan(-1);
    expect(html.indexOf('INCOMPLETE: 1 of 2 required items ran')).toBeLessThan(html.indexOf('<h1>'));
    for (const file of ['checklist.md', 'checklist.html', 'manual.en.md', 'junit.xml']) {
      expect(read(only, file), file).not.toContain('PASSED: every required item passed');
      expect(read(only, file), file).toContain('INCOMPLETE: 1 of 2 required items ran');
    }
    expect(read(only, 'manual.en.md').split('\n')[2]).toContain('INCOMPLETE');
    expect(read(only, 'junit.xml')).toContain('<property name="complete" value="false"/>');
    expect(only.stdout).toContain('INCOMPLETE: 1 of 2 required items ran (missing: T-02; --only T-01) — not a submission');
    expect(only.stdout).toContain('Verdict: INCOMPLETE, PASS on the items that ran');
    const v = await verify(['out', '--submission'], only.cwd);
    expect(v.code).toBe(4);
    expect(v.out).toContain('INCOMPLETE: 1 of 2 required items ran');
    expect(v.err).toContain('not a submission: incomplete');
    expect((await verify(['out'], only.cwd)).code).toBe(0);
  });

  it('--shard 1/2: recorded as "1/2", reported in French', async () => {
    const result = resultOf(shard);
    expect(result).toMatchObject({ complete: false, selection: { shard: '1/2' }, coverage: { required: 2, covered: 1 } });
    expect(existsSync(join(shard.out, 'email.txt'))).toBe(false);
    const md = read(shard, 'checklist.md');
    expect(md.split('\n')[2]).toBe("> **INCOMPLET : 1 point obligatoire sur 2 a été exécuté — ce n'est pas une soumission**");
    expect(md).toContain('Tranche 1/2');
    expect(md).not.toContain('RÉUSSI : tous les points obligatoires sont validés');
    expect((await verify(['out', '--submission'], shard.cwd)).code).toBe(4);
  });

  it('Ctrl-C: interrupted, the stopped item is missing, reported in Spanish', async () => {
    expect(interrupted.code).toBe(130);
    const result = resultOf(interrupted);
    expect(result).toMatchObject({ interrupted: true, complete: false, coverage: { required: 2, covered: 1, missing: [{ id: 'T-02', why: 'interrupted' }] } });
    expect(result.selection).toBeUndefined();
    expect(existsSync(join(interrupted.out, 'email.txt'))).toBe(false);
    const md = read(interrupted, 'checklist.md');
    expect(md.split('\n')[2]).toBe('> **INCOMPLETO: se ejecutó 1 punto obligatorio de 2 — no es una solicitud de certificación**');
    expect(md).toContain('Puntos obligatorios detenidos antes de su veredicto (1): T-02');
    const v = await verify(['out', '--submission', '--json'], interrupted.cwd);
    expect(v.code).toBe(4);
    expect(JSON.parse(v.out)).toMatchObject({ ok: true, submission: { ok: false, complete: false } });
  });
});

describe('no local paths in a bundle', () => {
  it('no file of a reference-POS bundle, nor any entry of its zip, holds an absolute path of this machine', () => {
    expect(reference.code).toBe(0);
    const files = readdirSync(reference.out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(reference.out, join(e.parentPath, e.name)).split(sep).join('/'));
    expect(files).toContain('environment.json');
    const contents = new Map<string, string>();
    for (const file of files) {
      const bytes = readFileSync(join(reference.out, file));
      if (file.endsWith('.zip')) {
        for (const [name, data] of Object.entries(unzipSync(bytes))) contents.set(`${file}:${name}`, Buffer.from(data).toString('utf8'));
      } else {
        contents.set(file, bytes.toString('utf8'));
      }
    }
    expect([...contents.keys()].some((k) => k.endsWith('.zip:out/result.json'))).toBe(true);
    const forbidden = [reference.cwd, reference.out, ROOT, '/home', '/root', '/work'];
    const leaks = [...contents].flatMap(([file, text]) => forbidden.filter((p) => text.includes(p)).map((p) => `${file} holds ${p}`));
    expect(leaks).toEqual([]);
    const result = JSON.parse(contents.get('result.json') ?? '{}') as RunResult;
    expect(result.checklist.file).toBe('<cashlogy-cert>/checklists/chapter7-express.yaml');
    const environment = JSON.parse(contents.get('environment.json') ?? '{}') as { checklist: { file: string } };
    expect(environment.checklist.file).toBe('<cashlogy-cert>/checklists/chapter7-express.yaml');
  });
});

/**
 * `cashlogy-cert init`: what a new user gets in an empty folder must validate, run, and say what
 * is not implemented yet instead of crashing. The CLI runs as a real child process for the
 * end-to-end cases, the way a user types it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { preflight } from '../../src/checklist/preflight.js';
import { resolveChecklist } from '../../src/checklist/select.js';
import { main } from '../../src/cli/main.js';
import { loadPosProfile } from '../../src/pos/profile.js';
import { captureIo } from '../checklist/helpers.js';
import { runCli } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cashlogy-init-'));
  made.push(dir);
  return dir;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a real child process in `cwd`; CI is unset so only the flags decide. */
const cli = (args: string[], cwd: string): Promise<Ran> => runCli(args, { cwd, env: { CI: undefined } });

interface ItemOut {
  id: string;
  verdict: string;
  reason: string;
}

function items(resultFile: string): ItemOut[] {
  return (JSON.parse(readFileSync(resultFile, 'utf8')) as { items: ItemOut[] }).items;
}

function hasPython(): boolean {
  return spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('cashlogy-cert init', () => {
  it('init --yes writes a pos.yaml that validates and a Node hook whose unimplemented actions fail by name (exit 4, no crash)', async () => {
    const dir = tempDir();
    const init = await cli(['init', '--yes'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('wrote pos.yaml');
    expect(init.stdout).toContain('wrote pos-hook.mjs');
    expect(init.stdout).toContain('npx cashlogy-cert run --pos pos.yaml');

    const validate = await cli(['validate', 'pos.yaml'], dir);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('ok: pos.yaml (POS profile, express integration, http driver)');

    const run = await cli(['run', '--pos', 'pos.yaml', '--only', 'EXP-01,EXP-03', '--time-scale', '0.02', '--ci', '--lang', 'en', '--out', 'reports/first'], dir);
    expect(run.stderr).not.toMatch(/internal error|Traceback|ECONNREFUSED/);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    const [first, second] = items(join(dir, 'reports/first/result.json'));
    expect(first).toMatchObject({ id: 'EXP-01', verdict: 'fail' });
    expect(first?.reason).toContain('TODO: startup is not implemented yet (pos-hook.mjs)');
    expect(second).toMatchObject({ id: 'EXP-03', verdict: 'skipped', reason: 'depends on EXP-01, which ended fail' });
    expect(run.stdout).toContain('TODO: startup is not implemented yet');
  }, 180_000);

  it('the Python stub with the command driver (complete integration): every item fails naming the missing action', async (ctx) => {
    if (!hasPython()) ctx.skip('no python3 on this machine: the Python stub cannot run here');
    const dir = tempDir();
    const init = await cli(
      ['init', '--yes', '--integration', 'complete', '--driver', 'command', '--stub', 'python', '--features', 'refund', '--name', 'Caja Uno', '--email', 'it@caja.example'],
      dir,
    );
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(dir, 'pos_hook.py'))).toBe(true);
    const profile = loadPosProfile(join(dir, 'pos.yaml'));
    expect(profile).toMatchObject({ name: 'Caja Uno', email: 'it@caja.example', integration: 'complete', features: ['refund'], driver: { type: 'command' } });

    const validate = await cli(['validate', 'pos.yaml', '--ci'], dir);
    expect(validate.code, validate.stderr).toBe(0);

    // COM-01 (startup) and COM-12 (refund) depend on nothing: both run, both fail on the stub.
    const run = await cli(['run', '--pos', 'pos.yaml', '--only', 'COM-01,COM-12', '--jobs', '2', '--time-scale', '0.02', '--ci', '--lang', 'en', '--out', 'out'], dir);
    expect(run.stderr).not.toMatch(/internal error|Traceback/);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    const byId = new Map(items(join(dir, 'out/result.json')).map((i) => [i.id, i]));
    expect(byId.get('COM-01')).toMatchObject({ verdict: 'fail' });
    expect(byId.get('COM-01')?.reason).toContain('TODO: startup is not implemented yet (pos_hook.py)');
    expect(byId.get('COM-12')).toMatchObject({ verdict: 'fail' });
    expect(byId.get('COM-12')?.reason).toMatch(/TODO: (startup|refund) is not implemented yet \(pos_hook\.py\)/);
  }, 180_000);

  it('every style, driver and language validates, and the stub answers exactly the actions the checklist needs', async () => {
    for (const integration of ['express', 'complete', 'mixed', 'tickets']) {
      for (const driver of ['http', 'command']) {
        for (const stub of ['node', 'python']) {
          const dir = tempDir();
          const io = captureIo(dir);
          const features = integration === 'mixed' ? ['--features', 'refund,close-day'] : [];
          expect(await main(['init', '--yes', '--integration', integration, '--driver', driver, '--stub', stub, ...features], io), io.err()).toBe(0);
          const check = captureIo(dir);
          expect(await main(['validate', 'pos.yaml', '--ci'], check), `${integration}/${driver}/${stub}: ${check.err()}`).toBe(0);

          const pos = loadPosProfile(join(dir, 'pos.yaml'));
          const checklist = resolveChecklist(pos);
          const needed = preflight(checklist, checklist.items, { ...pos, driver: { type: 'http', url: '' } }).actions.map((a) => a.action);
          expect(needed.length).toBeGreaterThan(0);
          const source = readFileSync(join(dir, stub === 'node' ? 'pos-hook.mjs' : 'pos_hook.py'), 'utf8');
          const answered = [...source.matchAll(stub === 'node' ? /notImplemented\('([a-z-]+)'\)/g : /not_implemented\("([a-z-]+)"\)/g)].map((m) => m[1]);
          expect(answered, `${integration}/${stub}`).toEqual(needed);
          if (driver === 'command') {
            const listed = Object.keys((parse(readFileSync(join(dir, 'pos.yaml'), 'utf8')) as { driver: { actions: object } }).driver.actions);
            expect(listed).toEqual(needed);
          }
        }
      }
    }
  });

  it('the Node stub answers the outcome contract over HTTP and as a command', async () => {
    const dir = tempDir();
    expect(await main(['init', '--yes', '--integration', 'mixed', '--features', 'refund'], captureIo(dir))).toBe(0);
    const stub = join(dir, 'pos-hook.mjs');

    const once = execFileSync(process.execPath, [stub, 'sale', '990'], { encoding: 'utf8' });
    expect(JSON.parse(once.trim().split('\n').at(-1) as string)).toEqual({ outcome: 'failed', message: 'TODO: sale is not implemented yet (pos-hook.mjs)' });

    const child = spawn(process.execPath, [stub], { env: { ...process.env, POS_HOOK_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`the stub exited ${code}: ${out}`)));
      });
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect(await post('/actions/refund', { amount: 500 })).toEqual({ status: 200, body: { outcome: 'failed', message: 'TODO: refund is not implemented yet (pos-hook.mjs)' } });
      // close-day is no item's action for this POS: the stub does not pretend to have it.
      const unknown = await post('/actions/close-day', {});
      expect(unknown.body['outcome']).toBe('failed');
      expect(unknown.body['message']).toMatch(/^unknown action "close-day": this hook answers startup, sale, refund/);
      expect((await post('/nowhere', {})).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('asks its questions on a terminal, re-asking a bad answer', async () => {
    const dir = tempDir();
    const io = captureIo(dir);
    const answers = ['complete', 'command', 'python', 'Acme POS', 'Acme SARL', 'not-an-address', 'it@acme.example', 'refund'];
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
    stdin.isTTY = true;
    (io.stdout as { isTTY?: boolean }).isTTY = true;
    io.env = { ...io.env, CI: '' };
    let asked = 0;
    io.stdout.on('data', (c: Buffer) => {
      // One answer per prompt, as a person types it once the question is on screen.
      if (c.toString('utf8').endsWith('): ') && asked < answers.length) setImmediate(() => stdin.write(`${answers[asked++]}\n`));
    });
    expect(await main(['init', '--dir', 'pos'], { ...io, stdin }), io.err()).toBe(0);
    expect(asked).toBe(answers.length);
    expect(io.out()).toContain('is not an e-mail address like integration@acme.example');
    const pos = loadPosProfile(join(dir, 'pos', 'pos.yaml'));
    expect(pos).toMatchObject({ name: 'Acme POS', company: 'Acme SARL', email: 'it@acme.example', integration: 'complete', features: ['refund'] });
    expect(pos.driver).toMatchObject({ type: 'command', actions: { refund: ['python3', 'pos_hook.py', 'refund', '{amount}'] } });
    expect(existsSync(join(dir, 'pos', 'pos_hook.py'))).toBe(true);
  });

  it('never overwrites without --force, and writes nothing when one file exists', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pos-hook.mjs'), '// mine\n');
    const refused = captureIo(dir);
    expect(await main(['init', '--yes'], refused)).toBe(1);
    expect(refused.err()).toContain('init writes nothing: pos-hook.mjs already exists (pass --force to overwrite)');
    expect(existsSync(join(dir, 'pos.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'pos-hook.mjs'), 'utf8')).toBe('// mine\n');

    expect(await main(['init', '--yes', '--force'], captureIo(dir))).toBe(0);
    expect(readFileSync(join(dir, 'pos-hook.mjs'), 'utf8')).toContain('notImplemented(');
  });

  it('a bad flag value says which flag and what it may be (exit 1)', async () => {
    const cases: [string[], string][] = [
      [['--driver', 'htp'], '--driver "htp" is not one of http, command (did you mean "http"?)'],
      [['--integration', 'ticket'], '--integration "ticket" is not one of express, complete, mixed, tickets (did you mean "tickets"?)'],
      [['--stub', 'java'], '--stub "java" is not one of node, python'],
      [['--email', 'nobody'], '--email "nobody" is not an e-mail address like integration@acme.example'],
      [['--features', 'refunds'], '--features: unknown feature "refunds" (did you mean "refund"?)'],
      [['--name', '  '], '--name must not be empty'],
    ];
    for (const [flags, message] of cases) {
      const dir = tempDir();
      const io = captureIo(dir);
      expect(await main(['init', '--yes', ...flags], io), flags.join(' ')).toBe(1);
      expect(io.err()).toContain(message);
      expect(existsSync(join(dir, 'pos.yaml'))).toBe(false);
    }
  });
});

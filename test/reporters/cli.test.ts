import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { FIXTURES, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, interrupted: new Promise(() => {}) };
  const code = await main(args, io);
  return { code, out, err };
}

function work(): string {
  const dir = tempDir('cashlogy-cli-');
  dirs.push(dir);
  return dir;
}

const sample = join(FIXTURES, 'sample-result.json');

describe('cashlogy-cert report / manual / verify', () => {
  it('report re-renders one format in another language', async () => {
    const cwd = work();
    const r = await cli(['report', sample, '--format', 'html', '--lang', 'es', '--out', 'es'], cwd);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(readdirSync(join(cwd, 'es'))).toEqual(['checklist.html']);
    expect(readFileSync(join(cwd, 'es', 'checklist.html'), 'utf8')).toContain('<html lang="es">');
  });

  it('report --format all writes every report, in the run language by default', async () => {
    const cwd = work();
    const r = await cli(['report', sample], cwd);
    expect(r.code).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['checklist.html', 'checklist.md', 'junit.xml', 'manual.fr.html', 'manual.fr.md', 'result.json']);
    expect(r.out.trim().split('\n')).toHaveLength(6);
  });

  it('report --format bundle writes a bundle that verify accepts; tampering makes verify exit 4', async () => {
    const cwd = work();
    expect((await cli(['report', sample, '--format', 'bundle', '--lang', 'en', '--out', 'b'], cwd)).code).toBe(0);
    const ok = await cli(['verify', 'b'], cwd);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/^ok: b verifies \(\d+ files; zip sha256 [0-9a-f]{64}\)/);
    expect((await cli(['verify', 'b/b.zip'], cwd)).code).toBe(0);

    // The sample run failed a required item: intact, but not a submission, and no e-mail.
    expect(existsSync(join(cwd, 'b', 'email.txt'))).toBe(false);
    expect(ok.out).toContain('not a submission: EXP-03 (required) failed');
    const strict = await cli(['verify', 'b', '--submission'], cwd);
    expect(strict.code).toBe(4);
    expect(strict.err).toContain('b is intact but not a submission: EXP-03 (required) failed');

    writeFileSync(join(cwd, 'b', 'junit.xml'), '<testsuites/>');
    rmSync(join(cwd, 'b', 'checklist.md'));
    writeFileSync(join(cwd, 'b', 'extra.txt'), 'x');
    const bad = await cli(['verify', 'b'], cwd);
    expect(bad.code).toBe(4);
    expect(bad.out).toBe('missing: checklist.md\nmodified: junit.xml (sha256 differs)\nextra: extra.txt\n');
    expect(bad.err).toContain('does not verify: 3 problems');
    const json = await cli(['verify', 'b', '--json'], cwd);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, problems: [{ file: 'checklist.md', problem: 'missing' }, {}, {}] });
  });

  it('verify exits 1 when the bundle path does not exist', async () => {
    const r = await cli(['verify', 'nowhere'], work());
    expect(r.code).toBe(1);
    expect(r.err).toContain('no bundle at nowhere');
  });

  it('report exits 2 on a bad result.json, naming the file and the problem', async () => {
    const cwd = work();
    writeFileSync(join(cwd, 'result.json'), '{"schemaVersion": 1, "verdict": "passed"}');
    const r = await cli(['report', 'result.json', '--out', 'x'], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(cwd, 'result.json')}:1:33`);
    expect(r.err).toContain('unknown verdict "passed"');
    expect(r.err).toContain('did you mean "pass"?');
    expect(existsSync(join(cwd, 'x'))).toBe(false);
    // A file that is not there is a path the user typed: a usage error, as for every command.
    expect((await cli(['report', 'missing.json'], cwd)).code).toBe(1);
  });

  it('report exits 1 on an unknown format or language, with a suggestion', async () => {
    const cwd = work();
    const f = await cli(['report', sample, '--format', 'htlm'], cwd);
    expect(f.code).toBe(1);
    expect(f.err).toContain('did you mean "html"?');
    const l = await cli(['report', sample, '--lang', 'de'], cwd);
    expect(l.code).toBe(1);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('manual renders from a POS profile alone, before any run', async () => {
    const cwd = work();
    const r = await cli(['manual', '--pos', join(FIXTURES, 'pos-acme.yaml'), '--lang', 'en', '--out', 'docs'], cwd);
    expect(r).toMatchObject({ code: 0, err: '' });
    const text = readFileSync(join(cwd, 'docs', 'manual.en.md'), 'utf8');
    expect(text).toContain('# Integration manual: Acme POS with Cashlogy');
    expect(text).toContain('| Company | Acme Software SARL |');
    expect(text).toContain('Complete (no-screen, POS drives the machine)');
    expect(text).toContain('Typical exchange (example from the protocol reference):');
    expect(text).toContain('POS → Cashlogy  #B#0#0#0#');
    expect(text).toContain('## 5. Making a refund');
    const html = readFileSync(join(cwd, 'docs', 'manual.en.html'), 'utf8');
    expect(html).toContain('<h1>Integration manual: Acme POS with Cashlogy</h1>');
    expect(html).toContain('<div class="shot">[Screenshot: payment screen]</div>');
  });

  it('manual --result fills the sections from a run; manual without --pos is a usage error', async () => {
    const cwd = work();
    const r = await cli(['manual', '--pos', join(FIXTURES, 'pos-acme.yaml'), '--result', sample], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'manual.fr.md'), 'utf8')).toContain('Échange effectué par votre TPV pendant l\'exécution (point EXP-02, réussi) :');
    const usage = await cli(['manual'], cwd);
    expect(usage.code).toBe(1);
    expect(usage.err).toContain('--pos');
  });
});

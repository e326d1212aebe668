import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './helpers.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const NO_BACKOFFICE = 'test/fixtures/pos/no-backoffice.yaml';
const THOROUGH = 'test/fixtures/pos/all-express-actions.yaml';

/** The CLI as a real child process, from the repository root. */
const cli = (args: string[]) => runCli(args, { cwd: ROOT });

describe('cashlogy-cert validate', () => {
  it('prints ok for valid checklists and POS profiles and exits 0', async () => {
    const io = captureIo();
    const code = await main(['validate', 'checklists/chapter7-express.yaml', 'examples/pos/http.yaml'], io);
    expect(code).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toBe('ok: checklists/chapter7-express.yaml (22 items)');
    expect(lines[1]).toBe('ok: examples/pos/http.yaml (POS profile, express integration, http driver)');
    // Without --checklist, the POS profile's pre-flight says which checklist it used and why.
    expect(lines[2]).toMatch(/^ {2}pre-flight against chapter7-express \S+ \(the default for an express integration; choose another with --checklist\): /);
    expect(io.out()).toContain('(assumed: an http hook cannot be inspected; it must answer every action above)');
    expect(lines.at(-2)).toBe('2 files: 2 valid, 0 invalid');
    expect(io.err()).toBe('');
  });

  it('prints every problem with file:line:col, the line and a caret, errors before warnings, and exits 2', async () => {
    const io = captureIo();
    const code = await main(['validate', 'test/fixtures/checklists/invalid/bad-pos-fields.yaml', 'checklists/chapter7-complete.yaml'], io);
    expect(code).toBe(2);
    const err = io.err();
    expect(err).toContain('error: unknown integration "expres"\n  --> test/fixtures/checklists/invalid/bad-pos-fields.yaml:5:14\n  |\n5 | integration: expres\n  |              ^^^^^^\n  = hint: did you mean "express"?');
    expect(err.indexOf('error: invalid duration "soon"')).toBeLessThan(err.indexOf('warning: unknown feature "refunds"'));
    expect(err).toContain('invalid: test/fixtures/checklists/invalid/bad-pos-fields.yaml (4 errors, 1 warning)');
    expect(io.out()).toContain('ok: checklists/chapter7-complete.yaml (22 items)');
    expect(io.out()).toContain('2 files: 1 valid, 1 invalid');
  });

  it('exits 1 on usage errors: no file, a missing file (named)', async () => {
    const none = captureIo();
    expect(await main(['validate'], none)).toBe(1);
    expect(none.err()).toContain('validate needs at least one file');
    const missing = captureIo();
    expect(await main(['validate', 'checklists/chapter7-express.yaml', 'nope/missing.yaml'], missing)).toBe(1);
    expect(missing.err()).toContain('no such file: nope/missing.yaml');
    expect(missing.out()).toBe('');
  });

  it('tells a checklist from a profile by content, whatever the file name', async () => {
    const dir = tempDir('val-');
    writeFileSync(join(dir, 'a.yaml'), 'name: P\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: express\ndriver: {type: reference}\n');
    writeFileSync(join(dir, 'b.txt'), 'just: text\n');
    const io = captureIo(dir);
    expect(await main(['validate', 'a.yaml', 'b.txt'], io)).toBe(2);
    expect(io.out()).toContain('ok: a.yaml (POS profile, express integration, reference driver)');
    expect(io.err()).toContain('error: not a checklist (no "items:") nor a POS profile (no "driver:")\n  --> b.txt:1:1');
  });

  it('prints JSON with --json', async () => {
    const io = captureIo();
    expect(await main(['validate', '--json', 'test/fixtures/checklists/invalid/bad-level.yaml'], io)).toBe(2);
    const parsed = JSON.parse(io.out()) as { file: string; kind: string; valid: boolean; issues: { line: number; col: number; message: string }[] }[];
    expect(parsed).toEqual([
      expect.objectContaining({ file: 'test/fixtures/checklists/invalid/bad-level.yaml', kind: 'checklist', valid: false }),
    ]);
    expect(parsed[0]?.issues[0]).toMatchObject({ line: 11, col: 12, message: 'unknown level "mandatory"' });
  });
});

describe('pre-flight: a POS profile against the checklist it will face', () => {
  it('validate pos.yaml --checklist chapter7-express (real process): prints the needs, the missing action at its pos.yaml line, exits 2', async () => {
    const r = await cli(['validate', NO_BACKOFFICE, '--checklist', 'chapter7-express']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ {2}pre-flight against chapter7-express \S+ \(--checklist chapter7-express\): 22 of 22 items apply to this express POS \(command driver\)$/m);
    expect(r.stdout).toMatch(/^ {4}action backoffice +MISSING +EXP-16, required$/m);
    expect(r.stdout).toMatch(/^ {4}action cancel +missing +EXP-18, optional$/m);
    expect(r.stdout).toMatch(/^ {4}action startup +present +22 items$/m);
    expect(r.stderr).toContain(
      'error: chapter7-express needs action `backoffice` (EXP-16, required), which this command driver does not list\n' +
        `  --> ${NO_BACKOFFICE}:11:3\n   |\n11 |   actions:\n   |   ^^^^^^^\n  = hint: add backoffice: ["…"] under driver.actions`,
    );
    expect(r.stderr).toContain('warning: chapter7-express needs action `cancel` (EXP-18, optional)');
    expect(r.stderr).toContain(`invalid: ${NO_BACKOFFICE} (1 error, 1 warning)`);
  });

  it('a profile with every action validates; --ci lists the items that need a person', async () => {
    const io = captureIo();
    expect(await main(['validate', THOROUGH, '--ci'], io)).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toContain(`ok: ${THOROUGH} (POS profile, express integration, command driver)`);
    expect(io.out()).toMatch(/in --ci, \d+ items need a person \(skipped there\): EXP-\d+/);
  });

  it('the manual driver is an error with --ci only', async () => {
    const plain = captureIo();
    expect(await main(['validate', 'examples/pos/manual.yaml'], plain)).toBe(0);
    const ci = captureIo();
    expect(await main(['validate', 'examples/pos/manual.yaml', '--ci'], ci)).toBe(2);
    expect(ci.err()).toContain('error: the manual driver asks a person for every action, which --ci forbids\n  --> examples/pos/manual.yaml:');
  });

  it('--json carries the pre-flight', async () => {
    const io = captureIo();
    expect(await main(['validate', '--json', NO_BACKOFFICE], io)).toBe(2);
    const [r] = JSON.parse(io.out()) as { valid: boolean; preflight: { chosen: string; ok: boolean; missing: { action: string; severity: string; items: { id: string; level: string }[] }[] } }[];
    expect(r?.valid).toBe(false);
    expect(r?.preflight.chosen).toContain('the default for an express integration');
    expect(r?.preflight.ok).toBe(false);
    expect(r?.preflight.missing.map((m) => [m.action, m.severity])).toEqual([
      ['backoffice', 'error'],
      ['cancel', 'warning'],
    ]);
    expect(r?.preflight.missing[0]?.items).toEqual([{ id: 'EXP-16', level: 'required' }]);
  });

  it('--checklist takes a file relative to the working directory; a tickets POS without it faces tickets-micro', async () => {
    const dir = tempDir('val-pre-');
    writeFileSync(join(dir, 'pos.yaml'), 'name: P\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: tickets\ndriver:\n  type: command\n  actions: {startup: [x]}\n');
    const without = captureIo(dir);
    expect(await main(['validate', 'pos.yaml'], without)).toBe(2);
    expect(without.out()).toContain('pre-flight against tickets-micro');
    expect(without.err()).toContain('error: tickets-micro needs action `sale`');
    const io = captureIo(dir);
    copyFileSync(join(ROOT, 'checklists/chapter7-express.yaml'), join(dir, 'mine.yaml'));
    expect(await main(['validate', 'pos.yaml', '--checklist', 'mine.yaml'], io)).toBe(2);
    expect(io.out()).toContain('pre-flight against chapter7-express');
    expect(io.out()).toContain('(--checklist mine.yaml)');
    expect(io.err()).toContain('error: chapter7-express needs action `sale`');
  });

  it('run with that profile exits 2 before starting anything (real process): no item, no report folder', async () => {
    const out = join(tempDir('pre-run-'), 'report');
    const r = await cli(['run', '--pos', NO_BACKOFFICE, '--checklist', 'chapter7-express', '--ci', '--json', '--out', out, '--time-scale', '0.02']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/action backoffice +MISSING +EXP-16, required/);
    expect(r.stderr).toContain('error: chapter7-express needs action `backoffice` (EXP-16, required)');
    expect(r.stderr).toContain('no-backoffice.yaml:11:3');
    expect(r.stderr).toContain('nothing was started');
    expect(existsSync(out)).toBe(false);
  });

  it('run that passes the pre-flight prints it before the first item', async () => {
    const io = captureIo();
    const out = join(tempDir('pre-run-'), 'report');
    const fixtures = join(ROOT, 'test/runner/fixtures');
    const code = await main(['run', '--pos', join(fixtures, 'pos-honest.yaml'), '--checklist', join(fixtures, 'sale.yaml'), '--ci', '--out', out, '--time-scale', '0.01', '--seed', '5', '--lang', 'en'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const text = io.out();
    expect(text).toMatch(/^pre-flight against runner-test \S+: \d+ of \d+ items apply to this express POS \(http driver\)$/m);
    expect(text.indexOf('pre-flight against')).toBeLessThan(text.indexOf('T-01'));
  }, 60_000);
});

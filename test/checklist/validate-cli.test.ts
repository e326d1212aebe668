import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './helpers.js';

describe('cashlogy-cert validate', () => {
  it('prints ok for valid checklists and POS profiles and exits 0', async () => {
    const io = captureIo();
    const code = await main(['validate', 'checklists/chapter7-express.yaml', 'examples/pos/http.yaml'], io);
    expect(code).toBe(0);
    expect(io.out()).toBe(
      'ok: checklists/chapter7-express.yaml (22 items)\n' +
        'ok: examples/pos/http.yaml (POS profile, express integration, http driver)\n' +
        '2 files: 2 valid, 0 invalid\n',
    );
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
    const dir = mkdtempSync(join(tmpdir(), 'val-'));
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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { CertError, InvalidInputError } from '../../src/errors.js';
import { profileDenominations, profileView, validateProfile } from '../../src/machine/index.js';
import { listProfiles, loadProfile } from '../../src/server/load-profile.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempYaml(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cashlogy-profile-'));
  dirs.push(dir);
  const file = join(dir, 'machine.yaml');
  writeFileSync(file, text);
  return file;
}

function issuesOf(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('expected InvalidInputError');
}

const MINIMAL = `name: tiny
currency: {code: EUR, symbol: "€"}
coins:
  - {value: 100, capacity: 10}
notes:
  - {value: 500, recyclable: true, capacity: 5, initial: 2}
  - {value: 1000, recyclable: false}
`;

describe('machine profiles', () => {
  it('lists the bundled profiles and loads them by name', () => {
    expect(listProfiles()).toEqual(expect.arrayContaining(['eur-pos1500', 'usd-pos1500']));
    for (const name of listProfiles()) expect(loadProfile(name).name).toBe(name);
  });

  it('the EUR profile: coins 1…200, notes 500…50000, only 5/10/20 € recycled', () => {
    const eur = loadProfile('eur-pos1500');
    expect(profileDenominations(eur)).toEqual({ coins: [1, 2, 5, 10, 20, 50, 100, 200], notes: [500, 1000, 2000, 5000, 10000, 20000, 50000] });
    expect(eur.notes.filter((d) => d.recyclable).map((d) => d.value)).toEqual([500, 1000, 2000]);
    expect(eur.durations).toMatchObject({ noteAcceptMs: 1500, coinAcceptMs: 300, initColdMs: 8000 });
    expect(profileView(eur)).toMatchObject({ name: 'eur-pos1500', currency: 'EUR', symbol: '€', recyclable: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] });
  });

  it('loads a path, applies defaults, and passes an already loaded profile through', () => {
    const file = tempYaml(MINIMAL);
    const p = loadProfile(file);
    expect(p.coins[0]).toMatchObject({ value: 100, capacity: 10, nearEmpty: 1, nearFull: 9, initial: 0 });
    expect(p.dialect).toEqual({
      initPerConnection: false,
      strictParameters: false,
      cancelReply: 'idle',
      u2Level: 'short',
      dispenseList: 'all',
      requestEnd: 'arrival',
      version: '2.01',
      maxFrameBytes: 4096,
    });
    expect(loadProfile(p)).toBe(p);
  });

  it('accepts a plain object', () => {
    const p = loadProfile({ name: 'obj', currency: { code: 'USD', symbol: '$', symbolFirst: true }, coins: [{ value: 25, capacity: 100 }] });
    expect(p.currency.symbolFirst).toBe(true);
  });

  it('unknown name: did-you-mean and the list of bundled profiles', () => {
    const err = issuesOf(() => loadProfile('eur-pos150'));
    expect(err.issues[0]?.hint).toContain('did you mean "eur-pos1500"?');
  });

  it('a missing file is FILE_NOT_FOUND (exit 1, like every missing file named on the command line)', () => {
    expect(() => loadProfile('/nonexistent/machine.yaml')).toThrow(CertError);
    try {
      loadProfile('/nonexistent/machine.yaml');
    } catch (err) {
      expect((err as CertError).code).toBe('FILE_NOT_FOUND');
      expect(exitCodeForError(err)).toBe(1);
    }
  });

  it('reports every problem at once with file:line:col', () => {
    const file = tempYaml(`name: broken
currency: {code: euro}
coins:
  - {value: 100, capacity: 10, initail: 3}
  - {value: 100, capacity: 5}
notes:
  - {value: 5000, recyclable: false, initial: 2}
durations: {noteAccept: fast}
dialect: {cancelReply: maybe}
`);
    const err = issuesOf(() => loadProfile(file));
    const byMessage = (text: string) => err.issues.find((i) => i.message.includes(text));
    expect(byMessage('invalid currency code "euro"')).toMatchObject({ file, line: 2, col: 18, hint: 'three capital letters (ISO 4217), e.g. EUR' });
    expect(byMessage('unknown key "initail"')).toMatchObject({ line: 4, col: 32, hint: 'did you mean "initial"?' });
    expect(byMessage('appears twice')).toMatchObject({ line: 5, col: 13 });
    expect(byMessage('cannot start in a recycler')).toMatchObject({ line: 7, col: 47 });
    expect(byMessage('invalid duration "fast"')).toMatchObject({ line: 8, col: 25, path: 'durations.noteAccept' });
    expect(byMessage('unknown cancel reply "maybe"')).toMatchObject({ line: 9, col: 24, hint: 'expected one of: idle, ack, none' });
    expect(err.issues).toHaveLength(6);
    expect(err.message).toContain('6 problems');
  });

  it('YAML syntax errors come with their position', () => {
    const err = issuesOf(() => loadProfile(tempYaml('name: [unclosed\n')));
    expect(err.issues[0]).toMatchObject({ severity: 'error', line: expect.any(Number) });
  });

  it('validateProfile on objects returns problems with paths', () => {
    const { problems } = validateProfile({ name: 'x', currency: { code: 'EUR' }, coins: [{ value: 0, capacity: 3 }], notes: 'none' });
    expect(problems.map((p) => p.path.join('.'))).toEqual(['coins.0.value', 'notes']);
  });
});

/**
 * Golden messages: every file in test/fixtures/checklists/invalid/<case>.yaml must produce
 * exactly <case>.err (the formatted issues, as `validate` prints them).
 * Set UPDATE_GOLDEN=1 to rewrite the .err files after an intended change; without it a
 * missing .err fails the case instead of being written.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../src/format/source.js';
import { validateText } from '../../src/cli/validate-file.js';

const DIR = 'test/fixtures/checklists/invalid';
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

describe('invalid checklists and POS profiles: golden messages', () => {
  it('has the required cases', () => {
    for (const required of [
      'unknown-key',
      'unknown-fault-type',
      'unknown-action',
      'bad-duration',
      'bad-level',
      'wrong-type',
      'missing-field',
      'duplicate-id',
      'unknown-dependency',
      'dependency-cycle',
      'custom-tag',
      'alias-bomb',
      'yaml-syntax',
      'bad-frame-pattern',
      'bad-pos-driver',
    ]) {
      expect(cases).toContain(required);
    }
  });

  it('has no golden without its case (a renamed case would leave its .err testing nothing)', () => {
    const orphans = readdirSync(DIR)
      .filter((f) => f.endsWith('.err'))
      .map((f) => f.slice(0, -'.err'.length))
      .filter((name) => !cases.includes(name));
    expect(orphans).toEqual([]);
  });

  for (const name of cases) {
    it(name, () => {
      const file = `${DIR}/${name}.yaml`;
      const result = validateText(readFileSync(file, 'utf8'), file);
      expect(result.valid).toBe(false);
      expect(result.issues.some((i) => i.severity === 'error')).toBe(true);
      const actual = formatIssues(result.issues, result.text) + '\n';
      const golden = `${DIR}/${name}.err`;
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
      expect(existsSync(golden), `missing ${golden}: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

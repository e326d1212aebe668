/**
 * Bad input gets a clear error, located, instead of reaching places it should not (issue 19,
 * smaller findings): control characters in pos.yaml and checklist text, durations past any
 * timer's range, YAML nested 100,000 deep, and excerpts of huge lines.
 */
import { describe, expect, it } from 'vitest';
import { analyzeChecklist } from '../../src/checklist/load.js';
import { MAX_DURATION_MS, parseDuration } from '../../src/duration.js';
import { validateFaultSpec } from '../../src/faults/registry.js';
import { formatIssue, type Issue } from '../../src/format/issues.js';
import { checkShape } from '../../src/format/shape.js';
import { formatIssues } from '../../src/format/source.js';
import { MAX_NESTING, readYaml } from '../../src/format/yaml.js';
import { analyzePosProfile } from '../../src/pos/profile.js';
import { posJsonSchema } from '../../src/pos/profile-format.js';
import { customerShape } from '../../src/server/validate.js';

const POS = (over: Record<string, string> = {}) => {
  const fields = { name: 'Acme POS', version: '"4.2"', company: 'Acme', email: 'a@acme.example', ...over };
  return `${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}
integration: express
driver:
  type: command
  actions: {sale: ["node", "pos.js", "{amount}"]}
`;
};

const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error');

describe('control characters in pos.yaml and checklists are refused at validation', () => {
  it('an ANSI escape in the company name: error at file:line:col, and the excerpt does not replay it', () => {
    const text = POS({ company: '"Acme\\e[2J\\e[31m SARL"' });
    const analysis = analyzePosProfile(text, 'pos.yaml');
    expect(analysis.profile).toBeUndefined();
    expect(errors(analysis.issues)).toEqual([
      expect.objectContaining({ message: 'control character U+001B (ESC) at character 5 of the text', file: 'pos.yaml', line: 3, col: 10, path: 'company' }),
    ]);
    const shown = formatIssues(analysis.issues, text);
    expect(shown).not.toMatch(/\u001b/);
  });

  it('every text field of pos.yaml: name, version, e-mail, argv, cwd, env values (newlines allowed there), features', () => {
    const bad = [
      ['name', '"A\\u0007"'],
      ['version', '"1.0\\u009b"'],
      ['email', '"a\\u007f@b.example"'],
      ['features', '["refund\\e"]'],
    ] as const;
    for (const [key, value] of bad) {
      const analysis = analyzePosProfile(POS({ [key]: value }), 'pos.yaml');
      expect(errors(analysis.issues).map((i) => `${i.path}: ${i.message}`), key).toEqual([expect.stringMatching(new RegExp(`^${key}(\\[0\\])?: control character U\\+00`))]);
    }
    const driver = (body: string) => `name: P\nversion: "1"\ncompany: C\nemail: a@b.example\nintegration: express\ndriver:\n  type: command\n${body}`;
    const argv = analyzePosProfile(driver('  actions: {sale: ["node", "pos.js\\r"]}\n'), 'pos.yaml');
    expect(errors(argv.issues)).toEqual([expect.objectContaining({ path: 'driver.actions.sale[1]', message: expect.stringMatching(/U\+000D \(carriage return\)/) })]);
    const env = analyzePosProfile(driver('  actions: {sale: ["x"]}\n  env: {PEM: "line1\\nline2", BAD: "\\e]0;title\\u0007"}\n  cwd: "a\\tb"\n'), 'pos.yaml');
    expect(errors(env.issues).map((i) => i.path).sort()).toEqual(['driver.cwd', 'driver.env.BAD']);
  });

  it('checklist texts and refs: multi-line texts keep their newlines, control characters are refused', () => {
    const checklist = (title: string) => `id: t
version: 1.0.0
title: {fr: ${title}, en: T, es: T}
source: test
integrations: [express]
items:
  - id: A-01
    title: {fr: "line 1\\nline 2\\ttabbed", en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: recommended
    catches: {fr: c, en: c, es: c}
    steps:
      - action: startup
`;
    expect(errors(analyzeChecklist(checklist('T'), 'c.yaml').issues)).toEqual([]);
    expect(errors(analyzeChecklist(checklist('"T\\e[0m"'), 'c.yaml').issues)).toEqual([
      expect.objectContaining({ path: 'title.fr', line: 3, message: 'control character U+001B (ESC) at character 2 of the text' }),
    ]);
  });

  it('the JSON Schema says the same to editors', () => {
    const company = (posJsonSchema()['properties'] as Record<string, Record<string, unknown>>)['company'];
    expect(company).toMatchObject({ type: 'string', not: { pattern: expect.any(String) } });
    const pattern = new RegExp(((company as { not: { pattern: string } }).not).pattern);
    expect(pattern.test('Acme\u001b[31m')).toBe(true);
    expect(pattern.test('Acme SARL — café')).toBe(false);
  });
});

describe('every duration a user can give is bounded (24 hours), with an error that states the limit', () => {
  it('1e308 ms is not a duration any more (it used to become 1 ms through the timer overflow)', () => {
    expect(parseDuration(1e308)).toBeUndefined();
    expect(parseDuration('99999999s')).toBeUndefined();
    expect(parseDuration(MAX_DURATION_MS)).toBe(MAX_DURATION_MS);
    expect(parseDuration('1440m')).toBe(MAX_DURATION_MS);
  });

  it('pos.yaml timeouts and checklist durations say the limit, located', () => {
    const pos = analyzePosProfile(`${POS()}  timeouts: {sale: 99999999s}\n`, 'pos.yaml');
    expect(errors(pos.issues)).toEqual([
      expect.objectContaining({ path: 'driver.timeouts.sale', line: 9, col: 20, message: 'duration "99999999s" is above the limit of 24 hours (1440m, 86400000ms)' }),
    ]);
    const checklist = analyzeChecklist(
      `id: t
version: 1.0.0
title: {fr: T, en: T, es: T}
source: test
integrations: [express]
items:
  - id: A-01
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: recommended
    catches: {fr: c, en: c, es: c}
    timeout: 1e308
    steps:
      - action: sale
        amount: 100
        timeout: 1441m
      - expect: {sends: "#C#...", within: 86400001}
`,
      'c.yaml',
    );
    expect(errors(checklist.issues).map((i) => `${i.line}: ${i.message}`)).toEqual([
      '13: duration 1e+308 is above the limit of 24 hours (1440m, 86400000ms)',
      '17: duration "1441m" is above the limit of 24 hours (1440m, 86400000ms)',
      '18: duration 86400001 is above the limit of 24 hours (1440m, 86400000ms)',
    ]);
  });

  it('fault options, triggers and the customer delay (the control API answers these with a 400)', () => {
    const latency = validateFaultSpec({ type: 'latency', ms: 1e308 });
    expect(latency.spec).toBeUndefined();
    expect(latency.problems.map((p) => p.message)).toEqual([expect.stringContaining('is above the limit of 24 hours')]);
    const after = validateFaultSpec({ type: 'latency', ms: 10, on: { after: '100000000ms' } });
    expect(after.problems.map((p) => p.message)).toEqual([expect.stringContaining('is above the limit of 24 hours')]);
    expect(validateFaultSpec({ type: 'latency', ms: '1440m' }).problems).toEqual([]);
    expect(checkShape(customerShape, { mode: 'auto', delayMs: 1e308 }).map((p) => p.message)).toEqual([`must be at most ${MAX_DURATION_MS}, got 1e+308`]);
  });
});

describe('YAML nested deeper than the limit, and huge lines in excerpts', () => {
  it('100,000 levels deep: "nested deeper than 64", located, no stack overflow', () => {
    for (const text of ['a: ' + '['.repeat(100_000) + ']'.repeat(100_000), 'a:\n' + '- '.repeat(100_000) + 'x\n', 'a: ' + '['.repeat(MAX_NESTING + 5) + ']'.repeat(MAX_NESTING + 5)]) {
      const source = readYaml(text, 'deep.yaml');
      expect(source.value).toBeUndefined();
      expect(source.issues).toEqual([expect.objectContaining({ message: `YAML: nested deeper than ${MAX_NESTING} levels`, file: 'deep.yaml' })]);
      expect(formatIssues(source.issues, text)).not.toMatch(/call stack/i);
    }
    expect(readYaml('a: ' + '['.repeat(MAX_NESTING - 2) + ']'.repeat(MAX_NESTING - 2), 'ok.yaml').issues).toEqual([]);
  });

  it('an excerpt of a 200 KB line is at most 200 characters around the caret, with ellipses', () => {
    const line = 'x'.repeat(100_000) + 'HERE' + 'y'.repeat(100_000);
    const shown = formatIssue({ severity: 'error', message: 'bad', file: 'f.yaml', line: 2, col: 100_001, length: 4 }, `first\n${line}\nlast`);
    const lines = shown.split('\n');
    const text = lines[3] as string;
    const caret = lines[4] as string;
    expect(text.length).toBeLessThan(220);
    expect(text).toMatch(/^2 \| …x+HEREy+…$/);
    expect(text.indexOf('HERE')).toBe(caret.indexOf('^'));
    expect(caret.match(/\^/g)).toHaveLength(4);
    expect(shown.length).toBeLessThan(600);
  });
});

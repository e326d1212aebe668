import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/reporters/junit.js';
import { runVerdict } from '../../src/runner/verdict.js';
import { loadFixture } from './helpers.js';
import { findAll, parseXml } from './xml.js';

describe('JUnit XML', () => {
  const result = loadFixture('sample');
  const doc = parseXml(renderJunit({ result, lang: 'en' }));
  const suite = findAll(doc, 'testsuite')[0];
  const cases = findAll(doc, 'testcase');
  const byId = (id: string) => cases.find((c) => c.attrs['name']?.startsWith(`${id} `));

  it('parses back with the right totals', () => {
    expect(doc.name).toBe('testsuites');
    expect(suite?.attrs).toMatchObject({ tests: '9', failures: '1', errors: '1', skipped: '3' });
    expect(doc.attrs).toMatchObject({ tests: '9', failures: '1', errors: '1', skipped: '3' });
    expect(suite?.attrs['name']).toBe('chapter7-express 1.0.0 on Acme POS 4.2.0');
    expect(Number(suite?.attrs['time'])).toBeCloseTo(39.82, 2);
  });

  it('has one uniquely named testcase per item, with the checklist file and real times', () => {
    expect(cases).toHaveLength(result.items.length);
    expect(new Set(cases.map((c) => c.attrs['name'])).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.attrs['classname']).toBe('checklists/chapter7-express.yaml');
      expect(c.attrs['file']).toBe('checklists/chapter7-express.yaml');
    }
    expect(byId('EXP-02')?.attrs['time']).toBe('1.830');
  });

  it('maps fail to <failure>, error to <error>, the rest to <skipped>', () => {
    const failure = findAll(byId('EXP-03')!, 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]?.attrs['message']).toContain('net 990');
    expect(failure[0]?.text).toContain('expected: outcome completed, paid 990, change 1010');
    const error = findAll(byId('EXP-05')!, 'error');
    expect(error).toHaveLength(1);
    expect(error[0]?.text).toContain('timeout: no answer from POST /actions/startup');
    expect(error[0]?.text).toContain('fault: busy');
    expect(findAll(byId('CPL-01')!, 'skipped')[0]?.attrs['message']).toBe('not applicable: needs the POS feature "refund"');
    expect(findAll(byId('EXP-07')!, 'skipped')[0]?.attrs['message']).toContain('depends on EXP-03');
    expect(findAll(byId('EXP-06')!, 'skipped')[0]?.attrs['message']).toMatch(/^partial/);
    expect(byId('EXP-02')!.children.map((c) => c.name)).toEqual(['properties', 'system-out']);
  });

  it('carries the level in the name and in a property, and the verdict in a property', () => {
    for (const item of result.items) {
      const c = byId(item.id)!;
      expect(c.attrs['name']).toMatch(new RegExp(`\\[${item.level}\\]$`));
      const props = Object.fromEntries(findAll(c, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
      expect(props).toEqual({ level: item.level, verdict: item.verdict });
    }
    expect(byId('EXP-03')?.attrs['name']).toBe('EXP-03 Sale with change books the net amount [required]');
  });

  it('agrees with the exit code: a failed recommended or optional item is no <failure>', () => {
    const copy = structuredClone(result);
    const required = copy.items.find((i) => i.id === 'EXP-03')!;
    const recommended = copy.items.find((i) => i.id === 'EXP-06')!;
    const optional = copy.items.find((i) => i.id === 'CPL-01')!;
    for (const item of [recommended, optional]) {
      item.verdict = 'fail';
      item.reason = `${item.id} missed its deadline`;
      item.checks = [{ kind: 'sends', step: 1, status: 'failed', expected: 'a frame #Q#', actual: 'no matching frame', message: 'the POS never polled' }];
    }
    // The only required failure is fixed: the run passes (exit 0), so the test view must be green.
    required.verdict = 'pass';
    required.checks = required.checks.map((c) => ({ ...c, status: 'passed' as const }));
    const items = copy.items.filter((i) => i.verdict !== 'error');
    copy.items = items;
    expect(runVerdict(items)).toBe('pass');
    const xml = parseXml(renderJunit({ result: copy, lang: 'en' }));
    expect(findAll(xml, 'failure')).toHaveLength(0);
    expect(findAll(xml, 'error')).toHaveLength(0);
    expect(xml.attrs).toMatchObject({ failures: '0', errors: '0' });
    for (const item of [recommended, optional]) {
      const c = findAll(xml, 'testcase').find((t) => t.attrs['name']?.startsWith(`${item.id} `))!;
      expect(c.children.map((child) => child.name)).not.toContain('skipped');
      const props = Object.fromEntries(findAll(c, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
      expect(props).toEqual({ level: item.level, verdict: 'fail' });
      const out = findAll(c, 'system-out')[0]?.text ?? '';
      expect(out).toMatch(new RegExp(`^${item.level} item failed; it does not decide the run`));
      expect(out).toContain(`${item.id} missed its deadline`);
      expect(out).toContain('expected: a frame #Q#');
    }
    // The same item at the required level is a <failure> again: the rule is the level, not the item.
    optional.level = 'required';
    const strict = parseXml(renderJunit({ result: copy, lang: 'en' }));
    expect(runVerdict(copy.items)).toBe('fail');
    expect(findAll(strict, 'failure')).toHaveLength(1);
    expect(strict.attrs['failures']).toBe('1');
  });

  it('writes the advisory line in the report language', () => {
    const copy = structuredClone(result);
    const recommended = copy.items.find((i) => i.id === 'EXP-06')!;
    recommended.verdict = 'fail';
    recommended.reason = 'raison';
    const xml = parseXml(renderJunit({ result: copy, lang: 'fr' }));
    const c = findAll(xml, 'testcase').find((t) => t.attrs['name']?.startsWith('EXP-06 '))!;
    expect(c.attrs['name']).toMatch(/\[recommended\]$/);
    expect(findAll(c, 'system-out')[0]?.text).toMatch(/^élément recommandé en échec/);
  });

  it('puts the transcript in <system-out>', () => {
    const out = findAll(byId('EXP-03')!, 'system-out')[0]?.text ?? '';
    expect(out).toContain('-> #C#2#1#990#1#15360#0#0#0#1#0#0#');
    expect(out).toContain('<- #WR:LEVEL#2000#1010#0#0#');
  });

  it('stays well-formed with hostile names, ids and frames', () => {
    const hostile = loadFixture('hostile');
    const xml = renderJunit({ result: hostile, lang: 'fr' });
    const parsed = parseXml(xml);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    const names = findAll(parsed, 'testcase').map((c) => c.attrs['name']);
    expect(names[0]).toBe(`../../etc/passwd Pipes | in | title\nand a newline [${hostile.items[0]?.level}]`);
    expect(findAll(parsed, 'property').find((p) => p.attrs['name'] === 'pos.name')?.attrs['value']).toBe(hostile.pos.name);
    expect(findAll(parsed, 'testcase')[2]?.children.find((c) => c.name === 'failure')?.attrs['message']).toBe('reason with ]]> and <tag> & "quotes"');
  });

  it('the test XML parser rejects what a real parser rejects', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a x="<"/>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
  });
});

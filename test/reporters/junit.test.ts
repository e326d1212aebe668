import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/reporters/junit.js';
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
    expect(byId('EXP-02')!.children.map((c) => c.name)).toEqual(['system-out']);
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
    expect(names[0]).toBe('../../etc/passwd Pipes | in | title\nand a newline');
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

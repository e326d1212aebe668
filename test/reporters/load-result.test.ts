import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { parseResult } from '../../src/reporters/load-result.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';

function issuesOf(text: string) {
  try {
    parseResult(text, 'bad/result.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).issues;
  }
  throw new Error('expected the result to be refused');
}

const minimal = {
  schemaVersion: 1,
  tool: { name: 'cashlogy-cert', version: '0.1.0' },
  checklist: { id: 'c', version: '1', sha256: 'abc' },
  pos: { name: 'P', version: '1', integration: 'express' },
  seed: 1,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  verdict: 'pass',
  items: [{ id: 'X-1', title: 'One', level: 'required', verdict: 'pass', checks: [], transcript: [{ at: 0, conn: 1, dir: 'in', data: '#I#' }] }],
};

describe('reading result.json', () => {
  it('points at a JSON syntax error with line and column', () => {
    const [issue] = issuesOf('{\n  "schemaVersion": 1,\n  "tool": }\n');
    expect(issue).toMatchObject({ file: 'bad/result.json', line: 3 });
    expect(issue?.message).toMatch(/^not valid JSON/);
  });

  it('reports every problem with its path, position and a did-you-mean', () => {
    const bad = structuredClone(minimal) as Record<string, unknown> & typeof minimal;
    (bad.items[0] as Record<string, unknown>)['verdict'] = 'passs';
    (bad.pos as Record<string, unknown>)['integration'] = 'expres';
    delete (bad as Record<string, unknown>)['seed'];
    const issues = issuesOf(JSON.stringify(bad, null, 2));
    expect(issues.map((i) => i.path)).toEqual(['pos.integration', '', 'items[0].verdict']);
    expect(issues[0]).toMatchObject({ message: 'unknown integration "expres"', hint: 'did you mean "express"?', line: 15, col: 20 });
    expect(issues[1]).toMatchObject({ message: 'missing required key "seed" in a result' });
    expect(issues[2]).toMatchObject({ message: 'unknown verdict "passs"', hint: 'did you mean "pass"?' });
  });

  it('refuses another schema version and a non-object', () => {
    expect(issuesOf(JSON.stringify({ ...minimal, schemaVersion: 2 }))[0]?.message).toMatch(/unsupported schemaVersion 2/);
    expect(issuesOf('[1, 2]')[0]?.message).toMatch(/expected a JSON object/);
  });

  it('renders the minimal result of docs/reports.md, filling what it leaves out', () => {
    const result = parseResult(JSON.stringify(minimal), 'min.json');
    expect(result.summary).toMatchObject({ total: 1, pass: 1 });
    expect(result.items[0]).toMatchObject({ titles: { fr: 'One', en: 'One', es: 'One' }, actions: [], faults: [], tags: [] });
    expect(renderHtml({ result, lang: 'fr' })).toContain('X-1');
    expect(renderMarkdown({ result, lang: 'es' })).toContain('| X-1 | One |');
    expect(renderJunit({ result, lang: 'en' })).toContain('<testcase name="X-1 One [required]"');
  });
});

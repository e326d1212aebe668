import { describe, expect, it } from 'vitest';
import {
  coverageItems,
  coverageItemsOfResult,
  coverageOf,
  coverageOfResult,
  coverageRecord,
  describeCoverage,
  incompleteLine,
  notRunOfResult,
  submissionProblems,
  type CoverageItem,
} from '../../src/runner/coverage.js';
import type { ChecklistItem } from '../../src/checklist/types.js';
import type { ItemResult, ItemVerdict, RunResult } from '../../src/runner/result.js';
import { portablePath, scrubPaths, scrubPathsDeep } from '../../src/runner/portable-paths.js';

const item = (id: string, level: CoverageItem['level'] = 'required', applicable = true): CoverageItem => ({ id, level, applicable });
const ran = (id: string, verdict: ItemVerdict) => ({ id, verdict });
const CHECKLIST = [item('A'), item('B'), item('C'), item('D', 'recommended'), item('E', 'required', false)];

describe('coverageOf', () => {
  it('is complete when every applicable required item ran to any verdict, dependency and --ci operator skips included', () => {
    const c = coverageOf({
      checklist: CHECKLIST,
      results: [ran('A', 'fail'), ran('B', 'skipped'), ran('C', 'error'), ran('E', 'not-applicable')],
    });
    expect(c).toEqual({ complete: true, required: 3, covered: 3, missing: [], interrupted: false });
    expect(describeCoverage(c)).toEqual([]);
    expect(incompleteLine(c)).toBeUndefined();
  });

  it('a narrowing selection leaves the other required items missing, in checklist order', () => {
    const c = coverageOf({ checklist: CHECKLIST, results: [ran('B', 'pass')], selection: { only: ['B'] } });
    expect(c.complete).toBe(false);
    expect(c.missing).toEqual([{ id: 'A', why: 'not-selected' }, { id: 'C', why: 'not-selected' }]);
    expect(c.selection).toEqual({ only: ['B'] });
    expect(incompleteLine(c)).toBe('INCOMPLETE: 1 of 3 required items ran (missing: A, C; --only B) — not a submission');
  });

  it('a selection that still holds every applicable required item is complete (coverage is judged by item)', () => {
    const c = coverageOf({ checklist: CHECKLIST, results: [ran('A', 'pass'), ran('B', 'pass'), ran('C', 'pass')], selection: { tags: ['x'] } });
    expect(c.complete).toBe(true);
  });

  it('items stopped by Ctrl-C are missing even though they have a result', () => {
    const c = coverageOf({
      checklist: CHECKLIST,
      results: [ran('A', 'pass'), ran('B', 'skipped'), ran('C', 'skipped')],
      notRun: ['B', 'C'],
      interrupted: true,
    });
    expect(c.complete).toBe(false);
    expect(c.missing).toEqual([{ id: 'B', why: 'interrupted' }, { id: 'C', why: 'interrupted' }]);
    expect(describeCoverage(c)).toEqual(['1 of 3 required items ran', 'missing: B, C', 'interrupted (Ctrl-C)']);
  });

  it('a shard says which one it was', () => {
    const c = coverageOf({ checklist: CHECKLIST, results: [ran('A', 'pass'), ran('C', 'pass')], selection: { shard: '1/2' } });
    expect(describeCoverage(c)).toEqual(['2 of 3 required items ran', 'missing: B', 'shard 1/2']);
  });

  it('coverageItems applies the POS integration and features', () => {
    const base = { level: 'required' as const, dependsOn: [] };
    const items = [
      { ...base, id: 'X', appliesTo: { integrations: [], features: [] } },
      { ...base, id: 'Y', appliesTo: { integrations: ['complete' as const], features: [] } },
      { ...base, id: 'Z', appliesTo: { integrations: [], features: ['refund'] } },
    ] as unknown as ChecklistItem[];
    expect(coverageItems(items, { integration: 'express', features: ['refund'] })).toEqual([
      { id: 'X', level: 'required', applicable: true },
      { id: 'Y', level: 'required', applicable: false },
      { id: 'Z', level: 'required', applicable: true },
    ]);
  });
});

function resultOf(items: [string, ItemVerdict, ItemResult['level']?][], extra: Partial<RunResult> = {}): RunResult {
  return {
    verdict: 'pass',
    items: items.map(([id, verdict, level]) => ({ id, verdict, level: level ?? 'required' }) as ItemResult),
    ...extra,
  } as RunResult;
}

describe('saved results', () => {
  it('a result without `complete` (older file) reads as incomplete', () => {
    const r = resultOf([['A', 'pass']]);
    expect(coverageOfResult(r).complete).toBe(false);
    expect(submissionProblems(r).map((p) => p.kind)).toEqual(['incomplete']);
  });

  it('merging the shards of a run gives back a complete coverage', () => {
    const shard = (ids: string[], s: string) => {
      const c = coverageOf({ checklist: CHECKLIST, results: ids.map((id) => ran(id, 'pass')), selection: { shard: s } });
      const level = (id: string) => CHECKLIST.find((i) => i.id === id)?.level;
      return resultOf(ids.map((id) => [id, 'pass', level(id)]), { complete: c.complete, coverage: coverageRecord(c), selection: { shard: s } });
    };
    const one = shard(['A', 'C'], '1/2');
    const two = shard(['B', 'D'], '2/2');
    expect(one.complete).toBe(false);
    const known = new Map([...coverageItemsOfResult(one), ...coverageItemsOfResult(two)].map((i) => [i.id, i]));
    const merged = coverageOf({ checklist: [...known.values()], results: [...one.items, ...two.items], notRun: [...notRunOfResult(one), ...notRunOfResult(two)] });
    expect(merged).toMatchObject({ complete: true, required: 3, covered: 3 });
  });

  it('a submission is complete, has no failed required item and no error verdict', () => {
    const complete = { complete: true, coverage: { required: 2, covered: 2, missing: [] } };
    expect(submissionProblems(resultOf([['A', 'pass'], ['B', 'skipped']], complete))).toEqual([]);
    expect(submissionProblems(resultOf([['A', 'fail'], ['B', 'fail', 'recommended']], { ...complete, verdict: 'fail' }))).toEqual([
      { kind: 'fail', id: 'A', level: 'required', text: 'A (required) failed' },
    ]);
    expect(submissionProblems(resultOf([['A', 'pass'], ['B', 'error', 'optional']], { ...complete, verdict: 'error' }))).toEqual([
      { kind: 'error', id: 'B', level: 'optional', text: 'B (optional) errored' },
    ]);
  });

  it('a result of which no required item applied (another integration\'s checklist, from an older version) is not a submission', () => {
    const nothing = { complete: true, coverage: { required: 0, covered: 0, missing: [] } };
    expect(submissionProblems(resultOf([['A', 'not-applicable'], ['B', 'not-applicable']], nothing)).map((p) => p.kind)).toEqual(['nothing']);
    // Without the coverage record (older still): counted from the items.
    expect(submissionProblems(resultOf([['A', 'not-applicable']], { complete: true })).map((p) => p.kind)).toEqual(['nothing']);
  });
});

describe('portable paths', () => {
  const roots = { cwd: '/home/vendor/pos', packageRoot: '/opt/tools/cashlogy-cert', home: '/home/vendor' };

  it('makes file paths relative to the working directory, the package, or a bare name', () => {
    expect(portablePath('/home/vendor/pos/checks/sale.yaml', roots)).toBe('checks/sale.yaml');
    expect(portablePath('/opt/tools/cashlogy-cert/checklists/chapter7-express.yaml', roots)).toBe('<cashlogy-cert>/checklists/chapter7-express.yaml');
    expect(portablePath('/srv/elsewhere/pos.yaml', roots)).toBe('pos.yaml');
    expect(portablePath('checks/sale.yaml', roots)).toBe('checks/sale.yaml');
  });

  it('replaces whole path components only, the longest root first', () => {
    expect(scrubPaths('at /home/vendor/pos/src/a.js:1 and /home/vendor/other and /home/vendor/posx', roots)).toBe(
      'at ./src/a.js:1 and ~/other and ~/posx',
    );
    expect(scrubPaths('Error at (/opt/tools/cashlogy-cert/src/x.ts:3:4)', roots)).toBe('Error at (<cashlogy-cert>/src/x.ts:3:4)');
    expect(scrubPathsDeep({ a: ['/home/vendor/pos'], n: 3 }, roots)).toEqual({ a: ['.'], n: 3 });
  });
});

describe('what a report asks for before sending', () => {
  it('names the checklist of the POS\'s integration when nothing applied, in each language', async () => {
    const { submissionText } = await import('../../src/reporters/coverage-text.js');
    const { formattersFor } = await import('../../src/reporters/i18n.js');
    const nothing = resultOf([['A', 'not-applicable']], { complete: true, coverage: { required: 0, covered: 0, missing: [] } });
    expect(submissionText(nothing, formattersFor('en')).todo).toEqual(["run the checklist of this POS's integration: no required item of this one applies to it"]);
    expect(submissionText(nothing, formattersFor('fr')).todo[0]).toMatch(/^exécuter la liste de l'intégration de ce TPV/);
    expect(submissionText(nothing, formattersFor('es')).todo[0]).toMatch(/^ejecutar la lista de la integración de este TPV/);
  });
});

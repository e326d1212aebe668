import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/runner/result.js';
import { dependencyMet, itemVerdict, runVerdict, summarize } from '../../src/runner/verdict.js';

const check = (status: CheckResult['status'], message?: string): CheckResult => ({ kind: 'sends', status, expected: 'e', actual: 'a', ...(message ? { message } : {}) });

describe('item verdict precedence: fail > error > skipped > partial > pass', () => {
  it.each([
    // A check judged on what was seen stands even when a step broke.
    [['passed', 'failed', 'errored'], true, 'fail'],
    [['passed', 'errored'], true, 'error'],
    [['passed', 'failed', 'skipped'], true, 'fail'],
    [['passed', 'skipped'], true, 'skipped'],
    [['passed', 'skipped'], false, 'skipped'],
    [['passed', 'passed'], false, 'partial'],
    [['passed', 'passed'], true, 'pass'],
    [[], true, 'error'],
  ] as const)('%j (command under test sent: %s) → %s', (statuses, sent, verdict) => {
    expect(itemVerdict(statuses.map((s) => check(s)), sent).verdict).toBe(verdict);
  });

  it('a failure next to an error names both: the defect first, then what broke', () => {
    const v = itemVerdict([check('errored', 'the POS hung: timeout'), check('failed', 'the POS did not dispense the refund with #P#')], true);
    expect(v.verdict).toBe('fail');
    expect(v.reason).toBe('the POS did not dispense the refund with #P# (also: the POS hung: timeout)');
  });

  it('the reason is the first deciding check', () => {
    const v = itemVerdict([check('passed'), check('failed', 'the POS booked a cancelled sale'), check('failed', 'second')], true);
    expect(v.reason).toBe('the POS booked a cancelled sale');
  });
});

describe('run verdict: required fail → fail; else any item error → error; else pass', () => {
  it.each([
    [[['required', 'pass'], ['required', 'fail'], ['required', 'error']], 'fail'],
    [[['required', 'pass'], ['required', 'error']], 'error'],
    [[['required', 'pass'], ['recommended', 'fail'], ['optional', 'pass']], 'pass'],
    [[['required', 'pass'], ['recommended', 'fail'], ['optional', 'error']], 'error'],
    [[['recommended', 'error'], ['required', 'fail']], 'fail'],
    [[['required', 'skipped'], ['required', 'partial'], ['required', 'not-applicable']], 'pass'],
    [[], 'pass'],
  ] as const)('%j → %s', (items, verdict) => {
    expect(runVerdict(items.map(([level, v]) => ({ level, verdict: v })))).toBe(verdict);
  });

  it('summarises', () => {
    const s = summarize([
      { level: 'required', verdict: 'fail' },
      { level: 'recommended', verdict: 'fail' },
      { level: 'required', verdict: 'not-applicable' },
      { level: 'optional', verdict: 'pass' },
    ]);
    expect(s).toEqual({ total: 4, pass: 1, fail: 2, error: 0, partial: 0, notApplicable: 1, skipped: 0, requiredFailed: 1 });
  });
});

describe('dependencies', () => {
  it.each([
    ['pass', false, true],
    ['partial', false, true],
    ['not-applicable', false, true],
    ['skipped', false, true],
    ['skipped', true, false],
    ['fail', false, false],
    ['error', false, false],
  ] as const)('%s (skipped for a dependency: %s) → met %s', (v, dep, met) => {
    expect(dependencyMet(v, dep)).toBe(met);
  });
});

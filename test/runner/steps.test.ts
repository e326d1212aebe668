/**
 * The step table: every step kind of the checklist format has its runner, keyed by kind, and
 * the progress line and late-judging role of each kind.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/checklist/types.js';
import { describeStep, STEP_KINDS, stepRunner } from '../../src/runner/steps/index.js';

const steps: Step[] = [
  { kind: 'setup', customer: { mode: 'auto' } },
  { kind: 'action', action: 'sale', amount: 990, wait: true },
  { kind: 'customer', insert: [2000, 50], afterMs: 0, withinMs: 1000 },
  { kind: 'customer', cancel: true, afterMs: 0, withinMs: 1000 },
  { kind: 'operator', close: true, afterMs: 0, withinMs: 1000 },
  { kind: 'fault', fault: { type: 'note-jam' } },
  { kind: 'wait', ms: 1500 },
  { kind: 'expect', expect: { type: 'oneCommandAtATime' } },
];

describe('step kinds', () => {
  it('one runner per kind of the format', () => {
    expect(Object.keys(STEP_KINDS).sort()).toEqual(['action', 'customer', 'expect', 'fault', 'operator', 'setup', 'wait']);
    for (const step of steps) expect(stepRunner(step)).toBe(STEP_KINDS[step.kind]);
  });

  it('progress lines', () => {
    expect(steps.map(describeStep)).toEqual([
      'setting up the machine',
      'POS: sale 990',
      'customer: insert 2000 + 50',
      'customer: cancel',
      'operator: close the backoffice',
      'fault: note-jam',
      'wait 1.50 s',
      'expect oneCommandAtATime',
    ]);
  });

  it('after an early stop, checks are judged up to the next action, which ends late judging', () => {
    const kinds = Object.entries(STEP_KINDS) as [Step['kind'], { judgeAfterStop?: unknown; endsLateJudging?: true }][];
    expect(kinds.filter(([, r]) => r.judgeAfterStop !== undefined).map(([k]) => k)).toEqual(['expect']);
    expect(kinds.filter(([, r]) => r.endsLateJudging).map(([k]) => k)).toEqual(['action']);
  });
});

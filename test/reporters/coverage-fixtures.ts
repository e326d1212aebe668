/** Result variants for coverage: the same items, recorded as an incomplete run. */
import type { RunResult } from '../../src/runner/result.js';
import { summarize } from '../../src/runner/verdict.js';

/** 22 required items in the checklist; the sample keeps only EXP-01 (--only EXP-01), which passed. */
export function incompleteVariant(sample: RunResult): RunResult {
  const copy = structuredClone(sample);
  copy.items = copy.items.filter((i) => i.id === 'EXP-01');
  copy.summary = summarize(copy.items);
  copy.verdict = 'pass';
  const others = Array.from({ length: 21 }, (_, k) => `EXP-${String(k + 2).padStart(2, '0')}`);
  copy.complete = false;
  copy.selection = { only: ['EXP-01'] };
  copy.coverage = { required: 22, covered: 1, missing: others.map((id) => ({ id, why: 'not-selected' as const })) };
  return copy;
}

/** The sample with its failing and errored items fixed: a complete, passing run, i.e. a submission. */
export function submissionVariant(sample: RunResult): RunResult {
  const copy = structuredClone(sample);
  for (const item of copy.items) {
    if (item.verdict === 'fail' || item.verdict === 'error') {
      item.verdict = 'pass';
      item.reason = 'every check passed';
      for (const check of item.checks) check.status = 'passed';
    }
  }
  copy.summary = summarize(copy.items);
  copy.verdict = 'pass';
  return copy;
}

/**
 * What the reports say about coverage and submission, in the report language: the
 * INCOMPLETE headline every human-facing artefact of an incomplete run puts first, what is
 * missing, and what to do before the bundle can be sent to Azkoyen.
 */
import {
  coverageOfResult,
  submissionProblems,
  type Coverage,
  type SubmissionProblem,
} from '../runner/coverage.js';
import type { RunResult } from '../runner/result.js';
import type { Formatters } from './i18n.js';

/** Item ids listed before "and N more". */
const MAX_IDS = 12;

export interface CoverageText {
  complete: boolean;
  /** "INCOMPLETE: 1 of 22 required items ran — not a submission"; '' when complete. */
  headline: string;
  /** What is missing and why, one sentence each; empty when complete. */
  details: string[];
}

export interface SubmissionText {
  /** True when the run may be sent: complete, no required failure, verdict not error. */
  ready: boolean;
  /** "Not ready to send to Azkoyen. Before it can be sent:"; '' when ready. */
  title: string;
  /** What to do first ("run the whole checklist…", "fix EXP-04 (required, fail)"). */
  todo: string[];
}

export function coverageText(result: RunResult, f: Formatters): CoverageText {
  const c = coverageOfResult(result);
  if (c.complete) return { complete: true, headline: '', details: [] };
  return { complete: false, headline: headline(c, f), details: details(c, f) };
}

export function headline(c: Coverage, f: Formatters): string {
  // Languages agree on the holes, not on which number picks the plural: English says
  // "1 of 22 required items" (the total), French and Spanish "1 point obligatoire sur 22".
  const on = f.t('coverage.pluralOn') === 'required' ? c.required : c.covered;
  const form = new Intl.PluralRules(f.t('locale') === 'locale' ? f.lang : f.t('locale')).select(on) === 'one' ? 'one' : 'other';
  return f.t(`coverage.headline.${form}`, { covered: c.covered, required: c.required });
}

function details(c: Coverage, f: Formatters): string[] {
  const out: string[] = [];
  const ids = (list: readonly string[]) =>
    list.length <= MAX_IDS ? list.join(', ') : f.t('coverage.andMore', { ids: list.slice(0, MAX_IDS).join(', '), count: list.length - MAX_IDS });
  const notSelected = c.missing.filter((m) => m.why === 'not-selected').map((m) => m.id);
  const interrupted = c.missing.filter((m) => m.why === 'interrupted').map((m) => m.id);
  if (notSelected.length > 0) out.push(f.t('coverage.notSelected', { count: notSelected.length, ids: ids(notSelected) }));
  if (interrupted.length > 0) out.push(f.t('coverage.notFinished', { count: interrupted.length, ids: ids(interrupted) }));
  if (c.selection?.only?.length) out.push(f.t('coverage.only', { ids: c.selection.only.join(', ') }));
  if (c.selection?.tags?.length) out.push(f.t('coverage.tags', { tags: c.selection.tags.join(', ') }));
  if (c.selection?.shard) out.push(f.t('coverage.shard', { shard: c.selection.shard }));
  if (c.interrupted) out.push(f.t('coverage.interrupted'));
  if (out.length === 0) out.push(f.t('coverage.unknown'));
  return out;
}

export function submissionText(result: RunResult, f: Formatters): SubmissionText {
  const problems = submissionProblems(result);
  if (problems.length === 0) return { ready: true, title: '', todo: [] };
  return { ready: false, title: f.t('submission.notReady'), todo: problems.map((p) => todo(p, result, f)) };
}

function todo(p: SubmissionProblem, result: RunResult, f: Formatters): string {
  if (p.kind === 'incomplete') {
    const c = coverageOfResult(result);
    if (c.selection?.shard) return f.t('submission.mergeShards');
    if (c.missing.some((m) => m.why === 'not-selected') || c.selection) return f.t('submission.runAll');
    if (c.interrupted) return f.t('submission.runToTheEnd');
    return f.t('submission.rerun');
  }
  if (p.kind === 'nothing') return f.t('submission.otherIntegration');
  if (p.id === undefined) return f.t(p.kind === 'fail' ? 'submission.fixFailures' : 'submission.fixErrors');
  return f.t('submission.fix', {
    id: p.id,
    level: f.t(`level.${p.level ?? 'required'}`),
    verdict: f.t(`verdict.${p.kind}`),
  });
}

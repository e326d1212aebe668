/**
 * Coverage (docs/runner.md, Coverage): did this run reach every applicable required item of the
 * checklist? Pure: the runner, `merge`, `report`, `verify` and the reporters all judge a
 * result by the same rule.
 *
 * An applicable required item is covered when it ran to a verdict: pass, fail, error, partial,
 * not-applicable, or skipped because a dependency did not pass or because an operator-only
 * check cannot be answered in --ci. Those skips are covered: the run reached the item and
 * recorded why it could not judge it, and running it again would give the same answer. An
 * item is NOT covered when the run never got to it: left out by --only, --tag or --shard
 * (absent from the results), or stopped by Ctrl-C (listed in `notRun`).
 */
import type { ChecklistItem, Level } from '../checklist/types.js';
import { applicability as defaultApplicability } from '../checklist/select.js';
import type { PosProfile } from '../pos/types.js';
import type { ItemResult, ItemVerdict, RunResult, RunSelection } from './result.js';

/** One item of the whole checklist, as coverage sees it. */
export interface CoverageItem {
  id: string;
  level: Level;
  /** False when the item does not apply to the POS (integration type or features). */
  applicable: boolean;
}

export interface CoverageInput {
  /** Every item of the checklist, not only the selected ones. */
  checklist: readonly CoverageItem[];
  /** The item results of the run (or of merged runs). */
  results: readonly Pick<ItemResult, 'id' | 'verdict'>[];
  /** Ids of results that did not run to a verdict: the run stopped before or during them. */
  notRun?: readonly string[];
  /** What narrowed the run (--only, --tag, --shard); only used to explain what is missing. */
  selection?: RunSelection;
  interrupted?: boolean;
}

export type MissingWhy =
  /** Left out by --only / --tag / --shard (or simply absent from the results). */
  | 'not-selected'
  /** Selected, but the run stopped (Ctrl-C) before it reached a verdict. */
  | 'interrupted';

export interface MissingItem {
  id: string;
  why: MissingWhy;
}

/** What is stored in `result.json` as `coverage`, next to `complete`. */
export interface CoverageRecord {
  /** Applicable required items of the checklist. */
  required: number;
  /** How many of them ran to a verdict. */
  covered: number;
  /** The applicable required items that did not, in checklist order. */
  missing: MissingItem[];
}

export interface Coverage extends CoverageRecord {
  complete: boolean;
  selection?: RunSelection;
  interrupted: boolean;
}

export function coverageOf(input: CoverageInput): Coverage {
  const byId = new Map<string, ItemVerdict>(input.results.map((r) => [r.id, r.verdict]));
  const notRun = new Set(input.notRun ?? []);
  const required = input.checklist.filter((i) => i.level === 'required' && i.applicable);
  const missing: MissingItem[] = [];
  for (const item of required) {
    if (!byId.has(item.id)) missing.push({ id: item.id, why: 'not-selected' });
    else if (notRun.has(item.id)) missing.push({ id: item.id, why: 'interrupted' });
  }
  const selection = narrowing(input.selection);
  return {
    // By item, as pinned: a selection that still holds every applicable required item, or a
    // Ctrl-C that only cut recommended items, leaves the run complete.
    complete: missing.length === 0,
    required: required.length,
    covered: required.length - missing.length,
    missing,
    ...(selection ? { selection } : {}),
    interrupted: input.interrupted === true,
  };
}

/** The checklist as coverage sees it: level and applicability of every item for this POS. */
export function coverageItems(
  items: readonly Pick<ChecklistItem, 'id' | 'level' | 'appliesTo'>[],
  pos: Pick<PosProfile, 'integration' | 'features'>,
  applicability: (item: ChecklistItem, pos: PosProfile) => { applicable: boolean } = defaultApplicability,
): CoverageItem[] {
  return items.map((item) => ({
    id: item.id,
    level: item.level,
    applicable: applicability(item as ChecklistItem, pos as PosProfile).applicable,
  }));
}

/**
 * Coverage of a saved result, from what it recorded. A result written before coverage existed
 * (no `coverage`, no `complete`) cannot prove it covered the checklist: it reads as incomplete,
 * with its own items as the only ones known.
 */
export function coverageOfResult(result: Pick<RunResult, 'items' | 'complete' | 'coverage' | 'selection' | 'interrupted'>): Coverage {
  const interrupted = result.interrupted === true;
  const selection = narrowing(result.selection);
  if (result.coverage !== undefined) {
    return {
      complete: result.complete === true && result.coverage.missing.length === 0,
      required: result.coverage.required,
      covered: result.coverage.covered,
      missing: result.coverage.missing,
      ...(selection ? { selection } : {}),
      interrupted,
    };
  }
  const required = result.items.filter((i) => i.level === 'required' && i.verdict !== 'not-applicable');
  return {
    complete: result.complete === true,
    required: required.length,
    covered: required.length,
    missing: [],
    ...(selection ? { selection } : {}),
    interrupted,
  };
}

/**
 * The checklist items a saved result knows of, for recomputing coverage over several results
 * (`merge`): its items (applicable unless not-applicable) plus the required items it recorded
 * as missing. Union these over the shards and pass the merged results to `coverageOf`.
 */
export function coverageItemsOfResult(result: Pick<RunResult, 'items' | 'coverage'>): CoverageItem[] {
  const items: CoverageItem[] = result.items.map((i) => ({ id: i.id, level: i.level, applicable: i.verdict !== 'not-applicable' }));
  const known = new Set(items.map((i) => i.id));
  for (const m of result.coverage?.missing ?? []) {
    if (!known.has(m.id)) items.push({ id: m.id, level: 'required', applicable: true });
  }
  return items;
}

/** Ids of a saved result's items that were stopped by Ctrl-C (for `notRun` when merging). */
export function notRunOfResult(result: Pick<RunResult, 'coverage'>): string[] {
  return (result.coverage?.missing ?? []).filter((m) => m.why === 'interrupted').map((m) => m.id);
}

/** The stored part of a coverage (`result.coverage`). */
export function coverageRecord(c: Coverage): CoverageRecord {
  return { required: c.required, covered: c.covered, missing: c.missing };
}

/**
 * What keeps the run from being complete, in English words (console, verify, logs); empty when
 * it is complete. E.g. ["1 of 22 required items ran", "missing: EXP-02, EXP-03 …",
 * "shard 1/2", "interrupted"]. Reports say the same in their language (src/reporters/view.ts).
 */
export function describeCoverage(c: Coverage, maxIds = 10): string[] {
  if (c.complete) return [];
  const words: string[] = [`${c.covered} of ${c.required} required item${c.required === 1 ? '' : 's'} ran`];
  if (c.missing.length > 0) words.push(`missing: ${listIds(c.missing.map((m) => m.id), maxIds)}`);
  words.push(...describeSelection(c.selection));
  if (c.interrupted) words.push('interrupted (Ctrl-C)');
  return words;
}

/** One line: "INCOMPLETE: 1 of 22 required items ran (missing: …; shard 1/2) — not a submission". */
export function incompleteLine(c: Coverage): string | undefined {
  const [head, ...rest] = describeCoverage(c);
  if (head === undefined) return undefined;
  return `INCOMPLETE: ${head}${rest.length ? ` (${rest.join('; ')})` : ''} — not a submission`;
}

export function describeSelection(selection: RunSelection | undefined): string[] {
  const words: string[] = [];
  if (selection?.only?.length) words.push(`--only ${selection.only.join(',')}`);
  if (selection?.tags?.length) words.push(`--tag ${selection.tags.join(',')}`);
  if (selection?.shard) words.push(`shard ${selection.shard}`);
  return words;
}

function listIds(ids: readonly string[], max: number): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** The selection when it narrows anything, else undefined. */
function narrowing(selection: RunSelection | undefined): RunSelection | undefined {
  if (selection === undefined) return undefined;
  const out: RunSelection = {};
  if (selection.only?.length) out.only = [...selection.only];
  if (selection.tags?.length) out.tags = [...selection.tags];
  if (selection.shard) out.shard = selection.shard;
  if (selection.merged?.length) out.merged = [...selection.merged];
  return out.only || out.tags || out.shard ? out : undefined;
}

/** Why a result cannot be sent to Azkoyen as a certification request. */
export interface SubmissionProblem {
  /**
   * `incomplete`: not every applicable required item ran; `nothing`: no required item applies to
   * the POS (another integration's checklist: a result of an older version, which ran it); `fail`/`error`: an item to fix first.
   */
  kind: 'incomplete' | 'nothing' | 'fail' | 'error';
  /** The item to fix (fail, error). */
  id?: string;
  level?: Level;
  /** In English, for the console and `verify`. */
  text: string;
}

/**
 * A result is a submission when it is complete, no required item failed and the run verdict
 * is not error (docs/reports.md). Empty list = it is one. Items to fix come in result order:
 * every failed required item, and every errored item when the run verdict is error.
 */
export function submissionProblems(
  result: Pick<RunResult, 'items' | 'verdict' | 'complete' | 'coverage' | 'selection' | 'interrupted'>,
): SubmissionProblem[] {
  const problems: SubmissionProblem[] = [];
  const coverage = coverageOfResult(result);
  if (!coverage.complete) {
    const rest = describeCoverage(coverage);
    problems.push({ kind: 'incomplete', text: `incomplete: ${rest.join('; ') || 'the result does not record that every required item ran'}` });
  } else if (coverage.required === 0) {
    problems.push({ kind: 'nothing', text: 'no required item of the checklist applies to this POS: nothing was judged (run the checklist of its integration)' });
  }
  for (const item of result.items) {
    if (item.level === 'required' && item.verdict === 'fail') {
      problems.push({ kind: 'fail', id: item.id, level: item.level, text: `${item.id} (required) failed` });
    } else if (result.verdict === 'error' && item.verdict === 'error') {
      problems.push({ kind: 'error', id: item.id, level: item.level, text: `${item.id} (${item.level}) errored` });
    }
  }
  if (result.verdict === 'error' && !problems.some((p) => p.kind === 'error')) {
    problems.push({ kind: 'error', text: 'the run verdict is error' });
  }
  if (result.verdict === 'fail' && !problems.some((p) => p.kind === 'fail')) {
    problems.push({ kind: 'fail', text: 'the run verdict is fail' });
  }
  return problems;
}

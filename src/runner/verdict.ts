/**
 * Verdict rules (pure), written down once here and in docs/runner.md.
 *
 * Item verdict from its checks, by precedence:
 *   1. any check failed                           → fail
 *      (a check judged on what was seen stands even when a step errored: a POS that hangs
 *      after proving a defect on the wire has that defect, named)
 *   2. any check errored (nothing could judge it) → error
 *   3. any check skipped (operator check in --ci) → skipped
 *   4. every check passed but the POS never sent a command listed in `underTest` → partial
 *   5. every check passed                         → pass
 * An item with no check at all is an error: nothing evaluated is never a pass.
 *
 * Run verdict: a required item failed → fail; else any item errored → error; else pass.
 * (Recommended/optional items are reported but do not decide the run.)
 */
import { LANGS, type Lang, type Localized } from '../i18n.js';
import type { CheckResult, ItemResult, ItemVerdict, RunSummary, RunVerdict } from './result.js';

/**
 * The words a failed item's reason adds around its check messages, in each language (`en` is
 * what `reason` says). What they introduce (an errored check's text, the POS's words) is quoted as written.
 */
export const REASON_WORDS: Record<'also' | 'posSaid', Localized> = {
  also: { fr: 'aussi :', en: 'also:', es: 'también:' },
  posSaid: { fr: 'le TPV a dit :', en: 'the POS said:', es: 'el TPV dijo:' },
};

/** " (also: …)": the other problem of a failed item, in `lang`; its text in `lang` when it has one. */
function alsoSuffix(also: CheckResult, lang: Lang): string {
  const text = lang === 'en' ? (also.message ?? also.actual) : (also.messages?.[lang] ?? also.message ?? also.actual);
  return ` (${REASON_WORDS.also[lang]} ${text})`;
}

/** The same suffix appended to the reason in every language. */
export function appendToReasons(reasons: Localized, suffix: (lang: Lang) => string): Localized {
  const out = {} as Localized;
  for (const lang of LANGS) out[lang] = `${reasons[lang]}${suffix(lang)}`;
  return out;
}

export function itemVerdict(checks: readonly CheckResult[], sentCommandUnderTest: boolean): { verdict: ItemVerdict; reason: string; reasons?: Localized } {
  const first = (status: CheckResult['status']) => checks.find((c) => c.status === status);
  const failed = first('failed');
  if (failed) {
    // Keep the breakdown in view: "fails X" alone would hide that the POS also hung.
    const also = first('errored');
    const reason = failed.message ?? failed.actual;
    const reasons = failed.message !== undefined && failed.messages !== undefined ? failed.messages : undefined;
    if (!also) return { verdict: 'fail', reason, ...(reasons ? { reasons } : {}) };
    return {
      verdict: 'fail',
      reason: `${reason}${alsoSuffix(also, 'en')}`,
      ...(reasons ? { reasons: appendToReasons(reasons, (lang) => alsoSuffix(also, lang)) } : {}),
    };
  }
  const errored = first('errored');
  if (errored) return { verdict: 'error', reason: errored.message ?? errored.actual };
  const skipped = first('skipped');
  if (skipped) return { verdict: 'skipped', reason: skipped.message ?? 'a check was skipped' };
  if (checks.length === 0) return { verdict: 'error', reason: 'the item has no check: nothing was evaluated' };
  if (!sentCommandUnderTest) return { verdict: 'partial', reason: 'every check passed, but the POS never sent the command under test' };
  return { verdict: 'pass', reason: 'every check passed' };
}

export function runVerdict(items: readonly Pick<ItemResult, 'level' | 'verdict'>[]): RunVerdict {
  const required = items.filter((i) => i.level === 'required');
  if (required.some((i) => i.verdict === 'fail')) return 'fail';
  // docs/runner.md, Exit codes: exit 3 when "an item errored" — any item: a check we could not run is
  // never a pass, whatever its level.
  if (items.some((i) => i.verdict === 'error')) return 'error';
  return 'pass';
}

export function summarize(items: readonly Pick<ItemResult, 'level' | 'verdict'>[]): RunSummary {
  const count = (v: ItemVerdict) => items.filter((i) => i.verdict === v).length;
  return {
    total: items.length,
    pass: count('pass'),
    fail: count('fail'),
    error: count('error'),
    partial: count('partial'),
    notApplicable: count('not-applicable'),
    skipped: count('skipped'),
    requiredFailed: items.filter((i) => i.level === 'required' && i.verdict === 'fail').length,
  };
}

/**
 * A dependency is met unless it failed, errored, was interrupted or was itself skipped for a
 * dependency. An item skipped only for its operator questions (--ci) passed every automatic
 * check, so its dependents still run; a not-applicable one does not block either.
 */
export function dependencyMet(verdict: ItemVerdict, skippedForDependency: boolean): boolean {
  if (verdict === 'skipped') return !skippedForDependency;
  return verdict === 'pass' || verdict === 'partial' || verdict === 'not-applicable';
}

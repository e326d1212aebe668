/**
 * The runner writes each item's reason in English (result.json is language-neutral); the
 * reports show the common ones in the report's language. A reason not listed here (a
 * check's own message naming a defect) is shown as written.
 */
import type { Formatters } from './i18n.js';

type Rule = [pattern: RegExp, render: (m: RegExpExecArray, f: Formatters) => string];

const RULES: Rule[] = [
  [/^every check passed$/, (_m, f) => f.t('reason.allPassed')],
  [/^every check passed, but the POS never sent the command under test$/, (_m, f) => f.t('reason.commandNotSent')],
  [/^operator check: skipped in --ci \(a person must confirm it\)$/, (_m, f) => f.t('reason.operatorSkipped')],
  [/^not run: the run was interrupted$/, (_m, f) => f.t('reason.interrupted')],
  [/^applies to (.+) integrations only; the POS is (\w+)$/, (m, f) => f.t('reason.integrationOnly', { list: m[1] ?? '', pos: m[2] ?? '' })],
  [/^needs the features? (.+), which the POS does not declare$/, (m, f) => f.t('reason.needsFeatures', { list: m[1] ?? '' })],
  [
    /^depends on (\S+), which (?:was (skipped)|ended (\S+))$/,
    (m, f) => f.t('reason.dependsOn', { id: m[1] ?? '', verdict: f.t(`verdict.${m[2] ?? m[3] ?? 'skipped'}`) }),
  ],
];

export function localizeReason(reason: string, f: Formatters): string {
  for (const [pattern, render] of RULES) {
    const m = pattern.exec(reason);
    if (m) return render(m, f);
  }
  return reason;
}

/**
 * JUnit XML, hand-written (no dependency, full control of escaping). One <testcase> per
 * checklist item, its level in the name ("[required]") and in a `level` property. A CI test
 * view must agree with the exit code (verdict.ts), so a failed *required* item is a <failure>,
 * an errored item (any level) an <error>, while a failed recommended or optional item, which
 * does not decide the run, stays a passing testcase whose `verdict` property says "fail" and
 * whose <system-out> starts with the failed checks. Skipped, not-applicable and partial items
 * are <skipped> with the reason. Shape:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="cashlogy-cert" tests="3" failures="1" errors="0" skipped="1" time="12.400">
 *     <testsuite name="chapter7-express 1.0.0 on Acme POS 4.2.0" tests="3" … timestamp="…">
 *       <properties><property name="seed" value="42"/>…</properties>
 *       <testcase name="EXP-03 Sale with change [required]" classname="checklists/chapter7-express.yaml"
 *                 file="checklists/chapter7-express.yaml" time="2.100">
 *         <properties><property name="level" value="required"/><property name="verdict" value="fail"/></properties>
 *         <failure message="the POS booked the amount inserted" type="fail">…checks…</failure>
 *         <system-out>…full wire transcript…</system-out>
 *       </testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * GitLab keeps only the first of duplicate test names, so names are made unique; GitHub
 * reporters need a non-empty suite name.
 */
import type { CheckResult, ItemResult } from '../runner/result.js';
import { escapeXml } from './escape.js';
import { formattersFor, currencyOfProfile, type Formatters } from './i18n.js';
import { formatTranscriptLine } from './transcript-files.js';
import type { Reporter, ReportInput } from './types.js';
import { displayPath } from './view.js';
import { coverageText } from './coverage-text.js';

/** Transcript lines per testcase in <system-out>. */
export const SYSTEM_OUT_LINES = 2000;

const attr = (value: string | number) => `"${escapeXml(String(value))}"`;
const seconds = (ms: number) => (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);

export function renderJunit(input: ReportInput): string {
  const { result, lang } = input;
  const f = formattersFor(lang, currencyOfProfile(result.profile));
  const counts = countOutcomes(result.items);
  const suiteName = f.t('junit.suite', {
    checklist: `${result.checklist.id} ${result.checklist.version}`.trim(),
    pos: `${input.pos?.name ?? result.pos.name} ${input.pos?.version ?? result.pos.version}`.trim(),
  });
  const file = displayPath(result.checklist.file ?? '') || result.checklist.id;
  const totalMs = result.items.reduce((sum, item) => sum + item.durationMs, 0);
  const properties: [string, string][] = [
    ['seed', String(result.seed)],
    ['verdict', result.verdict],
    ['checklist.id', result.checklist.id],
    ['checklist.version', result.checklist.version],
    ['checklist.sha256', result.checklist.sha256],
    ['pos.name', result.pos.name],
    ['pos.version', result.pos.version],
    ['pos.integration', result.pos.integration],
    ['profile', result.profile],
    ['timeScale', String(result.timeScale)],
    ['tool', `${result.tool.name} ${result.tool.version}`],
  ];
  if (result.connector?.kind === 'real') {
    properties.push(['connector', 'real'], ['connector.upstream', result.connector.upstream ?? ''], ...(result.connector.version !== undefined ? [['connector.version', result.connector.version] as [string, string]] : []));
  }
  // An incomplete run says so first (docs/reports.md), also to a CI that reads the properties.
  const coverage = coverageText(result, f);
  if (!coverage.complete) properties.unshift(['complete', 'false'], ['incomplete', coverage.headline]);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const totals = `tests=${attr(result.items.length)} failures=${attr(counts.failures)} errors=${attr(counts.errors)} skipped=${attr(counts.skipped)} time=${attr(seconds(totalMs))}`;
  out.push(`<testsuites name="cashlogy-cert" ${totals}>`);
  out.push(`  <testsuite name=${attr(suiteName || 'cashlogy-cert')} ${totals} timestamp=${attr(result.startedAt)} file=${attr(file)}>`);
  out.push('    <properties>');
  for (const [name, value] of properties) out.push(`      <property name=${attr(name)} value=${attr(value)}/>`);
  out.push('    </properties>');
  const names = new Set<string>();
  for (const item of result.items) {
    out.push(...testcase(item, uniqueName(item, f, names), file, f));
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function countOutcomes(items: readonly ItemResult[]) {
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const item of items) {
    if (item.verdict === 'fail') {
      if (decidesRun(item)) failures++;
    } else if (item.verdict === 'error') errors++;
    else if (item.verdict !== 'pass') skipped++;
  }
  return { failures, errors, skipped };
}

function uniqueName(item: ItemResult, f: Formatters, taken: Set<string>): string {
  const title = item.titles?.[f.lang] || item.title;
  // The level keyword stays English in every language: CI filters grep for it.
  const base = `${title ? `${item.id} ${title}` : item.id} [${item.level}]`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
  taken.add(name);
  return name;
}

function testcase(item: ItemResult, name: string, file: string, f: Formatters): string[] {
  const open = `    <testcase name=${attr(name)} classname=${attr(file)} file=${attr(file)} time=${attr(seconds(item.durationMs))}`;
  const body: string[] = [
    '      <properties>',
    `        <property name="level" value=${attr(item.level)}/>`,
    `        <property name="verdict" value=${attr(item.verdict)}/>`,
    '      </properties>',
  ];
  const out: string[] = [];
  if (item.verdict === 'fail' && !decidesRun(item)) {
    const { message, detail } = explain(item, f);
    out.push(f.t('junit.advisoryFail', { level: f.t(`level.${item.level}`) }), message, ...(detail ? ['', detail] : []), '');
  } else if (item.verdict === 'fail' || item.verdict === 'error') {
    const tag = item.verdict === 'fail' ? 'failure' : 'error';
    const { message, detail } = explain(item, f);
    body.push(`      <${tag} message=${attr(message)} type=${attr(item.verdict)}>${escapeXml(detail)}</${tag}>`);
  } else if (item.verdict !== 'pass') {
    const label =
      item.verdict === 'partial' ? f.t('junit.skippedPartial') : item.verdict === 'not-applicable' ? f.t('junit.skippedNotApplicable') : f.t('junit.skippedSkipped');
    body.push(`      <skipped message=${attr(item.reason ? `${label}: ${item.reason}` : label)}/>`);
  }
  if (item.transcript.length > 0) {
    // GitLab refuses report files over 30 MB; the bundle keeps the full log in transcripts/.
    out.push(...item.transcript.slice(0, SYSTEM_OUT_LINES).map(formatTranscriptLine));
    if (item.transcript.length > SYSTEM_OUT_LINES) out.push(`… ${item.transcript.length - SYSTEM_OUT_LINES} more lines in the bundle's transcripts/ folder`);
  }
  if (out.length > 0) body.push(`      <system-out>${escapeXml(out.join('\n').replace(/\n+$/, ''))}</system-out>`);
  return [`${open}>`, ...body, '    </testcase>'];
}

/** Only a required item's failure decides the run (verdict.ts `runVerdict`), so only it is a JUnit <failure>. */
function decidesRun(item: Pick<ItemResult, 'level'>): boolean {
  return item.level === 'required';
}

/** The one-line message and the detail (failed or errored checks, driver errors, faults) of a failed or errored item. */
function explain(item: ItemResult, f: Formatters): { message: string; detail: string } {
  const wanted: CheckResult['status'] = item.verdict === 'fail' ? 'failed' : 'errored';
  const relevant = item.checks.filter((check) => check.status === wanted);
  const message = item.reasons?.[f.lang] || item.reason || relevant[0]?.message || relevant[0]?.expected || f.t(`verdict.${item.verdict}`);
  const detail = [
    ...(relevant.length ? relevant : item.checks.filter((c) => c.status !== 'passed')).map(describeCheck),
    ...item.actions.filter((a) => a.error).map((a) => `action ${a.action}: ${a.error}`),
    ...item.faults.map((fault) => `fault: ${fault}`),
  ].join('\n\n');
  return { message, detail };
}

function describeCheck(check: CheckResult): string {
  const where = check.step === undefined ? check.kind : `${check.kind} (step ${check.step + 1})`;
  const lines = [`${check.status}: ${where}`, `  expected: ${check.expected}`, `  actual:   ${check.actual}`];
  if (check.message) lines.push(`  ${check.message}`);
  return lines.join('\n');
}

export const junitReporter: Reporter = {
  name: 'junit',
  describe: 'junit.xml: one testcase per item, for GitHub/GitLab CI test views',
  render: (input) => [{ path: 'junit.xml', contents: renderJunit(input) }],
};

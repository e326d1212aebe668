/**
 * RunResult → view model for the templates. Every label, count, formatted amount, date and
 * duration is computed here so the Handlebars templates stay free of logic; the templates
 * only place and escape.
 */
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import type { ActionRecord, CheckResult, ItemResult, ItemVerdict, RunResult } from '../runner/result.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { currencyOfProfile, formattersFor, stringsFor, type Formatters, type Strings } from './i18n.js';
import { transcriptFileNames } from './transcript-files.js';
import { PACKAGE_ROOT } from '../version.js';
import { checkMessageText, itemReasonText, localizeActual, localizeExpected } from './check-phrases.js';
import { coverageText, submissionText, type CoverageText, type SubmissionText } from './coverage-text.js';

/** Lines of transcript shown per item in HTML/Markdown; the bundle keeps the full log. */
export const TRANSCRIPT_EXCERPT_LINES = 200;

export interface PosView {
  name: string;
  version: string;
  company: string;
  email: string;
  integration: string;
  integrationLabel: string;
  features: string;
  driver: string;
}

export interface TranscriptRowView {
  time: string;
  conn: number;
  dir: string;
  dirLabel: string;
  data: string;
  kind: string;
  fault: string;
  isEvent: boolean;
  isFault: boolean;
  /** A frame (in or out): the sequence view draws it as an arrow between the two lanes. */
  isArrow: boolean;
  /** The event kind in words ("customer", "fault"…), for the sequence view's notes. */
  kindLabel: string;
}

export interface TranscriptView {
  rows: TranscriptRowView[];
  empty: boolean;
  /** "12 more lines in transcripts/EXP-01.log", when the excerpt was cut. */
  truncated: string;
  file: string;
  /** Frames in the excerpt: the sequence view draws exactly this many arrows. */
  frames: number;
  /** Frames crossed more than one connection: the arrows name theirs. */
  showConn: boolean;
}

export interface ActionView {
  label: string;
  name: string;
  amount: string;
  duration: string;
  outcome: string;
  outcomeMessage: string;
  figures: string;
  error: string;
  stdout: string;
  stderr: string;
}

export interface CheckView {
  index: number;
  kind: string;
  step: string;
  status: CheckResult['status'];
  statusLabel: string;
  expected: string;
  actual: string;
  message: string;
}

export interface ItemView {
  id: string;
  anchor: string;
  title: string;
  ref: string;
  level: string;
  levelLabel: string;
  verdict: ItemVerdict;
  verdictLabel: string;
  /** fail or error: what the "failed only" filter keeps and the Markdown evidence lists. */
  failing: boolean;
  duration: string;
  reason: string;
  description: string;
  catches: string;
  tags: string;
  tagList: string[];
  /** failures-first position: 0 failed required, 1 error, 2 other non-pass, 3 pass. */
  group: number;
  checks: CheckView[];
  actions: ActionView[];
  operatorAnswers: { question: string; answer: string; operator: string; at: string }[];
  faults: string[];
  transcript: TranscriptView;
}

export interface FilterOption {
  key: string;
  label: string;
  count: number;
}

export interface ReportView {
  lang: Lang;
  s: Strings;
  pos: PosView;
  checklist: { id: string; version: string; sha256: string; file: string; title: string };
  seed: number;
  tool: string;
  toolVersion: string;
  profile: string;
  timeScale: string;
  /** A real connector ran the items (`run --connector`): "real (upstream …, version …)"; empty for the simulator. */
  connector: string;
  mode: string;
  started: string;
  finished: string;
  duration: string;
  verdict: RunResult['verdict'];
  verdictLabel: string;
  interrupted: boolean;
  /** INCOMPLETE headline and what is missing: every report shows it first when the run is incomplete. */
  coverage: CoverageText;
  /** Whether the run may be sent to Azkoyen, and what to do first when not. */
  submission: SubmissionText;
  summary: { key: string; label: string; count: number }[];
  requiredFailed: number;
  /** "required item failed" / "required items failed", agreeing with the count. */
  requiredFailedLabel: string;
  total: number;
  /** "item" / "items", agreeing with the total. */
  totalLabel: string;
  items: ItemView[];
  /** The HTML report's order: what needs attention first, checklist order within a group. */
  itemsFailuresFirst: ItemView[];
  /** What the HTML report's filters offer, each with how many items it keeps. */
  filters: {
    verdicts: FilterOption[];
    levels: FilterOption[];
    tags: FilterOption[];
  };
  failingItems: ItemView[];
  failingCount: number;
  posOutput: { stdout: string; stderr: string } | undefined;
  generatedBy: string;
}

export function posView(result: RunResult, pos: PosProfile | undefined, f: Formatters): PosView {
  const integration = pos?.integration ?? result.pos.integration;
  return {
    name: pos?.name ?? result.pos.name,
    version: pos?.version ?? result.pos.version,
    company: pos?.company ?? result.pos.company ?? '',
    email: pos?.email ?? result.pos.email ?? '',
    integration,
    integrationLabel: f.t(`integration.${integration}`),
    features: (pos?.features ?? result.pos.features ?? []).join(', '),
    driver: pos?.driver.type ?? result.pos.driver ?? '',
  };
}

export function buildReportView(result: RunResult, lang: Lang, pos?: PosProfile): ReportView {
  const f = formattersFor(lang, currencyOfProfile(result.profile));
  const files = transcriptFileNames(result.items);
  const items = result.items.map((item) => itemView(item, f, files.get(item.id) ?? ''));
  const failingItems = items.filter((item) => item.failing);
  const summary = result.summary;
  const elapsed = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  const coverage = coverageText(result, f);
  return {
    lang,
    s: stringsFor(lang),
    pos: posView(result, pos, f),
    checklist: {
      id: result.checklist.id,
      version: result.checklist.version,
      sha256: result.checklist.sha256,
      file: displayPath(result.checklist.file ?? ''),
      title: result.checklist.title?.[lang] ?? '',
    },
    seed: result.seed,
    tool: result.tool.name,
    toolVersion: result.tool.version,
    profile: result.profile,
    timeScale: String(result.timeScale),
    connector: connectorText(result, f),
    mode: f.t(result.ci ? 'report.modeCi' : 'report.modeInteractive'),
    started: f.dateTime(result.startedAt),
    finished: f.dateTime(result.finishedAt),
    duration: Number.isFinite(elapsed) ? f.duration(elapsed) : '',
    verdict: result.verdict,
    verdictLabel: runVerdictLabel(result, coverage.complete, f),
    interrupted: result.interrupted === true,
    coverage,
    submission: submissionText(result, f),
    summary: (
      [
        ['pass', summary.pass],
        ['fail', summary.fail],
        ['error', summary.error],
        ['partial', summary.partial],
        ['not-applicable', summary.notApplicable],
        ['skipped', summary.skipped],
      ] as const
    ).map(([key, count]) => ({ key, label: f.t(`verdict.${key}`), count })),
    requiredFailed: summary.requiredFailed,
    requiredFailedLabel: plural(f, 'report.requiredFailedCount', summary.requiredFailed),
    total: summary.total,
    totalLabel: plural(f, 'report.items', summary.total),
    items,
    itemsFailuresFirst: failuresFirst(items),
    filters: filterOptions(items, f),
    failingItems,
    failingCount: failingItems.length,
    posOutput: result.posOutput && (result.posOutput.stdout || result.posOutput.stderr) ? result.posOutput : undefined,
    generatedBy: f.t('report.generatedBy', { tool: result.tool.name, version: result.tool.version }),
  };
}

function connectorText(result: RunResult, f: Formatters): string {
  const c = result.connector;
  if (c === undefined || c.kind !== 'real') return '';
  const upstream = c.upstream ?? '?';
  return c.version !== undefined ? f.t('report.connectorReal', { upstream, version: c.version }) : f.t('report.connectorRealNoVersion', { upstream });
}

function itemView(item: ItemResult, f: Formatters, transcriptFile: string): ItemView {
  const lang = f.lang;
  return {
    id: item.id,
    anchor: `item-${transcriptFile.replace(/\.log$/, '')}`,
    title: item.titles?.[lang] || item.title,
    ref: item.ref,
    level: item.level,
    levelLabel: f.t(`level.${item.level}`),
    verdict: item.verdict,
    verdictLabel: f.t(`verdict.${item.verdict}`),
    failing: item.verdict === 'fail' || item.verdict === 'error',
    duration: f.duration(item.durationMs),
    reason: itemReasonText(item, f),
    description: item.description?.[lang] ?? '',
    catches: item.catches?.[lang] ?? '',
    tags: item.tags.join(', '),
    tagList: [...item.tags],
    group: attentionGroup(item),
    checks: item.checks.map((check, index) => ({
      index: index + 1,
      kind: check.kind,
      step: check.step === undefined ? '' : String(check.step + 1),
      status: check.status,
      statusLabel: f.t(`checkStatus.${check.status}`),
      expected: localizeExpected(check.expected, f),
      actual: localizeActual(check.actual, f),
      message: checkMessageText(check, f),
    })),
    actions: item.actions.map((action) => actionView(action, f)),
    operatorAnswers: item.operatorAnswers.map((a) => ({
      question: a.question,
      answer: a.answer,
      operator: a.operator,
      at: f.dateTime(a.at),
    })),
    faults: item.faults,
    transcript: transcriptView(item.transcript, f, transcriptFile),
  };
}

function actionView(action: ActionRecord, f: Formatters): ActionView {
  const outcome = action.outcome;
  const figures: string[] = [];
  if (outcome) {
    for (const key of ['paid', 'change', 'owed', 'refunded'] as const) {
      const value = outcome[key];
      if (typeof value === 'number') figures.push(`${f.t(`report.${key}`)} ${f.amount(value)}`);
    }
  }
  return {
    label: f.t(`action.${action.action}`),
    name: action.name ?? '',
    amount: action.amount === undefined ? '' : f.amount(action.amount),
    duration: f.duration(action.durationMs),
    outcome: outcome ? f.t(`outcome.${outcome.outcome}`) : '',
    outcomeMessage: typeof outcome?.message === 'string' ? outcome.message : '',
    figures: figures.join(' · '),
    error: action.error ?? '',
    stdout: action.stdout ?? '',
    stderr: action.stderr ?? '',
  };
}

export function transcriptView(entries: readonly TranscriptEntry[], f: Formatters, file: string): TranscriptView {
  const shown = entries.slice(0, TRANSCRIPT_EXCERPT_LINES);
  const rest = entries.length - shown.length;
  return {
    rows: shown.map((entry) => ({
      time: f.offset(entry.at),
      conn: entry.conn,
      dir: entry.dir,
      dirLabel: f.t(`dir.${entry.dir}`),
      // A tickets file the POS or CashlogyTickets wrote: its name before its content.
      data: entry.file !== undefined && entry.dir !== 'event' ? `${entry.file} ${entry.data}` : entry.data,
      kind: entry.kind ?? '',
      fault: entry.fault ?? '',
      isEvent: entry.dir === 'event',
      isFault: entry.kind === 'fault' || entry.fault !== undefined,
      isArrow: entry.dir !== 'event',
      kindLabel: entry.dir === 'event' ? f.t(`eventKind.${entry.kind ?? 'event'}`) : '',
    })),
    empty: entries.length === 0,
    truncated: rest > 0 ? f.t('report.transcriptTruncated', { count: rest, file }) : '',
    file,
    frames: shown.filter((entry) => entry.dir !== 'event').length,
    showConn: new Set(shown.filter((entry) => entry.dir !== 'event').map((entry) => entry.conn)).size > 1,
  };
}

/** The form of `key` (`.one` / `.other`) the language uses for `count` ("0 point" in French, "0 items" in English). */
function plural(f: Formatters, key: string, count: number): string {
  const locale = f.t('locale');
  const form = new Intl.PluralRules(locale === 'locale' ? f.lang : locale).select(count) === 'one' ? 'one' : 'other';
  return f.t(`${key}.${form}`);
}

/**
 * Failed required items first (they decide the run), then errors (nothing was judged), then
 * whatever else did not pass, then the passes: the reader starts with what needs fixing.
 */
function attentionGroup(item: Pick<ItemResult, 'verdict' | 'level'>): number {
  if (item.verdict === 'fail' && item.level === 'required') return 0;
  if (item.verdict === 'error') return 1;
  return item.verdict === 'pass' ? 3 : 2;
}

/** Stable: within a group the checklist order stays. */
export function failuresFirst(items: readonly ItemView[]): ItemView[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.group - b.item.group || a.index - b.index)
    .map(({ item }) => item);
}

const VERDICT_ORDER: readonly ItemVerdict[] = ['fail', 'error', 'partial', 'skipped', 'not-applicable', 'pass'];
const LEVEL_ORDER = ['required', 'recommended', 'optional'];

function filterOptions(items: readonly ItemView[], f: Formatters): ReportView['filters'] {
  const count = <K extends string>(keys: K[]) => {
    const counts = new Map<K, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const verdicts = count(items.map((i) => i.verdict));
  const levels = count(items.map((i) => i.level));
  const tags = count(items.flatMap((i) => [...new Set(i.tagList)]));
  const rank = (order: readonly string[], key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return {
    verdicts: VERDICT_ORDER.filter((v) => verdicts.has(v)).map((key) => ({ key, label: f.t(`verdict.${key}`), count: verdicts.get(key) ?? 0 })),
    levels: [...levels.keys()]
      .sort((a, b) => rank(LEVEL_ORDER, a) - rank(LEVEL_ORDER, b) || a.localeCompare(b))
      .map((key) => ({ key, label: f.t(`level.${key}`), count: levels.get(key) ?? 0 })),
    tags: [...tags.keys()].sort((a, b) => a.localeCompare(b, 'en')).map((key) => ({ key, label: key, count: tags.get(key) ?? 0 })),
  };
}

/**
 * The run verdict in words. "Every required item passed" is only true of a complete run: an
 * incomplete one that passed says that only the items that ran passed.
 */
export function runVerdictLabel(result: Pick<RunResult, 'verdict'>, complete: boolean, f: Formatters): string {
  return !complete && result.verdict === 'pass' ? f.t('coverage.passed') : f.t(`runVerdict.${result.verdict}`);
}

/**
 * Shipped checklists are shown relative to the package ("checklists/chapter7-express.yaml"),
 * not as a path on the machine that ran them (older results hold the absolute path; newer ones
 * `<cashlogy-cert>/checklists/…`, see src/runner/portable-paths.ts).
 */
export function displayPath(file: string): string {
  const root = PACKAGE_ROOT.endsWith('/') ? PACKAGE_ROOT : `${PACKAGE_ROOT}/`;
  if (file.startsWith('<cashlogy-cert>/')) return file.slice('<cashlogy-cert>/'.length);
  return file.startsWith(root) ? file.slice(root.length) : file;
}

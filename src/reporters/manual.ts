/**
 * The "petit manuel": the short integration manual Azkoyen asks for before a certification.
 * A cover page (software, version, company, e-mail, integration type), then one section per
 * operation the cashier performs, each pre-filled with the exchange the POS really performed
 * during the run (the best-matching item's transcript) and placeholders for the vendor's
 * screenshots and wording. Without a run it renders from the POS profile alone, with example
 * exchanges from the public protocol reference, clearly labelled as such.
 */
import type { Checklist } from '../checklist/types.js';
import type { Lang } from '../i18n.js';
import type { ItemResult, RunResult } from '../runner/result.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { currencyOfProfile, formattersFor, stringsFor, type Formatters, type Strings } from './i18n.js';
import { readAsset, renderTemplate } from './templates.js';
import { tidyMarkdown } from './escape.js';
import { coverageText } from './coverage-text.js';
import type { Reporter, ReportFile, ReportInput } from './types.js';

/** What the manual needs to know about the POS; a PosProfile or a result's `pos` both fit. */
export type ManualPos = Omit<RunResult['pos'], 'driver'>;

export interface ManualInput {
  pos: ManualPos;
  lang: Lang;
  result?: RunResult;
  checklist?: Checklist;
  /** The date on the cover when there is no run (the run's end date otherwise). ISO text. */
  date?: string;
}

export const MANUAL_SECTIONS = [
  'connection',
  'sale',
  'saleChange',
  'cancel',
  'refund',
  'backoffice',
  'refill',
  'withdraw',
  'closeDay',
] as const;
export type ManualSection = (typeof MANUAL_SECTIONS)[number];

/**
 * A Cashlogy Tickets POS exchanges files, not frames: its manual is about the shared folder,
 * the licence, a sale, a refund and what the cashier sees on a `.NOK` (docs/tickets.md).
 */
export const TICKETS_MANUAL_SECTIONS = ['ticketsFolder', 'ticketsLicence', 'ticketsSale', 'ticketsRefund', 'ticketsNok'] as const;
export type TicketsManualSection = (typeof TICKETS_MANUAL_SECTIONS)[number];
type AnySection = ManualSection | TicketsManualSection;

interface SectionMatcher {
  tags: string[];
  actions: string[];
  codes: string[];
  /** Tags that mark an item as the example of another section. */
  avoid: string[];
}

const MATCHERS: Record<AnySection, SectionMatcher> = {
  connection: { tags: ['startup', 'connection', 'init', 'initialise', 'initialize'], actions: ['startup'], codes: ['I'], avoid: ['sale', 'backoffice', 'fault'] },
  sale: { tags: ['sale'], actions: ['sale'], codes: ['C', 'B', 'Q', 'J'], avoid: ['change', 'cancel', 'refund', 'fault', 'error', 'partial-dispense'] },
  saleChange: { tags: ['change'], actions: ['sale'], codes: ['C', 'P'], avoid: ['cancel', 'refund', 'fault', 'partial-dispense'] },
  cancel: { tags: ['cancel'], actions: ['cancel'], codes: ['!', 'C', 'J'], avoid: ['refund'] },
  refund: { tags: ['refund'], actions: ['refund'], codes: ['P'], avoid: [] },
  backoffice: { tags: ['backoffice'], actions: ['backoffice'], codes: ['G'], avoid: ['refill', 'withdraw', 'close-day'] },
  refill: { tags: ['refill'], actions: ['refill'], codes: ['A'], avoid: [] },
  withdraw: { tags: ['withdraw'], actions: [], codes: ['R', 'S', 'U', 'V'], avoid: [] },
  closeDay: { tags: ['close-day', 'closing', 'close'], actions: ['close-day'], codes: ['F'], avoid: [] },
  // Tickets: the "codes" are the request types the POS wrote (venta, abono).
  ticketsFolder: { tags: [], actions: [], codes: [], avoid: [] },
  ticketsLicence: { tags: [], actions: [], codes: [], avoid: [] },
  ticketsSale: { tags: ['sale'], actions: ['sale'], codes: ['venta'], avoid: ['cancel', 'refund', 'nok', 'fault', 'timeout'] },
  ticketsRefund: { tags: ['refund'], actions: ['refund'], codes: ['abono'], avoid: [] },
  ticketsNok: { tags: ['nok'], actions: ['sale'], codes: ['venta'], avoid: ['inventory'] },
};

/** Sections with no exchange of their own: configuration and licence text. */
const TEXT_ONLY: ReadonlySet<AnySection> = new Set(['ticketsFolder', 'ticketsLicence']);

const TICKETS_REQUEST = '{"type":"venta","ticket":"1-20260501-0001","amount":990,"till":"1"}';
const TICKETS_EXAMPLES: Record<TicketsManualSection, [string, string][]> = {
  ticketsFolder: [],
  ticketsLicence: [],
  ticketsSale: [[`pos-1-20260501-0001.azk ${TICKETS_REQUEST}`, 'pos-1-20260501-0001.OK {"ticket":"1-20260501-0001","amount":990,"paid":2000,"change":1010}']],
  ticketsRefund: [
    ['pos-1-20260501-0002.azk {"type":"abono","ticket":"1-20260501-0002","amount":500,"till":"1"}', 'pos-1-20260501-0002.OK {"ticket":"1-20260501-0002","amount":500,"dispensed":500}'],
  ],
  ticketsNok: [
    [
      `pos-1-20260501-0003.azk ${TICKETS_REQUEST.replace('0001', '0003')}`,
      'pos-1-20260501-0003.NOK {"ticket":"1-20260501-0003","reason":"cancelled","message":"the customer cancelled the sale","amount":990,"paid":500,"change":500}',
    ],
  ],
};

/** Example exchanges from protocol.md §7 for when there is no run (never presented as the POS's own). */
const EXAMPLES: Record<'express' | 'complete', Record<ManualSection, [string, string][]>> = {
  express: {
    connection: [['#I#', '#0#2.01#']],
    sale: [['#C#1#1#990#1#15360#0#0#0#1#0#0#', '#0#990#0#0#0#']],
    saleChange: [['#C#1#1#990#1#15360#0#0#0#1#0#0#', '#WR:LEVEL#2000#1010#0#0#']],
    cancel: [['#C#1#1#360#1#15360#0#0#0#1#0#0#', '#WR:CANCEL#0#0#0#0#']],
    refund: [['#P#500#0#0#0#', '#0#500#0#']],
    backoffice: [['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#0#546247#546247#965#965#0#0#']],
    refill: [['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#0#546247#547247#1000#0#0#0#']],
    withdraw: [['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#0#546247#536247#0#10000#0#0#']],
    closeDay: [['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#0#546247#20000#0#526247#0#0#']],
  },
  complete: {
    connection: [['#I#', '#0#2.01#']],
    sale: [['#B#0#0#0#', '#0#'], ['#Q#', '#0#990#'], ['#J#', '#0#990#']],
    saleChange: [['#B#0#0#0#', '#0#'], ['#Q#', '#0#2000#'], ['#J#', '#0#2000#'], ['#P#1010#0#0#0#', '#0#1010#0#']],
    cancel: [['#J#', '#0#500#'], ['#P#500#0#0#0#', '#0#500#0#']],
    refund: [['#P#500#0#0#0#', '#0#500#0#']],
    backoffice: [['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', '#0#546247#546247#965#965#0#0#']],
    refill: [['#A#2#', '#0#'], ['#Q#', '#0#1000#'], ['#J#', '#0#1000#']],
    withdraw: [['#S#2#', '#0#45000#']],
    closeDay: [['#F#1#', '#0#66500#0#20000#']],
  },
};

/** Items about unusual conditions make poor examples of the everyday operation. */
const UNUSUAL_TAGS = ['fault', 'inventory', 'jam', 'transport', 'recovery'];
const VERDICT_SCORE: Record<ItemResult['verdict'], number> = { pass: 3, partial: 1, skipped: 0, 'not-applicable': 0, fail: -2, error: -3 };

const TYPICAL_ERRORS = ['busy', 'generic', 'illegal', 'cancel', 'level', 'connection'] as const;
const TICKETS_TYPICAL_ERRORS = ['ticketsCancelled', 'ticketsNotEnoughChange', 'ticketsBadRequest', 'ticketsBusy', 'ticketsDeviceError', 'ticketsNoAnswer'] as const;
const EXCHANGE_LINES = 30;

export interface ManualSectionView {
  key: AnySection;
  number: number;
  title: string;
  intro: string;
  fields: string;
  screenshot: string;
  wording: string;
  exchangeHeading: string;
  exchange: string[];
  note: string;
}

export interface ManualErrorView {
  title: string;
  detail: string;
  posMessage: string;
  screenshot: string;
  cashierDoes: string;
}

export interface ManualView {
  lang: Lang;
  s: Strings;
  title: string;
  /** The INCOMPLETE headline and what is missing, when the run behind the manual is incomplete. */
  incomplete: { headline: string; details: string[] } | undefined;
  cover: { label: string; value: string }[];
  runLine: string;
  howToUse: string;
  sections: ManualSectionView[];
  errors: { number: number; title: string; intro: string; entries: ManualErrorView[] };
}

export function buildManualView(input: ManualInput): ManualView {
  const { pos, lang, result } = input;
  const f = formattersFor(lang, currencyOfProfile(result?.profile));
  const missing = f.t('email.missing');
  const features = pos.features ?? [];
  const date = result?.finishedAt ?? input.date ?? '';
  const cover = [
    { label: f.t('manual.software'), value: pos.name || missing },
    { label: f.t('manual.version'), value: pos.version || missing },
    { label: f.t('manual.company'), value: pos.company || missing },
    { label: f.t('manual.email'), value: pos.email || missing },
    { label: f.t('manual.integration'), value: f.t(`integration.${pos.integration}`) },
    ...(features.length ? [{ label: f.t('manual.features'), value: features.join(', ') }] : []),
    ...(date ? [{ label: f.t('manual.date'), value: f.date(date) }] : []),
  ];
  const underTest = new Map(input.checklist?.items.map((item) => [item.id, item.underTest]) ?? []);
  const used = new Set<string>();
  const tickets = pos.integration === 'tickets';
  const exampleSet: Record<string, [string, string][]> = tickets ? TICKETS_EXAMPLES : pos.integration === 'complete' ? EXAMPLES.complete : EXAMPLES.express;
  const keys: readonly AnySection[] = tickets ? TICKETS_MANUAL_SECTIONS : MANUAL_SECTIONS;
  const sections = keys.map((key, index): ManualSectionView => {
    const base = `manual.sections.${key}`;
    const view: ManualSectionView = {
      key,
      number: index + 1,
      title: f.t(`${base}.title`),
      intro: f.t(`${base}.intro`),
      fields: key === 'connection' || key === 'ticketsFolder' ? f.t(`${base}.fields`) : '',
      screenshot: f.t('manual.screenshot', { what: f.t(`${base}.shot`) }),
      wording: f.t('manual.wording'),
      exchangeHeading: '',
      exchange: [],
      note: '',
    };
    if (TEXT_ONLY.has(key)) return view;
    if (result) {
      const item = bestItem(result.items, MATCHERS[key], underTest, used);
      if (item) {
        used.add(item.id);
        view.exchangeHeading = f.t('manual.exchangeRun', { id: item.id, verdict: f.t(`verdict.${item.verdict}`) });
        view.exchange = exchangeLines(item.transcript, f);
      } else {
        view.note = notCovered(key, pos, f) ?? f.t('manual.notExercised');
      }
    } else {
      view.note = notCovered(key, pos, f) ?? '';
      view.exchangeHeading = f.t(tickets ? 'manual.exchangeExampleTickets' : 'manual.exchangeExample');
      view.exchange = (exampleSet[key] ?? []).flatMap(([sent, reply]) => [`${f.t('dir.in')}  ${sent}`, `${f.t('dir.out')}  ${reply}`]);
    }
    return view;
  });
  const errorsBase = 'manual.sections.errors';
  const entries: ManualErrorView[] = result
    ? result.items
        .filter((item) => item.faults.length > 0)
        .map((item) => ({
          title: `${item.id} · ${item.titles?.[lang] || item.title}`,
          detail: `${f.t(`${errorsBase}.fault`)}${f.t('colon')}${item.faults.join('; ')}`,
          posMessage: `${f.t(`${errorsBase}.posMessage`)}${f.t('colon')}${posMessages(item) || f.t(`${errorsBase}.noMessage`)}`,
          screenshot: f.t('manual.screenshot', { what: f.t(`${errorsBase}.shot`, { what: item.faults[0] ?? item.id }) }),
          cashierDoes: f.t(`${errorsBase}.cashierDoes`),
        }))
    : [];
  const typical = (tickets ? TICKETS_TYPICAL_ERRORS : TYPICAL_ERRORS).map((key) => {
    const title = f.t(`manual.typicalErrors.${key}`);
    return {
      title,
      detail: '',
      posMessage: '',
      screenshot: f.t('manual.screenshot', { what: f.t(`${errorsBase}.shot`, { what: title }) }),
      cashierDoes: f.t(`${errorsBase}.cashierDoes`),
    };
  });
  return {
    lang,
    s: stringsFor(lang),
    title: f.t('manual.title', { name: pos.name }),
    incomplete: incompleteOf(result, f),
    cover,
    runLine: result
      ? f.t('manual.runLine', {
          date: f.dateTime(result.finishedAt),
          checklist: `${result.checklist.id} ${result.checklist.version}`,
          seed: result.seed,
          verdict: f.t(`verdict.${result.verdict}`),
        })
      : f.t('manual.noRunLine'),
    howToUse: f.t('manual.howToUse'),
    sections,
    errors: {
      number: sections.length + 1,
      title: f.t(`${errorsBase}.title`),
      intro: result && entries.length ? `${f.t(`${errorsBase}.intro`)} ${f.t(`${errorsBase}.runIntro`)}` : f.t(`${errorsBase}.intro`),
      entries: [...entries, ...typical],
    },
  };
}

function incompleteOf(result: RunResult | undefined, f: Formatters): ManualView['incomplete'] {
  if (!result) return undefined;
  const c = coverageText(result, f);
  return c.complete ? undefined : { headline: c.headline, details: c.details };
}

/** Refunds have no Express command; other sections exist in every integration (in Express through the backoffice menu). */
function notCovered(key: AnySection, pos: ManualPos, f: Formatters): string | undefined {
  if ((key === 'refund' || key === 'ticketsRefund') && pos.integration !== 'complete' && !(pos.features ?? []).includes('refund')) {
    return f.t('manual.notApplicable', { integration: f.t(`integration.${pos.integration}`).replace(/\s*\(.*\)$/, '') });
  }
  return undefined;
}

/** Command codes of the frames the POS sent; for a tickets POS, the types of the requests it wrote. */
function sentCodes(transcript: readonly TranscriptEntry[]): Set<string> {
  const codes = new Set<string>();
  for (const entry of transcript) {
    if (entry.dir !== 'in') continue;
    const code = entry.file !== undefined ? requestType(entry.data) : /^#([^#]*)#/.exec(entry.data)?.[1];
    if (code) codes.add(code);
  }
  return codes;
}

function requestType(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const type = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['type'] : undefined;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/** The item whose transcript best shows this operation; items already used by an earlier section lose ties. */
export function bestItem(
  items: readonly ItemResult[],
  matcher: SectionMatcher,
  underTest: ReadonlyMap<string, string[]>,
  used: ReadonlySet<string>,
): ItemResult | undefined {
  let best: ItemResult | undefined;
  let bestScore = 0;
  for (const item of items) {
    // An item skipped for an operator-only check in --ci still shows a real exchange.
    if (item.transcript.length === 0 || item.verdict === 'not-applicable') continue;
    const tagMatch = item.tags.some((tag) => matcher.tags.includes(tag));
    const actionMatch = item.actions.some((action) => matcher.actions.includes(action.action));
    if (!tagMatch && !actionMatch) continue;
    const codes = sentCodes(item.transcript);
    const declared = underTest.get(item.id) ?? [];
    let score = 1;
    if (tagMatch) score += 10;
    if (actionMatch) score += 6;
    if (declared.some((code) => matcher.codes.includes(code))) score += 4;
    if (matcher.codes.some((code) => codes.has(code))) score += 2;
    else score -= 8;
    if (item.tags.some((tag) => matcher.avoid.includes(tag))) score -= 6;
    if (item.tags.some((tag) => UNUSUAL_TAGS.includes(tag))) score -= 6;
    if (item.faults.length > 0) score -= 5;
    score += VERDICT_SCORE[item.verdict];
    if (used.has(item.id)) score -= 2;
    if (score > bestScore) {
      best = item;
      bestScore = score;
    }
  }
  return best;
}

function exchangeLines(transcript: readonly TranscriptEntry[], f: Formatters): string[] {
  const wire = transcript.filter((entry) => entry.dir !== 'event' || entry.kind === 'fault' || entry.kind === 'customer' || entry.kind === 'operator' || entry.kind === 'file');
  const lines = wire.slice(0, EXCHANGE_LINES).map((entry) => {
    const who = entry.dir === 'event' ? `[${entry.kind ?? f.t('dir.event')}]` : f.t(`dir.${entry.dir}`);
    // A tickets exchange is files: the file name goes before its content.
    const data = entry.file !== undefined && entry.dir !== 'event' ? `${entry.file} ${entry.data}` : entry.data;
    return `${f.offset(entry.at).padStart(10)}  ${who}  ${data.replace(/\r\n|\r|\n/g, ' ')}`;
  });
  if (wire.length > EXCHANGE_LINES) lines.push(`… (${wire.length - EXCHANGE_LINES})`);
  return lines;
}

function posMessages(item: ItemResult): string {
  // "connector ready" from the start-up is not what the cashier saw when the problem hit.
  const during = item.actions.filter((action) => action.action !== 'startup' && action.action !== 'shutdown');
  const messages = (during.length > 0 ? during : item.actions).flatMap((action) => {
    const out: string[] = [];
    if (typeof action.outcome?.message === 'string' && action.outcome.message) out.push(action.outcome.message);
    if (action.error) out.push(action.error);
    return out;
  });
  return [...new Set(messages)].join(' / ');
}

export function manualFileName(lang: Lang, kind: 'md' | 'html' = 'md'): string {
  return `manual.${lang}.${kind}`;
}

export function renderManual(input: ManualInput): string {
  return manualMarkdown(buildManualView(input));
}

/** The same manual as one printable HTML file: a cover page, then one page-friendly section per operation. */
export function renderManualHtml(input: ManualInput): string {
  return manualHtml(buildManualView(input));
}

/** Both forms from one view: Markdown to edit, HTML to print (to PDF) and send. */
export function renderManualFiles(input: ManualInput): ReportFile[] {
  const view = buildManualView(input);
  return [
    { path: manualFileName(input.lang, 'md'), contents: manualMarkdown(view) },
    { path: manualFileName(input.lang, 'html'), contents: manualHtml(view) },
  ];
}

function manualMarkdown(view: ManualView): string {
  return tidyMarkdown(renderTemplate('manual', view));
}

function manualHtml(view: ManualView): string {
  return renderTemplate('manual-html', { ...view, css: readAsset('manual.css') });
}

/** The manual from a run: the result's POS identity, completed by the profile when known. */
export function manualInputFromRun(input: ReportInput): ManualInput {
  const pos: ManualPos = input.pos ?? input.result.pos;
  return { pos: { ...input.result.pos, ...pos }, lang: input.lang, result: input.result, ...(input.checklist ? { checklist: input.checklist } : {}) };
}

export const manualReporter: Reporter = {
  name: 'manual',
  describe: 'manual.<lang>.md and .html: the integration manual skeleton, pre-filled with the run\'s exchanges',
  render: (input) => renderManualFiles(manualInputFromRun(input)),
};

/**
 * The HTML checklist: one self-contained file (inline CSS and JS, a CSP that forbids any
 * network access) with the header, a sticky summary bar with search and filters (verdict,
 * level, tag, failed only), one row per item with what needs attention first, expandable
 * evidence with each transcript as a sequence view or a text log, and a print stylesheet.
 * Rendered from reports/html.hbs. With a baseline
 * (`--baseline`), a "Changes since the baseline" section lists what the diff found.
 */
import type { Lang } from '../i18n.js';
import { describeFrame, type DiffFrame, type RunDiff } from '../runner/diff.js';
import { currencyOfProfile, formattersFor, type Formatters } from './i18n.js';
import { buildReportView } from './view.js';
import { readAsset, renderTemplate } from './templates.js';
import type { Reporter, ReportInput } from './types.js';

export function renderHtml(input: ReportInput): string {
  const view = buildReportView(input.result, input.lang, input.pos);
  const changes = input.changes ? changesView(input.changes, input.lang, input.result) : undefined;
  return renderTemplate('html', { ...view, ...(changes ? { changes } : {}), css: readAsset('report.css'), js: readAsset('report.js') });
}

export interface ChangeRowView {
  id: string;
  title: string;
  levelLabel: string;
  kind: string;
  kindLabel: string;
  before: string;
  after: string;
  reason: string;
  /** "frame 3", or the same-wire sentence; empty for new and removed items. */
  frame: string;
  frameBefore: string;
  frameAfter: string;
}

export interface ChangesView {
  baseline: string;
  rows: ChangeRowView[];
  none: boolean;
  unchanged: string;
  notes: string[];
}

function changesView(diff: RunDiff, lang: Lang, result: ReportInput['result']): ChangesView {
  const f = formattersFor(lang, currencyOfProfile(result.profile));
  // The diff keeps the title in each run's language; the report shows the item in its own.
  const titles = new Map(result.items.map((i) => [i.id, i.titles?.[lang] || i.title]));
  const b = diff.before;
  const order = ['regressed', 'fixed', 'changed', 'added', 'removed'];
  const rows = [...diff.changes]
    .sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind))
    .map((c): ChangeRowView => {
      const d = c.divergence;
      const wire = c.kind === 'added' || c.kind === 'removed';
      return {
        id: c.id,
        title: titles.get(c.id) ?? c.title,
        levelLabel: f.t(`level.${c.level}`),
        kind: c.kind,
        kindLabel: f.t(`changes.kind.${c.kind}`),
        before: c.before ? f.t(`verdict.${c.before.verdict}`) : '—',
        after: c.after ? f.t(`verdict.${c.after.verdict}`) : '—',
        reason: (c.kind === 'removed' ? c.before?.reason : c.after?.reason) ?? '',
        frame: wire ? '' : d ? f.t('changes.frame', { frame: d.frame }) : f.t('changes.sameWire'),
        frameBefore: d ? frameText(d.before, f) : '',
        frameAfter: d ? frameText(d.after, f) : '',
      };
    });
  return {
    baseline: f.t('changes.baseline', {
      pos: `${b.pos.name} ${b.pos.version}`,
      checklist: `${b.checklist.id} ${b.checklist.version}`,
      seed: b.seed,
      verdict: f.t(`runVerdict.${b.verdict}`),
      date: f.dateTime(b.finishedAt),
    }),
    rows,
    none: rows.length === 0,
    unchanged: f.t('changes.unchanged', { count: diff.unchanged }),
    notes: diff.notes,
  };
}

function frameText(frame: DiffFrame | undefined, f: Formatters): string {
  return frame ? describeFrame(frame) : f.t('changes.noFrame');
}

export const htmlReporter: Reporter = {
  name: 'html',
  describe: 'checklist.html: self-contained, offline, printable checklist with evidence',
  render: (input) => [{ path: 'checklist.html', contents: renderHtml(input) }],
};

/**
 * The HTML checklist: one self-contained file (inline CSS and JS, a CSP that forbids any
 * network access) with the header, one row per item, expandable evidence, a failed-only
 * filter and a print stylesheet. Rendered from reports/html.hbs.
 */
import { buildReportView } from './view.js';
import { readAsset, renderTemplate } from './templates.js';
import type { Reporter, ReportInput } from './types.js';

export function renderHtml(input: ReportInput): string {
  const view = buildReportView(input.result, input.lang, input.pos);
  return renderTemplate('html', { ...view, css: readAsset('report.css'), js: readAsset('report.js') }, 'html');
}

export const htmlReporter: Reporter = {
  name: 'html',
  describe: 'checklist.html: self-contained, offline, printable checklist with evidence',
  render: (input) => [{ path: 'checklist.html', contents: renderHtml(input) }],
};

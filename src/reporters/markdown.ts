/**
 * The Markdown checklist, for a ticket or a pull request: the item table, then the evidence
 * for every failed or errored item. Rendered from reports/markdown.hbs (no HTML escaping;
 * the md helpers escape every datum).
 *
 *   | ID | Item | Manual ref. | Level | Verdict |
 *   |---|---|---|---|---|
 *   | EXP-03 | Sale with change | 6.3.1.3 | required | **fail** |
 */
import { buildReportView } from './view.js';
import { renderTemplate } from './templates.js';
import { tidyMarkdown } from './escape.js';
import type { Reporter, ReportInput } from './types.js';

export function renderMarkdown(input: ReportInput): string {
  const view = buildReportView(input.result, input.lang, input.pos);
  return tidyMarkdown(renderTemplate('markdown', view));
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  describe: 'checklist.md: the validated checklist table and the failing evidence',
  render: (input) => [{ path: 'checklist.md', contents: renderMarkdown(input) }],
};

/**
 * The reporter registry: the key is what users write after `report --format`.
 */
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { manualReporter } from './manual.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './types.js';

export const REPORTERS: Readonly<Record<string, Reporter>> = {
  json: jsonReporter,
  html: htmlReporter,
  markdown: markdownReporter,
  junit: junitReporter,
  manual: manualReporter,
};

export const REPORT_FORMATS = Object.keys(REPORTERS);

export function getReporter(name: string): Reporter | undefined {
  return Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
}

export type { Reporter, ReportFile, ReportInput } from './types.js';
export { loadResult, parseResult } from './load-result.js';
export { renderManual, buildManualView, type ManualInput, type ManualPos } from './manual.js';

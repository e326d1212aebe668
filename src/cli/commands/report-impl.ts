/**
 * What `cashlogy-cert report` does once its arguments are parsed; loaded only when it runs
 * (report.ts registers the command and its help).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '../../bundle/manifest.js';
import { loadChecklist } from '../../checklist/load.js';
import { UsageError } from '../../errors.js';
import { closest } from '../../format/issues.js';
import { writeFileInside } from '../../fs-atomic.js';
import { loadPosProfile } from '../../pos/profile.js';
import { REPORT_FORMATS, getReporter } from '../../reporters/index.js';
import { loadResult } from '../../reporters/load-result.js';
import { diffRuns } from '../../runner/diff.js';
import { loadRunArgument, parseLang } from '../inputs.js';
import type { CliIo } from '../io.js';
import { checkBundleOut, checkOutDir, writeBundle } from '../write-bundle.js';
import { EXTRA_FORMATS, type ReportOptions } from './report.js';

function parseFormats(value: string): string[] {
  const wanted = value.split(',').map((f) => f.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--format needs a value');
  const known = [...REPORT_FORMATS, ...EXTRA_FORMATS];
  for (const format of wanted) {
    if (!known.includes(format)) {
      const near = closest(format, known);
      throw new UsageError(`unknown format "${format}": use ${known.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
  if (wanted.includes('all')) return [...REPORT_FORMATS, ...wanted.filter((f) => f === 'bundle')];
  return [...new Set(wanted)];
}

export async function reportCommand(file: string, options: ReportOptions, io: CliIo): Promise<number> {
  const formats = parseFormats(options.format);
  const resultPath = resolve(io.cwd, file);
  const result = loadResult(resultPath);
  const lang = parseLang(options.lang, result.lang);
  const outDir = resolve(io.cwd, options.out ?? '.');
  checkOutDir(outDir);
  if (formats.includes('bundle')) checkBundleOut(outDir, options.force === true);
  // Loaded on demand: most re-renders need neither.
  const pos = options.pos === undefined ? undefined : loadPosProfile(resolve(io.cwd, options.pos));
  const checklist =
    options.checklist === undefined ? undefined : loadChecklist(resolve(io.cwd, options.checklist));
  const baseline = options.baseline === undefined ? undefined : loadRunArgument(options.baseline, io.cwd).result;
  const changes = baseline === undefined ? undefined : diffRuns(baseline, result);
  const context = { ...(pos ? { pos } : {}), ...(checklist ? { checklist } : {}), ...(changes ? { changes } : {}) };
  const written: string[] = [];
  for (const format of formats) {
    if (format === 'bundle') {
      written.push(...(await writeBundle(result, { outDir, lang, force: options.force === true, ...context })));
      continue;
    }
    const reporter = getReporter(format);
    if (!reporter) continue;
    for (const report of reporter.render({ result, lang, ...context })) {
      // Re-rendering next to the source must not rewrite it.
      if (resolve(outDir, report.path) === resultPath) continue;
      written.push(writeFileInside(outDir, report.path, report.contents));
    }
  }
  for (const path of [...new Set(written)]) io.stdout.write(`wrote ${path}\n`);
  if (!formats.includes('bundle') && written.length > 0 && existsSync(join(outDir, MANIFEST_FILE))) {
    io.stderr.write(`note: ${outDir} holds a submission bundle, which no longer verifies; use --format bundle to write a fresh one\n`);
  }
  return 0;
}

/**
 * `cashlogy-cert report <result.json>`: re-render any report from a saved result, in any
 * language, without a new run. `--format bundle` writes a complete, verifiable bundle.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
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

const EXTRA_FORMATS = ['all', 'bundle'];

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

export function registerReport(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('re-render reports from a saved result.json (any format, any language)')
    .argument('<result.json>', 'the result.json of a run (in its --out folder)')
    .option('--format <formats>', `${[...REPORT_FORMATS, ...EXTRA_FORMATS].join('|')}, comma-separated`, 'all')
    .option('--lang <lang>', 'fr|en|es (default: the language of the run)')
    .option('--out <dir>', 'folder to write into (default: the current folder)')
    .option('--pos <pos.yaml>', 'the POS profile: completes company/e-mail/features the result may lack')
    .option('--checklist <file>', 'the checklist of the run: lets the manual pick sections by the items\' command codes')
    .option('--baseline <result.json|bundle>', 'an earlier run to compare with: checklist.html gets a "Changes since the baseline" section')
    .option('--force', 'with --format bundle: write into an --out that holds a bundle this tool did not write there')
    .addHelpText(
      'after',
      '\nExamples:\n  cashlogy-cert report cashlogy-reports/run-1/result.json --format html --lang en --out /tmp/en\n  cashlogy-cert report result.json --format bundle --lang es --out bundle-es\n',
    )
    .action(async (file: string, options: { format: string; lang?: string; out?: string; pos?: string; checklist?: string; baseline?: string; force?: boolean }) => {
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
      setExitCode(0);
    });
}

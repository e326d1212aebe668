/**
 * `cashlogy-cert report <result.json>`: re-render any report from a saved result, in any
 * language, without a new run. `--format bundle` writes a complete, verifiable bundle.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

/**
 * The formats of the reporter registry (src/reporters/index.ts), named here so that `--help`
 * does not load every reporter; test/cli/lazy-commands.test.ts keeps the two lists equal.
 */
export const REPORT_FORMAT_NAMES = ['json', 'html', 'markdown', 'junit', 'manual'] as const;
export const EXTRA_FORMATS = ['all', 'bundle'];

export interface ReportOptions {
  format: string;
  lang?: string;
  out?: string;
  pos?: string;
  checklist?: string;
  baseline?: string;
  force?: boolean;
}

export function registerReport(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('re-render reports from a saved result.json (any format, any language)')
    .argument('<result.json>', 'the result.json of a run (in its --out folder)')
    .option('--format <formats>', `${[...REPORT_FORMAT_NAMES, ...EXTRA_FORMATS].join('|')}, comma-separated`, 'all')
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
    .action(async (file: string, options: ReportOptions) => {
      const { reportCommand } = await import('./report-impl.js');
      setExitCode(await reportCommand(file, options, io));
    });
}

/**
 * `cashlogy-cert show-report [dir]`: serve a run's report folder on loopback and print the URL
 * of its checklist.html, like `npx playwright show-report`. Without `dir`, the newest run under
 * ./cashlogy-reports/. Nothing outside the folder is ever served: no `..`, no symlink that leads
 * out, only GET/HEAD, and only for a Host naming this server (a web page elsewhere cannot read
 * the report through DNS rebinding). No browser is launched: the URL is printed. Ctrl-C stops it.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export const REPORT_FILE = 'checklist.html';
export const DEFAULT_PARENT = 'cashlogy-reports';

export interface ShowReportFlags {
  port: string;
}

export const registerShowReport: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('show-report')
    .argument('[dir]', `a run's report folder (its --out); default: the newest run under ./${DEFAULT_PARENT}/`)
    .description('serve a report folder on 127.0.0.1 and print the URL of its checklist.html (Ctrl-C stops it)')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .addHelpText(
      'after',
      `
Examples:
  $ cashlogy-cert show-report
  $ cashlogy-cert show-report cashlogy-reports/20261129-182611-1673423788 --port 9323`,
    )
    .action(async (dir: string | undefined, flags: ShowReportFlags) => {
      const { showReport } = await import('./show-report-impl.js');
      setExitCode(await showReport(dir, flags, io));
    });
};

/**
 * `cashlogy-cert manual --pos pos.yaml`: the integration manual skeleton, before any run
 * (examples from the protocol reference) or, with `--result`, filled with a run's exchanges.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export interface ManualOptions {
  pos?: string;
  lang: string;
  out?: string;
  result?: string;
}

export function registerManual(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('manual')
    .description('write the integration manual skeleton ("petit manuel") for a POS profile')
    .option('--pos <pos.yaml>', 'the POS profile (name, version, company, e-mail, integration)')
    .option('--lang <lang>', 'fr|en|es', 'fr')
    .option('--out <dir>', 'folder to write manual.<lang>.md and manual.<lang>.html into (default: the current folder)')
    .option('--result <result.json>', 'fill the sections with the exchanges of this run')
    .addHelpText('after', '\nExample:\n  cashlogy-cert manual --pos pos.yaml --lang es --out docs/\n')
    .action(async (options: ManualOptions) => {
      const { manualCommand } = await import('./manual-impl.js');
      setExitCode(manualCommand(options, io));
    });
}

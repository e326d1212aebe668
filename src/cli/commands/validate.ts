/**
 * `cashlogy-cert validate <file...>`: checks checklists and POS profiles (told apart by
 * content) and prints every problem as file:line:col with the source line and a caret,
 * errors before warnings; each valid POS profile also gets the pre-flight of the checklist it
 * will face (src/checklist/preflight.ts). Exit 0 all valid (warnings allowed), 2 any invalid,
 * 1 usage error.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerValidate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('validate')
    .description('check checklists and POS profiles; every problem as file:line:col (exit 0 valid, 2 invalid, 1 usage error)')
    .argument('[files...]', 'checklist or pos.yaml files')
    .option('--checklist <name|file>', 'pre-flight of POS profiles against this checklist (default: the one run picks for the POS integration)')
    .option('--ci', 'check POS profiles as `run --ci` uses them (no operator: the manual driver is refused)')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Every POS profile also gets a pre-flight: the driver actions, features and operator checks the
checklist's items need from it, and what is missing. A missing action a required item needs is
an error (exit 2); one only recommended or optional items need is a warning.

Examples:
  $ cashlogy-cert validate pos.yaml
  $ cashlogy-cert validate pos.yaml --checklist chapter7-express --ci
  $ cashlogy-cert validate checklists/mine.yaml pos.yaml --checklist checklists/mine.yaml`,
    )
    .action(async (files: string[], options: ValidateOptions) => {
      const { validateCommand } = await import('./validate-impl.js');
      setExitCode(validateCommand(files, options, io));
    });
}

export interface ValidateOptions {
  json?: boolean;
  checklist?: string;
  ci?: boolean;
}

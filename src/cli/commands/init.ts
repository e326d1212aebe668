/**
 * `cashlogy-cert init`: the first five minutes of a POS vendor, like `npm init playwright`.
 * Asks (or takes flags for) the integration style, the driver and the stub's language, then
 * writes a `pos.yaml` that validates and a runnable hook stub (Node or Python, no dependencies)
 * answering every action the chosen checklist needs. Each action answers an honest `failed`
 * outcome ("TODO: sale is not implemented yet") until the vendor wires it to their POS, so the
 * first run lists what is missing instead of crashing.
 *
 * Interactive only when stdin and stdout are terminals and neither `--yes` nor `CI` is set;
 * everywhere else every unanswered question takes its default. Nothing is overwritten without
 * `--force`, and nothing is written at all when one target exists.
 */
import type { Command } from 'commander';
import { POS_FEATURES } from '../../pos/types.js';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export const INTEGRATIONS = ['express', 'complete', 'mixed', 'tickets'] as const;
export const DRIVERS = ['http', 'command'] as const;
export const STUBS = ['node', 'python'] as const;
export type InitIntegration = (typeof INTEGRATIONS)[number];
export type InitDriver = (typeof DRIVERS)[number];
export type StubLanguage = (typeof STUBS)[number];

export interface InitAnswers {
  integration: InitIntegration;
  driver: InitDriver;
  stub: StubLanguage;
  name: string;
  company: string;
  email: string;
  features: string[];
}

export const INIT_DEFAULTS: InitAnswers = {
  integration: 'express',
  driver: 'http',
  stub: 'node',
  name: 'My POS',
  company: 'My company',
  email: 'integration@example.com',
  features: [],
};

export interface InitOptions {
  integration?: string;
  driver?: string;
  stub?: string;
  name?: string;
  company?: string;
  email?: string;
  features?: string;
  dir?: string;
  yes?: boolean;
  force?: boolean;
}

export const registerInit: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('init')
    .description('write a pos.yaml and a runnable POS hook stub (Node or Python) to start a certification')
    .option('--integration <style>', `integration style: ${INTEGRATIONS.join('|')} (default ${INIT_DEFAULTS.integration})`)
    .option('--driver <type>', `how the runner drives your POS: ${DRIVERS.join('|')} (default ${INIT_DEFAULTS.driver})`)
    .option('--stub <language>', `language of the hook stub: ${STUBS.join('|')} (default ${INIT_DEFAULTS.stub})`)
    .option('--name <name>', 'your POS product name')
    .option('--company <company>', 'your company')
    .option('--email <address>', 'the contact for the certification')
    .option('--features <list>', `comma-separated features your POS offers (${POS_FEATURES.join(', ')})`)
    .option('--dir <folder>', 'where to write the files (default: the current folder)')
    .option('-y, --yes', 'ask nothing: defaults for every question not given as a flag')
    .option('--force', 'overwrite pos.yaml and the stub if they exist')
    .addHelpText(
      'after',
      `
Asks its questions only on a terminal; with --yes, in CI (CI set) or with no terminal, every
question not given as a flag takes its default.

Examples:
  $ npx cashlogy-cert init
  $ npx cashlogy-cert init --yes --integration complete --driver command --stub python --dir pos/`,
    )
    .action(async (options: InitOptions) => {
      const { initCommand } = await import('./init-impl.js');
      setExitCode(await initCommand(options, io));
    });
};

/**
 * The registry of CLI commands. Each command file exports one `register` function:
 * it adds its subcommand to the program and reports its exit code through `setExitCode`.
 * The order here is the order `--help` lists them.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerDiff } from './diff.js';
import { registerManual } from './manual.js';
import { registerMerge } from './merge.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerSimulate } from './simulate.js';
import { registerValidate } from './validate.js';
import { registerVerify } from './verify.js';

export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [
  registerSimulate,
  registerRun,
  registerValidate,
  registerReport,
  registerManual,
  registerVerify,
  registerMerge,
  registerDiff,
];

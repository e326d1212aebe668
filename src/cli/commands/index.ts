/**
 * The registry of CLI commands. Each command file exports one `register` function:
 * it adds its subcommand to the program and reports its exit code through `setExitCode`.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [];

import { registerSimulate } from './simulate.js';
COMMANDS.push(registerSimulate);
import { registerReport } from './report.js';
COMMANDS.push(registerReport);
import { registerManual } from './manual.js';
COMMANDS.push(registerManual);
import { registerVerify } from './verify.js';
COMMANDS.push(registerVerify);
import { registerValidate } from './validate.js';
COMMANDS.push(registerValidate);
import { registerRun } from './run.js';
COMMANDS.push(registerRun);

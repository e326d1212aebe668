/**
 * The registry of CLI commands. Each command file exports one `register` function:
 * it adds its subcommand to the program and reports its exit code through `setExitCode`.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [];

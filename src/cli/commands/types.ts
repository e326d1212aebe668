/**
 * What a command file exports. It lives apart from the registry (index.ts) so that the
 * commands never import the file that imports them.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

/** Adds one subcommand to the program; the command reports its exit code through `setExitCode`. */
export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

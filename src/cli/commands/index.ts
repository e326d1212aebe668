/**
 * The registry of CLI commands. Each command file exports one `register` function:
 * it adds its subcommand to the program and reports its exit code through `setExitCode`.
 * The order here is the order `--help` lists them.
 *
 * A command file holds only what `--help` shows (flags, defaults, help text); its action loads
 * the work from `<command>-impl.ts` with a literal `import()`. So `--help`, and every command,
 * loads only its own dependencies, not the YAML parser, the reporters and the simulator of all
 * the others (docs/bench.md, startup). test/cli/lazy-commands.test.ts keeps it that way.
 */
import { registerDiff } from './diff.js';
import { registerInit } from './init.js';
import { registerManual } from './manual.js';
import { registerMerge } from './merge.js';
import { registerProxy } from './proxy.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerShowReport } from './show-report.js';
import { registerSimulate } from './simulate.js';
import { registerValidate } from './validate.js';
import type { RegisterCommand } from './types.js';
import { registerVerify } from './verify.js';

export type { RegisterCommand } from './types.js';

export const COMMANDS: RegisterCommand[] = [
  registerInit,
  registerSimulate,
  registerProxy,
  registerRun,
  registerValidate,
  registerReport,
  registerShowReport,
  registerManual,
  registerVerify,
  registerMerge,
  registerDiff,
  registerReplay,
];

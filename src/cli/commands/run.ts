/**
 * `cashlogy-cert run`: run a checklist against a POS, write the reports, exit with the verdict.
 *
 *   $ cashlogy-cert run --pos pos.yaml --ci
 *   exit 0 every required item passed · 1 usage · 2 invalid checklist or pos.yaml
 *        3 runtime error (no required failure) · 4 a required item failed · 130 interrupted
 *
 * result.json is written to --out whatever happens (failure, error, Ctrl-C); the other
 * report formats follow from it.
 */
import type { Command } from 'commander';
import { LANGS, type Lang } from '../../i18n.js';
import { DEFAULT_PROFILE } from '../../runner/options.js';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export interface RunFlags {
  checklist?: string;
  pos?: string;
  out?: string;
  only?: string;
  tag: string[];
  seed?: string;
  timeScale: string;
  jobs: string;
  shard?: string;
  lang?: string;
  ci?: boolean;
  list?: boolean;
  maxFailures?: string;
  x?: boolean;
  lastFailed?: boolean;
  quiet?: boolean;
  json?: boolean;
  profile: string;
  baseline?: string;
  force?: boolean;
  connector?: string;
  answers?: string;
}

export const registerRun: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('run')
    .description('run a checklist against a POS, write the reports, and exit with the verdict')
    .option('--checklist <name|file>', 'checklist: a shipped name (chapter7-express, chapter7-complete, chapter7-mixed, tickets-micro) or a YAML file (default: the one for the POS integration type)')
    .option('--pos <pos.yaml>', 'POS profile (default: the bundled reference POS, in the integration of --checklist; Express without it)')
    .option('--out <dir>', 'report folder (default: ./cashlogy-reports/<run-id>/)')
    .option('--only <ids>', 'run only these items (comma-separated ids)')
    .option('--tag <tag>', 'run only items with this tag (repeatable)', collect, [])
    .option('--seed <n>', 'seed of the simulator random source; replays fault decisions (default: random, printed)')
    .option('--time-scale <factor>', 'simulator time scale (0.02 = 50x faster machine)', '1')
    .option('--jobs <n>', 'parallel lanes, each with its own simulator and POS instance', '1')
    .option('--shard <i/n>', 'run only the i-th of n deterministic slices of the items (CI matrix)')
    .option('--lang <fr|en|es>', 'language of the console, reports and operator prompts (default: from LC_ALL or LANG; French when neither is fr, en or es)')
    .option('--ci', 'never prompt: operator-only checks become skipped, the manual driver is refused')
    .option('--quiet', 'print only the verdict and where the report is')
    .option('--json', 'machine-readable progress: one JSON object per line on stdout')
    .option('--profile <name|file>', 'simulator machine profile', DEFAULT_PROFILE)
    .option('--baseline <result.json|bundle>', 'an earlier run to compare with: checklist.html gets a "Changes since the baseline" section')
    .option('--force', 'write into an --out that holds a bundle this tool did not write there (its files are left alone)')
    .option('--connector <host:port>', 'a real CashlogyConnector instead of the simulator, through a recording proxy (docs/proxy.md): customer and operator steps become prompts')
    .option('--answers <file>', 'answer the operator prompts from a file instead of the terminal (docs/proxy.md, Scripted answers)')
    .option('--list', 'print the items the selection would run (level, tags), then exit 0 without starting anything')
    .option('--max-failures <n>', 'stop starting items once n required items failed or errored; the run is then incomplete')
    .option('-x', 'stop after the first required item that fails or errors (= --max-failures 1)')
    .option('--last-failed', "rerun only the items that failed or errored in the newest result.json next to --out's folder")
    .addHelpText(
      'after',
      `
Exit codes: 0 every required item passed · 1 usage error · 2 invalid checklist or POS profile
            3 runtime error (no required item failed) · 4 a required item failed · 130 interrupted (Ctrl-C)

Examples:
  $ cashlogy-cert run --time-scale 0.02 --ci
  $ cashlogy-cert run --pos pos.yaml --ci --out reports/
  $ cashlogy-cert run --pos pos.yaml --only EXP-04,EXP-05 --seed 81532 --lang en
  $ cashlogy-cert run --pos pos.yaml --ci --jobs 2 --shard 1/3
  $ cashlogy-cert run --pos pos.yaml --tag sale --list
  $ cashlogy-cert run --pos pos.yaml --ci -x
  $ cashlogy-cert run --pos pos.yaml --ci --last-failed
  $ cashlogy-cert run --pos pos.yaml --connector 192.168.1.20:8092 --lang en`,
    )
    .action(async (flags: RunFlags) => {
      const { runCommand } = await import('./run-impl.js');
      setExitCode(await runCommand(flags, io));
    });
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/**
 * The language a run speaks when --lang is not given: the locale's language (LC_ALL, then
 * LANG, as POSIX orders them: `es_ES.UTF-8` → es), French when it is none of fr, en, es.
 */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  for (const name of ['LC_ALL', 'LANG'] as const) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const code = /^([a-z]{2,3})(?:[_.@-]|$)/i.exec(value.trim())?.[1]?.toLowerCase();
    return code !== undefined && (LANGS as readonly string[]).includes(code) ? (code as Lang) : 'fr';
  }
  return 'fr';
}

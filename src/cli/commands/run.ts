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
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LANGS, type Checklist, type Lang } from '../../checklist/types.js';
import { loadChecklist } from '../../checklist/load.js';
import { preflightForRun } from '../../checklist/preflight.js';
import { resolveChecklist } from '../../checklist/select.js';
import type { OperatorConsole } from '../../drivers/driver.js';
import { terminalConsole } from '../../drivers/terminal-console.js';
import { CertError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import { closest } from '../../issues.js';
import { loadPosProfile, referencePosProfile } from '../../pos/profile.js';
import type { PosProfile } from '../../pos/types.js';
import { diffRuns, type RunDiff } from '../../runner/diff.js';
import type { RunResult } from '../../runner/result.js';
import { DEFAULT_PROFILE, randomSeed, runChecklist, type RunOptions } from '../../runner/run.js';
import { parseShard, selectItems, unknownIds } from '../../runner/selection.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRunArgument } from './merge.js';
import type { RegisterCommand } from './index.js';

export const EXIT_INTERRUPTED = 130;

interface RunFlags {
  checklist?: string;
  pos?: string;
  out?: string;
  only?: string;
  tag: string[];
  seed?: string;
  timeScale: string;
  jobs: string;
  shard?: string;
  lang: string;
  ci?: boolean;
  quiet?: boolean;
  json?: boolean;
  profile: string;
  baseline?: string;
}

export const registerRun: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('run')
    .description('run a checklist against a POS, write the reports, and exit with the verdict')
    .option('--checklist <name|file>', 'checklist: a shipped name (chapter7-express, chapter7-complete) or a YAML file (default: the one for the POS integration type)')
    .option('--pos <pos.yaml>', 'POS profile (default: the bundled reference POS, Express)')
    .option('--out <dir>', 'report folder (default: ./cashlogy-reports/<run-id>/)')
    .option('--only <ids>', 'run only these items (comma-separated ids)')
    .option('--tag <tag>', 'run only items with this tag (repeatable)', collect, [])
    .option('--seed <n>', 'seed of the simulator random source; replays fault decisions (default: random, printed)')
    .option('--time-scale <factor>', 'simulator time scale (0.02 = 50x faster machine)', '1')
    .option('--jobs <n>', 'parallel lanes, each with its own simulator and POS instance', '1')
    .option('--shard <i/n>', 'run only the i-th of n deterministic slices of the items (CI matrix)')
    .option('--lang <fr|en|es>', 'language of the reports and operator prompts', 'fr')
    .option('--ci', 'never prompt: operator-only checks become skipped, the manual driver is refused')
    .option('--quiet', 'print only the verdict and where the report is')
    .option('--json', 'machine-readable progress: one JSON object per line on stdout')
    .option('--profile <name|file>', 'simulator machine profile', DEFAULT_PROFILE)
    .option('--baseline <result.json|bundle>', 'an earlier run to compare with: checklist.html gets a "Changes since the baseline" section')
    .addHelpText(
      'after',
      `
Exit codes: 0 every required item passed · 1 usage error · 2 invalid checklist or POS profile
            3 runtime error (no required item failed) · 4 a required item failed · 130 interrupted (Ctrl-C)

Examples:
  $ cashlogy-cert run --time-scale 0.02 --ci
  $ cashlogy-cert run --pos pos.yaml --ci --out reports/
  $ cashlogy-cert run --pos pos.yaml --only EXP-04,EXP-05 --seed 81532 --lang en
  $ cashlogy-cert run --pos pos.yaml --ci --jobs 2 --shard 1/3`,
    )
    .action(async (flags: RunFlags) => {
      setExitCode(await runCommand(flags, io));
    });
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

interface Parsed {
  seed: number;
  timeScale: number;
  jobs: number;
  lang: Lang;
  shard?: { index: number; count: number };
  only?: string[];
}

function parseFlags(flags: RunFlags): Parsed {
  const timeScale = Number(flags.timeScale);
  if (flags.timeScale.trim() === '' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`--time-scale must be a number greater than 0 (e.g. 0.02), got "${flags.timeScale}"`);
  }
  if (!/^\d+$/.test(flags.jobs) || Number(flags.jobs) < 1) throw new UsageError(`--jobs must be a whole number ≥ 1, got "${flags.jobs}"`);
  if (flags.seed !== undefined && !/^\d+$/.test(flags.seed)) throw new UsageError(`--seed must be a whole number, got "${flags.seed}"`);
  if (!(LANGS as readonly string[]).includes(flags.lang)) throw new UsageError(`--lang must be fr, en or es, got "${flags.lang}"`);
  const parsed: Parsed = {
    seed: flags.seed !== undefined ? Number(flags.seed) : randomSeed(),
    timeScale,
    jobs: Number(flags.jobs),
    lang: flags.lang as Lang,
  };
  if (flags.shard !== undefined) {
    const shard = parseShard(flags.shard);
    if (!shard) throw new UsageError(`--shard must be <i>/<n> with 1 ≤ i ≤ n (e.g. 2/3), got "${flags.shard}"`);
    parsed.shard = shard;
  }
  if (flags.only !== undefined) {
    parsed.only = flags.only.split(',').map((s) => s.trim()).filter(Boolean);
    if (parsed.only.length === 0) throw new UsageError('--only needs at least one item id');
  }
  if (flags.json && flags.quiet) throw new UsageError('--json and --quiet cannot be used together');
  return parsed;
}

async function resolveChecklistArg(pos: PosProfile, arg: string | undefined, cwd: string): Promise<Checklist> {
  // Paths are relative to the CLI's working directory; names go to the shipped-checklist resolver.
  if (arg !== undefined && (existsSync(resolve(cwd, arg)) || /[\\/]|\.ya?ml$/i.test(arg))) return loadChecklist(resolve(cwd, arg));
  return resolveChecklist(pos, arg);
}

function runId(now: Date, seed: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}-${seed}`;
}

export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const parsed = parseFlags(flags);
  // Read before the run: a bad baseline must not cost a whole run.
  const baseline = flags.baseline !== undefined ? loadRunArgument(flags.baseline, io.cwd).result : undefined;
  const pos = flags.pos !== undefined ? loadPosProfile(resolve(io.cwd, flags.pos)) : referencePosProfile('express');
  const checklist = await resolveChecklistArg(pos, flags.checklist, io.cwd);
  if (parsed.only) {
    const unknown = unknownIds(checklist.items, parsed.only);
    if (unknown.length) {
      const hint = closest(unknown[0] as string, checklist.items.map((i) => i.id));
      throw new UsageError(`--only: no item ${unknown.join(', ')} in ${checklist.id}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  if (flags.tag.length && !checklist.items.some((i) => i.tags.some((t) => flags.tag.includes(t)))) {
    const tags = [...new Set(checklist.items.flatMap((i) => i.tags))];
    const hint = closest(flags.tag[0] as string, tags);
    throw new UsageError(`--tag: no item of ${checklist.id} has the tag ${flags.tag.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  if (pos.driver.type === 'manual' && flags.ci) {
    throw new UsageError('the manual driver prompts an operator, which --ci forbids; use the http or command driver in CI');
  }
  if (pos.driver.type === 'manual' && parsed.jobs > 1) {
    throw new UsageError('the manual driver has one operator: --jobs must be 1');
  }
  {
    // Pre-flight: an action a required item needs and the POS lacks stops the run here (exit 2), not minutes in.
    const selected = selectItems(checklist.items, { only: parsed.only, tags: flags.tag, shard: parsed.shard });
    const pre = preflightForRun(checklist, selected, pos, flags.ci === true, pos.file !== undefined ? readFileSync(pos.file, 'utf8') : undefined);
    if (pre.error) {
      io.stderr.write(`${pre.text}\n`);
      throw pre.error;
    }
    io.stderr.write(pre.warnings);
    if (!flags.json && !flags.quiet) io.stdout.write(pre.text);
  }
  const outDir = resolve(io.cwd, flags.out ?? join('cashlogy-reports', runId(new Date(), parsed.seed)));
  const mode = flags.json ? 'json' : flags.quiet ? 'quiet' : 'human';
  const color = io.stdout.isTTY === true && !('NO_COLOR' in io.env) && !flags.json;
  const progress = createProgress({ out: io.stdout, mode, color });

  const controller = new AbortController();
  let interruptedBy: string | undefined;
  void io.interrupted.then((signal) => {
    interruptedBy = signal;
    progress.note(`${signal}: stopping the POS and the simulator, then writing the report…`);
    controller.abort(new Error('interrupted'));
  });

  let console: OperatorConsole | undefined;
  if (!flags.ci) console = terminalConsole(io.stdin, flags.json ? io.stderr : io.stdout);

  const options: RunOptions = {
    checklist,
    pos,
    seed: parsed.seed,
    timeScale: parsed.timeScale,
    lang: parsed.lang,
    ci: flags.ci === true,
    jobs: parsed.jobs,
    profile: flags.profile,
    ...(parsed.shard ? { shard: parsed.shard } : {}),
    ...(parsed.only ? { only: parsed.only } : {}),
    ...(flags.tag.length ? { tags: flags.tag } : {}),
    ...(console ? { console } : {}),
    driverContext: {
      baseDir: pos.file ? dirname(pos.file) : io.cwd,
      env: io.env,
      ...(console ? { console } : {}),
    },
    onEvent: (e) => progress.onEvent(e),
    signal: controller.signal,
  };

  let result: RunResult;
  try {
    result = await runChecklist(options);
  } finally {
    progress.stop();
    console?.close();
  }

  const report = await writeReports(result, outDir, parsed.lang, pos, checklist, baseline ? diffRuns(baseline, result) : undefined);
  progress.finish(result, report);
  if (interruptedBy || result.interrupted) return EXIT_INTERRUPTED;
  if (result.verdict === 'fail') return 4;
  if (result.verdict === 'error') return 3;
  return 0;
}

interface BundleModule {
  writeBundle(result: RunResult, options: { outDir: string; lang: Lang; pos?: PosProfile; checklist?: Checklist; changes?: RunDiff }): Promise<string[]>;
}

/** result.json first (the master copy), then the full bundle; a bundle problem never loses result.json. */
export async function writeReports(
  result: RunResult,
  outDir: string,
  lang: Lang,
  pos: PosProfile,
  checklist: Checklist,
  changes?: RunDiff,
): Promise<{ dir: string; files: string[]; problems: string[] }> {
  const problems: string[] = [];
  const resultFile = join(outDir, 'result.json');
  try {
    writeFileAtomic(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    throw new CertError('RUNTIME', `cannot write ${resultFile}: ${(err as Error).message}`);
  }
  let files = [resultFile];
  try {
    const specifier = '../../reporters/bundle.js';
    const bundle = (await import(specifier)) as BundleModule;
    const written = await bundle.writeBundle(result, { outDir, lang, pos, checklist, ...(changes ? { changes } : {}) });
    files = [...new Set([resultFile, ...written])];
  } catch (err) {
    problems.push(`the report bundle could not be written (${(err as Error).message}); result.json is in ${outDir}`);
  }
  return { dir: outDir, files, problems };
}

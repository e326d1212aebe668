/**
 * What `cashlogy-cert run` does once its flags are parsed: check them, run the checklist, write
 * the reports and turn the verdict into the exit code; loaded only when it runs (run.ts
 * registers the command and its help).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Checklist, ChecklistItem } from '../../checklist/types.js';
import { LANGS, type Lang } from '../../i18n.js';
import { loadChecklist } from '../../checklist/load.js';
import { preflightForRun } from '../../checklist/preflight.js';
import { applicability, resolveChecklist } from '../../checklist/select.js';
import type { OperatorConsole } from '../../drivers/driver.js';
import { terminalConsole } from '../../drivers/terminal-console.js';
import { CertError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import { closest } from '../../format/issues.js';
import { loadPosProfile, referencePosProfile } from '../../pos/profile.js';
import type { IntegrationType, PosProfile } from '../../pos/types.js';
import { diffRuns, type RunDiff } from '../../runner/diff.js';
import type { RunResult } from '../../runner/result.js';
import { randomSeed, runChecklist, type RunOptions } from '../../runner/run.js';
import { notRunAfterFailures } from '../../runner/scheduler.js';
import { parseShard, selectItems, unknownIds } from '../../runner/selection.js';
import { connectorApplicability, operatorNeed } from '../../runner/connector.js';
import { parseUpstream } from '../../proxy/upstream.js';
import { answersConsole, loadAnswers } from '../answers.js';
import { consoleText } from '../console-text.js';
import { exitCodeForRun } from '../exit-codes.js';
import { loadRunArgument } from '../inputs.js';
import { inCi, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { checkBundleOut, checkOutDir, preloadBundleWriter, writeBundle } from '../write-bundle.js';
import { langFromEnv, type RunFlags } from './run.js';

interface Parsed {
  seed: number;
  timeScale: number;
  jobs: number;
  lang: Lang;
  shard?: { index: number; count: number };
  only?: string[];
  maxFailures?: number;
}

function parseFlags(flags: RunFlags, env: NodeJS.ProcessEnv): Parsed {
  const timeScale = Number(flags.timeScale);
  if (flags.timeScale.trim() === '' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`--time-scale must be a number greater than 0 (e.g. 0.02), got "${flags.timeScale}"`);
  }
  if (!/^\d+$/.test(flags.jobs) || Number(flags.jobs) < 1) throw new UsageError(`--jobs must be a whole number ≥ 1, got "${flags.jobs}"`);
  if (flags.seed !== undefined && !/^\d+$/.test(flags.seed)) throw new UsageError(`--seed must be a whole number, got "${flags.seed}"`);
  if (flags.lang !== undefined && !(LANGS as readonly string[]).includes(flags.lang)) throw new UsageError(`--lang must be fr, en or es, got "${flags.lang}"`);
  const parsed: Parsed = {
    seed: flags.seed !== undefined ? Number(flags.seed) : randomSeed(),
    timeScale,
    jobs: Number(flags.jobs),
    lang: flags.lang !== undefined ? (flags.lang as Lang) : langFromEnv(env),
  };
  if (flags.maxFailures !== undefined) {
    if (flags.x) throw new UsageError('-x is --max-failures 1: give one or the other');
    if (!/^\d+$/.test(flags.maxFailures.trim()) || Number(flags.maxFailures) < 1) {
      throw new UsageError(`--max-failures must be a whole number ≥ 1, got "${flags.maxFailures}"`);
    }
    parsed.maxFailures = Number(flags.maxFailures);
  } else if (flags.x) {
    parsed.maxFailures = 1;
  }
  if (flags.lastFailed && flags.only !== undefined) throw new UsageError('--last-failed picks the items itself: drop --only, or drop --last-failed');
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

async function withChecklist(pos: PosProfile, arg: string | undefined, cwd: string): Promise<{ pos: PosProfile; checklist: Checklist }> {
  return { pos, checklist: await resolveChecklistArg(pos, arg, cwd) };
}

/**
 * Without --pos, the bundled reference POS in the integration the chosen checklist is written
 * for (`--checklist chapter7-complete` runs it as a complete POS); Express when the checklist
 * is for Express, or for any integration, and without --checklist.
 */
async function referenceFor(arg: string | undefined, cwd: string): Promise<{ pos: PosProfile; checklist: Checklist }> {
  const express = await withChecklist(referencePosProfile('express'), arg, cwd);
  const written = express.checklist.integrations;
  const integration = written.length === 0 || written.includes('express') ? 'express' : (written[0] as IntegrationType);
  if (integration === 'express') return express;
  const pos = referencePosProfile(integration);
  // Only the mixed composition depends on the POS (its features pick the complete items).
  return integration === 'mixed' ? withChecklist(pos, arg, cwd) : { pos, checklist: express.checklist };
}

function runId(now: Date, seed: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}-${seed}`;
}

export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const parsed = parseFlags(flags, io.env);
  const say = consoleText(parsed.lang);
  const outDir = resolve(io.cwd, flags.out ?? join('cashlogy-reports', runId(new Date(), parsed.seed)));
  // Read before the run: a bad baseline must not cost a whole run.
  const baseline = flags.baseline !== undefined ? loadRunArgument(flags.baseline, io.cwd).result : undefined;
  const { pos, checklist } = flags.pos !== undefined ? await withChecklist(loadPosProfile(resolve(io.cwd, flags.pos)), flags.checklist, io.cwd) : await referenceFor(flags.checklist, io.cwd);
  // Progress and notes before the run go where the run's progress goes (stderr with --json keeps stdout JSON).
  const notes = flags.json ? io.stderr : io.stdout;
  if (flags.lastFailed) {
    const last = lastFailedItems(dirname(outDir), outDir, io.cwd);
    const known = new Set(checklist.items.map((i) => i.id));
    const ids = last.ids.filter((id) => known.has(id));
    const file = relative(io.cwd, last.file) || last.file;
    notes.write(`${say.own('lastFailed', { count: ids.length, items: say.noun(ids.length, 'item'), file })}\n`);
    if (ids.length < last.ids.length) {
      io.stderr.write(`warning: --last-failed: ${last.ids.filter((id) => !known.has(id)).join(', ')} not in ${checklist.id}, left out\n`);
    }
    if (ids.length === 0) return 0;
    parsed.only = ids;
  }
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
  if (flags.list) {
    listItems(checklist, pos, selectItems(checklist.items, { only: parsed.only, tags: flags.tag, shard: parsed.shard }), parsed.lang, !!flags.json, io);
    return 0;
  }
  if (pos.driver.type === 'manual' && flags.ci) {
    throw new UsageError('the manual driver prompts an operator, which --ci forbids; use the http or command driver in CI');
  }
  if (pos.driver.type === 'manual' && parsed.jobs > 1) {
    throw new UsageError('the manual driver has one operator: --jobs must be 1');
  }
  const connector = flags.connector !== undefined ? parseUpstream(flags.connector, '--connector') : undefined;
  if (flags.answers !== undefined && flags.ci) throw new UsageError('--answers answers operator prompts, which --ci forbids: drop one of them');
  const answers = flags.answers !== undefined ? loadAnswers(resolve(io.cwd, flags.answers)) : undefined;
  if (connector !== undefined) {
    if (parsed.jobs > 1) throw new UsageError(`--connector drives one real machine: --jobs must be 1, got ${parsed.jobs}`);
    if (flags.ci) {
      // A person must act at a real machine: refuse now, naming the items, rather than skip them one by one.
      const base = connectorApplicability(applicability);
      const prompting = selectItems(checklist.items, { only: parsed.only, tags: flags.tag, shard: parsed.shard })
        .filter((item) => base(item, pos).applicable)
        .flatMap((item) => {
          const why = operatorNeed(item);
          return why === undefined ? [] : [`${item.id} (${why})`];
        });
      if (prompting.length > 0) {
        throw new UsageError(`--ci never prompts, and on a real connector these items need a person at the machine: ${prompting.join(', ')}; run without --ci (or with --answers), or select other items with --only or --tag`);
      }
    }
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
    // An open pipe that never answers would hold each question until its item's timeout.
    const asking = pos.driver.type === 'manual' ? 'the manual driver asks the operator for every action' : pre.preflight.operatorItems.length > 0 ? `${pre.preflight.operatorItems.map((i) => i.id).join(', ')} ask an operator` : undefined;
    if (asking !== undefined && !flags.ci && answers === undefined && io.stdin.isTTY !== true && inCi(io.env)) {
      io.stderr.write(`warning: CI is set and stdin is not a terminal, but --ci is not given: ${asking}, and each question waits for an answer on stdin up to its item's timeout; add --ci to skip them, or --answers <file> to answer them\n`);
    }
  }
  // Before the run, not after it: a folder the reports cannot go to must not cost a whole run.
  checkOutDir(outDir);
  checkBundleOut(outDir, flags.force === true);
  const mode = flags.json ? 'json' : flags.quiet ? 'quiet' : 'human';
  const color = io.stdout.isTTY === true && !('NO_COLOR' in io.env) && !flags.json;
  const progress = createProgress({ out: io.stdout, mode, color, lang: parsed.lang });

  const controller = new AbortController();
  let interruptedBy: string | undefined;
  void io.interrupted.then((signal) => {
    interruptedBy = signal;
    progress.note(`${signal}: stopping the POS and the simulator, then writing the report…`);
    controller.abort(new Error('interrupted'));
  });

  let console: OperatorConsole | undefined;
  if (answers !== undefined) console = answersConsole(answers, flags.answers as string, flags.json ? io.stderr : io.stdout);
  else if (!flags.ci) console = terminalConsole(io.stdin, flags.json ? io.stderr : io.stdout);

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
    ...(parsed.maxFailures !== undefined ? { maxFailures: parsed.maxFailures } : {}),
    ...(console ? { console } : {}),
    ...(connector ? { connector } : {}),
    driverContext: {
      baseDir: pos.file ? dirname(pos.file) : io.cwd,
      env: io.env,
      ...(console ? { console } : {}),
    },
    onEvent: (e) => {
      // The reports' modules load while the first items wait on the machine and the POS, not
      // before the run, where they would hold up the POS's start.
      if (e.event === 'lane:ready') preloadBundleWriter({ lang: parsed.lang, profile: flags.profile });
      progress.onEvent(e);
    },
    signal: controller.signal,
  };

  let result: RunResult;
  try {
    result = await runChecklist(options);
  } finally {
    progress.stop();
    console?.close();
  }

  const report = await writeReports(result, outDir, parsed.lang, pos, checklist, baseline ? diffRuns(baseline, result) : undefined, flags.force === true);
  if (parsed.maxFailures !== undefined && !result.interrupted) {
    const stopped = notRunAfterFailures(parsed.maxFailures);
    if (result.items.some((i) => i.reason === stopped)) {
      progress.note(say.own('maxFailures', { count: parsed.maxFailures, failed: say.noun(parsed.maxFailures, 'failedRequired'), limit: parsed.maxFailures }));
    }
  }
  progress.finish(result, report);
  return exitCodeForRun(result.verdict, interruptedBy !== undefined || result.interrupted === true);
}

/** result.json first (the master copy), then the full bundle; a bundle problem never loses result.json. */
export async function writeReports(
  result: RunResult,
  outDir: string,
  lang: Lang,
  pos: PosProfile,
  checklist: Checklist,
  changes?: RunDiff,
  force = false,
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
    const written = await writeBundle(result, { outDir, lang, pos, checklist, force, ...(changes ? { changes } : {}) });
    files = [...new Set([resultFile, ...written])];
  } catch (err) {
    problems.push(`the report bundle could not be written (${(err as Error).message}); result.json is in ${outDir}`);
  }
  return { dir: outDir, files, problems };
}

/**
 * `--last-failed`: the ids that failed or errored in the newest result (by `finishedAt`) among
 * `<folder>/<run>/result.json`, the runs next to this one. `exclude` is this run's own folder.
 */
export function lastFailedItems(folder: string, exclude: string, cwd: string): { file: string; ids: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(folder);
  } catch {
    names = [];
  }
  let newest: { file: string; finishedAt: number; ids: string[] } | undefined;
  for (const name of names) {
    const file = join(folder, name, 'result.json');
    if (resolve(folder, name) === exclude || !existsSync(file)) continue;
    let parsed: Partial<RunResult>;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunResult>;
    } catch {
      continue;
    }
    const finishedAt = Date.parse(String(parsed.finishedAt));
    if (!Number.isFinite(finishedAt) || !Array.isArray(parsed.items)) continue;
    if (newest === undefined || finishedAt > newest.finishedAt) {
      const ids = parsed.items.filter((i) => i.verdict === 'fail' || i.verdict === 'error').map((i) => i.id);
      newest = { file, finishedAt, ids };
    }
  }
  if (newest === undefined) {
    const shown = relative(cwd, folder) || '.';
    throw new UsageError(`--last-failed: no earlier run in ${shown} (no ${join(shown, '*', 'result.json')}); run once without it, or point --out into the folder that holds the earlier runs`);
  }
  return { file: newest.file, ids: newest.ids };
}

/** `--list`: what the selection would run, in run order, with level, tags and applicability. */
function listItems(checklist: Checklist, pos: PosProfile, selected: ChecklistItem[], lang: Lang, json: boolean, io: CliIo): void {
  const say = consoleText(lang);
  const rows = selected.map((item) => {
    const a = applicability(item, pos);
    return { id: item.id, level: item.level, tags: item.tags, title: item.title[lang], ...(a.applicable ? {} : { notApplicable: a.reason ?? 'does not apply to this POS' }) };
  });
  if (json) {
    io.stdout.write(`${JSON.stringify({ event: 'list', checklist: `${checklist.id} ${checklist.version}`, items: rows })}\n`);
    return;
  }
  const lines = [say.own('list', { count: rows.length, items: say.noun(rows.length, 'item'), checklist: `${checklist.id} ${checklist.version}`, pos: `${pos.name} ${pos.version}` })];
  const level = (l: string) => say.report(`level.${l}`);
  for (const r of rows) {
    const na = r.notApplicable !== undefined ? `  (${say.verdict('not-applicable')}: ${r.notApplicable})` : '';
    lines.push(`  ${r.id.padEnd(8)} ${level(r.level).padEnd(12)} ${(r.tags.length ? r.tags.join(',') : '-').padEnd(24)} ${r.title}${na}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}

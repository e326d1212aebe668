/**
 * What `cashlogy-cert merge` does once its arguments are parsed; loaded only when it runs
 * (merge.ts registers the command and its help).
 */
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { loadChecklist } from '../../checklist/load.js';
import { MIXED_CHECKLIST_ID, SHIPPED_CHECKLISTS, mixedChecklist, resolveChecklist } from '../../checklist/select.js';
import type { Checklist } from '../../checklist/types.js';
import { UsageError } from '../../errors.js';
import { loadPosProfile } from '../../pos/profile.js';
import type { PosProfile } from '../../pos/types.js';
import { incompleteLine } from '../../runner/coverage.js';
import { mergeResults, type MergePart } from '../../runner/merge.js';
import type { RunResult } from '../../runner/result.js';
import { PACKAGE_ROOT } from '../../version.js';
import { exitCodeForRun } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { checkBundleOut, checkOutDir, writeBundle } from '../write-bundle.js';
import { loadRunArgument, parseLang } from '../inputs.js';
import type { MergeFlags } from './merge.js';

/**
 * The checklist the parts ran, when it can be found with the same sha256: --checklist, else the
 * file the result names (relative to the working directory or the package), else the shipped
 * checklist of that id. Undefined when none matches.
 */
async function findChecklist(result: RunResult, arg: string | undefined, cwd: string): Promise<Checklist | undefined> {
  const pos = { ...result.pos, features: result.pos.features ?? [] } as unknown as PosProfile;
  if (arg !== undefined) {
    const path = resolve(cwd, arg);
    return existsSync(path) || /[\\/]|\.ya?ml$/i.test(arg) ? loadChecklist(path) : resolveChecklist(pos, arg);
  }
  const candidates: (() => Checklist)[] = [];
  const file = result.checklist.file;
  if (file) {
    // A shipped checklist is recorded as "<cashlogy-cert>/checklists/…" (src/runner/portable-paths.ts).
    const shipped = /^<cashlogy-cert>\//.exec(file);
    for (const path of shipped ? [resolve(PACKAGE_ROOT, file.slice(shipped[0].length))] : [resolve(cwd, file), resolve(PACKAGE_ROOT, file)]) {
      candidates.push(() => loadChecklist(path));
    }
  }
  const id = result.checklist.id;
  if (id === MIXED_CHECKLIST_ID) candidates.push(() => mixedChecklist(pos));
  else if (Object.hasOwn(SHIPPED_CHECKLISTS, id)) candidates.push(() => loadChecklist(SHIPPED_CHECKLISTS[id as keyof typeof SHIPPED_CHECKLISTS]));
  for (const candidate of candidates) {
    try {
      const checklist = candidate();
      if (checklist.sha256 === result.checklist.sha256) return checklist;
    } catch {
      // Not there or not loadable: try the next place.
    }
  }
  return undefined;
}

export async function mergeCommand(args: string[], flags: MergeFlags, io: CliIo): Promise<number> {
  if (flags.out === undefined) throw new UsageError('merge needs --out <dir>: the folder for the merged result and bundle');
  const outDir = resolve(io.cwd, flags.out);
  checkOutDir(outDir);
  checkBundleOut(outDir, flags.force === true);
  const loaded = args.map((arg) => loadRunArgument(arg, io.cwd));
  for (const part of loaded) {
    if (part.folder !== undefined && resolve(part.folder) === outDir) {
      throw new UsageError(`--out ${flags.out} is the folder of the part ${part.file}: write the merged run to a folder of its own`);
    }
  }
  const first = loaded[0];
  if (first === undefined) throw new UsageError('merge needs at least one result.json or bundle');
  const lang = parseLang(flags.lang, first.result.lang);
  const parts: MergePart[] = loaded.map(({ file, result }) => ({ file, result }));
  const checklist = await findChecklist(first.result, flags.checklist, io.cwd);
  const pos = flags.pos === undefined ? undefined : loadPosProfile(resolve(io.cwd, flags.pos));
  const outcome = mergeResults(parts, { lang, ...(checklist ? { checklist } : {}) });
  const written = await writeBundle(outcome.result, { outDir, lang, force: flags.force === true, ...(pos ? { pos } : {}), ...(checklist ? { checklist } : {}) });

  const result = outcome.result;
  const shards = result.selection?.merged ?? [];
  const incomplete = incompleteLine(outcome.coverage);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({
        out: relative(io.cwd, outDir) || '.',
        verdict: result.verdict,
        complete: result.complete === true,
        merged: shards,
        missingShards: outcome.missingShards,
        summary: result.summary,
        files: written.length,
      })}\n`,
    );
  } else {
    const s = result.summary;
    io.stdout.write(
      `merged ${parts.length} part${parts.length === 1 ? '' : 's'}${shards.length ? ` (shards ${shards.join(', ')})` : ''}: ${s.total} items, ${s.pass} pass, ${s.fail} fail, ${s.error} error · verdict ${result.verdict}\n`,
    );
    io.stdout.write(`wrote ${written.length} files to ${outDir} (bundle ${basename(outDir)})\n`);
  }
  if (!checklist) {
    io.stderr.write(
      `note: the checklist ${result.checklist.id} with sha256 ${result.checklist.sha256} was not found: items are ordered by id and coverage is judged from what the parts recorded (pass --checklist <file>)\n`,
    );
  }
  if (outcome.missingShards.length > 0) io.stderr.write(`missing shard${outcome.missingShards.length > 1 ? 's' : ''}: ${outcome.missingShards.join(', ')}\n`);
  if (incomplete) io.stderr.write(`${incomplete}\n`);
  return exitCodeForRun(result.verdict, false);
}

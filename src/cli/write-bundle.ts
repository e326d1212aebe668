/**
 * Writes a submission bundle (src/bundle/plan.ts) into a folder: the only place a bundle
 * touches the disk or asks the OS what machine it runs on.
 */
import { lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { arch, homedir, platform, release, type } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { Checklist } from '../checklist/types.js';
import { formatWrittenRecord, MANIFEST_FILE, parseWrittenRecord, WRITTEN_RECORD } from '../bundle/manifest.js';
import { sha256 } from '../hash.js';
import type { HostFacts } from '../bundle/plan.js';
import { UsageError } from '../errors.js';
import { safeFileName } from '../format/file-names.js';
import { regularFileInside, sha256OfFile, writeFileInside } from '../fs-atomic.js';
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import type { RunDiff } from '../runner/diff.js';
import { processRoots } from '../runner/portable-paths.js';
import type { RunResult } from '../runner/result.js';

export interface BundleOptions {
  outDir: string;
  lang: Lang;
  pos?: PosProfile;
  checklist?: Checklist;
  /** What changed since a baseline run (`--baseline`), for the HTML report. */
  changes?: RunDiff;
  /** Write even when the folder holds a bundle this tool cannot vouch for (`--force`). */
  force?: boolean;
}

// The plan brings the reporters, the templates and the zip writer: a fifth of the modules a run
// loads, needed only at its end. Loaded on first use, or ahead while a run waits for its POS.
let planModule: Promise<typeof import('../bundle/plan.js')> | undefined;
function bundlePlan(): Promise<typeof import('../bundle/plan.js')> {
  planModule ??= import('../bundle/plan.js');
  return planModule;
}

/**
 * Starts loading what writeBundle needs, while the caller waits on something else; a failure
 * surfaces in writeBundle. With the run's language and machine profile it also makes the
 * reports' money and date formats: the first currency format loads ICU's currency data, about
 * 10 ms that would otherwise fall between the run's end and its reports.
 */
export function preloadBundleWriter(formats?: { lang: Lang; profile?: string }): void {
  bundlePlan()
    .then(async () => {
      if (formats === undefined) return;
      const { currencyOfProfile, formattersFor } = await import('../reporters/i18n.js');
      const f = formattersFor(formats.lang, currencyOfProfile(formats.profile));
      f.amount(0);
      f.dateTime(new Date(0).toISOString());
    })
    .catch(() => undefined);
}

/**
 * Writes the bundle into `outDir` and returns the absolute paths written (manifest and zip
 * last). Every file is written atomically and never through a symbolic link; item ids and POS
 * names only reach file names through safeFileName.
 *
 * What an earlier bundle left and this one does not write is removed only when the writer's
 * own record (WRITTEN_RECORD) lists it with the sha256 it still has, and it is a regular file
 * inside the folder: a manifest found in the folder is never trusted for that. A folder that
 * holds a manifest.json the record does not vouch for holds someone else's bundle: refused
 * (UsageError) unless `force`, and then its files are left alone (`verify` will name them).
 */
export async function writeBundle(result: RunResult, options: BundleOptions): Promise<string[]> {
  const outDir = resolve(options.outDir);
  checkBundleOut(outDir, options.force === true);
  const { planBundle } = await bundlePlan();
  mkdirSync(outDir, { recursive: true });
  const plan = planBundle(result, {
    name: safeFileName(basename(outDir)),
    lang: options.lang,
    ...(options.pos ? { pos: options.pos } : {}),
    ...(options.checklist ? { checklist: options.checklist } : {}),
    ...(options.changes ? { changes: options.changes } : {}),
    host: hostFacts(options.pos),
  });
  const all = [...plan.files, plan.manifestFile, plan.zipFile];
  const fresh = all.map((f) => ({ path: f.path, sha256: sha256(f.bytes) }));
  const earlier = stillIntact(outDir, readRecord(outDir));
  // Until every file is in place, the record vouches for both versions: an interrupted write
  // leaves a folder the next run still recognises as its own.
  writeFileInside(outDir, WRITTEN_RECORD, formatWrittenRecord([...earlier, ...fresh]));
  const keep = new Set(all.map((f) => f.path));
  for (const file of earlier) {
    if (!keep.has(file.path)) rmSync(resolve(outDir, file.path), { force: true });
  }
  const written: string[] = [];
  for (const file of all) written.push(writeFileInside(outDir, file.path, file.bytes));
  writeFileInside(outDir, WRITTEN_RECORD, formatWrittenRecord(fresh));
  return written;
}

/**
 * Throws a UsageError when `outDir` holds a bundle this tool did not write there: a
 * manifest.json that is not a regular file, or whose bytes the writer's record does not list.
 * `force` accepts such a folder. Called by the commands before a run, so a run never ends
 * with a bundle it cannot write.
 */
export function checkBundleOut(outDir: string, force: boolean): void {
  const dir = resolve(outDir);
  if (force || !exists(resolve(dir, MANIFEST_FILE))) return;
  const manifest = regularFileInside(dir, MANIFEST_FILE);
  const vouched = readRecord(dir).get(MANIFEST_FILE);
  if (manifest !== undefined && vouched?.has(sha256OfFile(manifest))) return;
  throw new UsageError(
    `${dir} holds a bundle this tool did not write there (its ${MANIFEST_FILE} is not in ${WRITTEN_RECORD}, or was changed since): ` +
      'choose an empty --out, or pass --force to write over it (files of the other bundle are then left alone, and verify lists them as extra)',
  );
}

/**
 * A usage problem with a folder given as `--out` (or the default one): an existing file, a
 * filesystem root, or the home directory itself. Reports and bundles get a folder of their own.
 */
export function checkOutDir(outDir: string, flag = '--out'): void {
  const dir = resolve(outDir);
  // The nearest part of the path that exists must be a folder: "--out report.json/x" cannot be made either.
  for (let at = dir; ; at = dirname(at)) {
    const stats = statOrUndefined(at);
    if (stats !== undefined) {
      if (!stats.isDirectory()) {
        const what = at === dir ? `${flag} ${outDir} is a file` : `${flag} ${outDir} is inside ${at}, which is a file`;
        throw new UsageError(`${what}, not a folder: give a folder for the reports (it is created if needed)`);
      }
      break;
    }
    if (dirname(at) === at) break;
  }
  const real = resolveReal(dir);
  if (dirname(real) === real) throw new UsageError(`${flag} ${outDir} is the root of a filesystem: give a folder of its own for the reports`);
  if (real === resolveReal(homedir())) throw new UsageError(`${flag} ${outDir} is your home directory itself: give a folder of its own for the reports`);
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function resolveReal(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What the writer's record in `outDir` vouches for; empty when there is none or it is not ours. */
function readRecord(outDir: string): Map<string, Set<string>> {
  const path = regularFileInside(outDir, WRITTEN_RECORD);
  if (path === undefined || statSync(path).size > MAX_RECORD_BYTES) return new Map();
  return parseWrittenRecord(readFileSync(path, 'utf8'));
}

/** A bundle has a few dozen files; anything far bigger is not a record this tool wrote. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** The recorded files that are still exactly as written: regular files inside outDir with a vouched sha256. */
function stillIntact(outDir: string, vouched: ReadonlyMap<string, ReadonlySet<string>>): { path: string; sha256: string }[] {
  const intact: { path: string; sha256: string }[] = [];
  for (const [path, shas] of vouched) {
    if (path === WRITTEN_RECORD) continue;
    const file = regularFileInside(outDir, path);
    if (file === undefined) continue;
    const actual = sha256OfFile(file);
    if (shas.has(actual)) intact.push({ path, sha256: actual });
  }
  return intact;
}

function hostFacts(pos: PosProfile | undefined): HostFacts {
  return {
    node: process.version,
    os: { platform: platform(), type: type(), release: release(), arch: arch() },
    roots: processRoots(),
    posFileSha256: pos?.file !== undefined ? fileSha256(pos.file) : null,
  };
}

/** sha256 of a file's bytes; null when it cannot be read any more (the bundle must still be written). */
function fileSha256(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/**
 * Checks a submission bundle against its manifest: every file listed must exist with the
 * same sha256, and nothing else may be there. Works on the bundle folder (and then also on
 * the zip inside it) or on the zip alone. Never extracts anything, and memory stays bounded
 * whatever the input: files and zip entries are hashed as they stream by, and a zip is judged
 * by its central directory before anything is inflated (zip-reader.ts: an entry above 64 MiB,
 * 256 MiB in all, or inflating more than 100:1 past 1 MiB is refused, not inflated).
 *
 * This proves integrity (nothing was changed by accident or after the fact without
 * re-signing), not authenticity: anyone can regenerate a manifest. Quote the zip's sha256
 * in the support ticket when authenticity matters.
 *
 * It also reads the bundle's result.json and says whether the run is a submission (complete,
 * no required failure, verdict not error); `verify --submission` requires that too.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join, relative, resolve, sep } from 'node:path';
import { CertError } from '../errors.js';
import { readFileInChunks } from '../fs-atomic.js';
import { parseResult } from '../reporters/load-result.js';
import { coverageOfResult, incompleteLine, submissionProblems } from '../runner/coverage.js';
import { isSafeRelative, MANIFEST_FILE, WRITTEN_RECORD, type ManifestEntry } from './manifest.js';
import { mib, ZIP_LIMITS, ZipFile, ZipRefused, type ZipEntry } from './zip-reader.js';

export type VerifyProblemKind = 'modified' | 'missing' | 'extra';

export interface VerifyProblem {
  /** Path relative to the bundle; inside the zip as "<zip name>:<path>" when checking a folder's zip. */
  file: string;
  problem: VerifyProblemKind;
  /** Why, when it is not obvious ("sha256 differs", "manifest.json is not valid JSON"). */
  detail?: string;
}

export interface VerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
  /** Files the manifest lists. */
  files: number;
  /** sha256 of the zip that was checked (the zip given, or the one inside the folder). */
  zipSha256?: string;
  /** What the bundle's result.json says about the run: is it a certification submission? */
  submission: SubmissionStatus;
}

export interface SubmissionStatus {
  /** True when the run is complete, no required item failed and the verdict is not error. */
  ok: boolean;
  /** False when result.json is missing, unreadable, or records an incomplete run. */
  complete: boolean;
  /** "INCOMPLETE: 1 of 22 required items ran (…) — not a submission", when incomplete. */
  incomplete?: string;
  /** Why it is not a submission, one sentence each (English). */
  problems: string[];
}

/** What verify needs of a manifest entry (the size is informative only). */
type ManifestFile = Pick<ManifestEntry, 'path' | 'sha256'>;

/** Verifies a bundle folder or a bundle zip. Throws (exit 1) only when the path does not exist. */
export function verifyBundle(path: string): VerifyResult {
  const target = resolve(path);
  if (!existsSync(target)) {
    throw new CertError('FILE_NOT_FOUND', `no bundle at ${path}: give the bundle folder (the run's --out) or its .zip`);
  }
  const { result, resultJson } = statSync(target).isDirectory() ? verifyFolder(target) : verifyZip(target, basename(target), '');
  return { ...result, submission: submissionStatus(resultJson) };
}

/** Judges the bundle's result.json as a submission (pure; `bytes` undefined when it is absent). */
export function submissionStatus(bytes: Uint8Array | undefined): SubmissionStatus {
  if (bytes === undefined) return { ok: false, complete: false, problems: ['the bundle has no result.json'] };
  let result;
  try {
    result = parseResult(Buffer.from(bytes).toString('utf8'), 'result.json');
  } catch (err) {
    return { ok: false, complete: false, problems: [`result.json cannot be read: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const coverage = coverageOfResult(result);
  const incomplete = incompleteLine(coverage) ?? (coverage.complete ? undefined : 'INCOMPLETE: the result does not record that every required item ran — not a submission');
  const problems = submissionProblems(result).map((p) => p.text);
  return { ok: problems.length === 0, complete: coverage.complete, ...(incomplete ? { incomplete } : {}), problems };
}

type Checked = { result: Omit<VerifyResult, 'submission'>; resultJson: Uint8Array | undefined };

/** A file of the bundle as verify sees it: its sha256 (streamed), or why it has none. */
type Hashed = { sha256: string } | { detail: string };

/** One file of a folder or one entry of a zip: hashed on demand, read whole only when small. */
interface Present {
  hash(): Hashed;
  /** The bytes, for manifest.json and result.json; or why they cannot be read (not a file, above `limit`, a broken entry). */
  bytes(limit: number): Uint8Array | string;
}

/** manifest.json and result.json are read whole: a bundle's are far below these. */
const MANIFEST_LIMIT = 16 * 1024 * 1024;
const RESULT_LIMIT = ZIP_LIMITS.maxEntryBytes;

function parseManifest(bytes: Uint8Array | string | undefined, label: string): { files: ManifestFile[]; zip?: string } | VerifyProblem {
  if (bytes === undefined) return { file: label, problem: 'missing' };
  if (typeof bytes === 'string') return { file: label, problem: 'modified', detail: bytes };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { file: label, problem: 'modified', detail: 'not valid JSON' };
  }
  const raw = (value as { files?: unknown; zip?: unknown } | null)?.files;
  if (!Array.isArray(raw)) return { file: label, problem: 'modified', detail: 'no "files" list' };
  const files: ManifestFile[] = [];
  for (const entry of raw) {
    const e = entry as { path?: unknown; sha256?: unknown } | null;
    if (typeof e?.path !== 'string' || typeof e.sha256 !== 'string' || !isSafeRelative(e.path)) {
      return { file: label, problem: 'modified', detail: `bad entry ${JSON.stringify(entry)}` };
    }
    files.push({ path: e.path, sha256: e.sha256.toLowerCase() });
  }
  const zip = (value as { zip?: unknown }).zip;
  return typeof zip === 'string' && isSafeRelative(zip) && !zip.includes('/') ? { files, zip } : { files };
}

function compare(manifest: { files: ManifestFile[] }, present: ReadonlyMap<string, Present>, ignore: ReadonlySet<string>, prefix: string): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const file = present.get(entry.path);
    if (!file) {
      problems.push({ file: prefix + entry.path, problem: 'missing' });
      continue;
    }
    const hashed = file.hash();
    if ('detail' in hashed) problems.push({ file: prefix + entry.path, problem: 'modified', detail: hashed.detail });
    else if (hashed.sha256 !== entry.sha256) problems.push({ file: prefix + entry.path, problem: 'modified', detail: 'sha256 differs' });
  }
  for (const path of [...present.keys()].sort()) {
    if (!listed.has(path) && !ignore.has(path)) problems.push({ file: prefix + path, problem: 'extra' });
  }
  return problems;
}

/** A file in a bundle folder; anything but a regular file (a link, a device) has no sha256. */
/** Bytes that could be read; an unreadable result.json counts as absent (submissionStatus says so). */
function asBytes(read: Uint8Array | string | undefined): Uint8Array | undefined {
  return typeof read === 'string' ? undefined : read;
}

function folderFile(full: string): Present {
  return {
    hash: () => (lstatSync(full).isFile() ? { sha256: hashFile(full) } : { detail: 'not a regular file' }),
    bytes: (limit) => {
      const stats = lstatSync(full);
      if (!stats.isFile()) return 'not a regular file';
      if (stats.size > limit) return `larger than ${mib(limit)}, the most verify reads`;
      const chunks: Buffer[] = [];
      readFileInChunks(full, (chunk) => chunks.push(Buffer.from(chunk)));
      return Buffer.concat(chunks);
    },
  };
}

function hashFile(path: string): string {
  const hash = createHash('sha256');
  readFileInChunks(path, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

function verifyFolder(dir: string): Checked {
  const present = new Map<string, Present>();
  for (const path of walk(dir)) present.set(path, folderFile(join(dir, ...path.split('/'))));
  const manifestBytes = present.get(MANIFEST_FILE)?.bytes(MANIFEST_LIMIT);
  const manifest = parseManifest(manifestBytes, MANIFEST_FILE);
  const resultJson = asBytes(present.get('result.json')?.bytes(RESULT_LIMIT));
  if ('problem' in manifest) return { result: { ok: false, problems: [manifest], files: 0 }, resultJson };
  // The writer's record of what it wrote there is bookkeeping, not part of the bundle.
  const ignore = new Set([MANIFEST_FILE, WRITTEN_RECORD, ...(manifest.zip ? [manifest.zip] : [])]);
  const problems = compare(manifest, present, ignore, '');
  let zipSha256: string | undefined;
  if (manifest.zip) {
    const zipPath = join(dir, manifest.zip);
    if (!present.has(manifest.zip)) {
      problems.push({ file: manifest.zip, problem: 'missing' });
    } else if (!lstatSync(zipPath).isFile()) {
      problems.push({ file: manifest.zip, problem: 'modified', detail: 'not a regular file' });
    } else {
      const inner = verifyZip(zipPath, manifest.zip, `${manifest.zip}:`, asBytes(manifestBytes)).result;
      problems.push(...inner.problems);
      zipSha256 = inner.zipSha256;
    }
  }
  return { result: { ok: problems.length === 0, problems, files: manifest.files.length, ...(zipSha256 ? { zipSha256 } : {}) }, resultJson };
}

/** Every file and symlink under dir, as "/"-separated relative paths. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    const parent = entry.parentPath ?? (entry as unknown as { path: string }).path;
    out.push(relative(dir, join(parent, entry.name)).split(sep).join('/'));
  }
  return out;
}

/**
 * A bundle zip: entries under one top folder (how writeBundle stores them) or at the root.
 * `folderManifest`, when checking the zip inside a folder, must be the same manifest.
 */
function verifyZip(path: string, label: string, prefix: string, folderManifest?: Uint8Array): Checked {
  const zipSha256 = hashFile(path);
  const refused = (detail: string): Checked => ({ result: { ok: false, problems: [{ file: label, problem: 'modified', detail }], files: 0, zipSha256 }, resultJson: undefined });
  let zip: ZipFile;
  try {
    zip = new ZipFile(path);
  } catch (err) {
    return refused(`cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    let entries: ZipEntry[];
    try {
      entries = zip.entries();
    } catch (err) {
      if (err instanceof ZipRefused) return refused(err.message);
      throw err;
    }
    const files = entries.filter((e) => !e.name.endsWith('/'));
    const names = files.map((e) => e.name);
    const top = names[0]?.split('/')[0];
    const nested = top !== undefined && names.every((name) => name.startsWith(`${top}/`)) && names.includes(`${top}/${MANIFEST_FILE}`);
    const present = new Map<string, Present>();
    for (const entry of files) {
      const name = nested ? entry.name.slice((top as string).length + 1) : entry.name;
      if (present.has(name)) return refused(`the entry ${JSON.stringify(entry.name)} is in the zip twice`);
      present.set(name, zipEntry(zip, entry));
    }
    const manifestBytes = present.get(MANIFEST_FILE)?.bytes(MANIFEST_LIMIT);
    const manifest = parseManifest(manifestBytes, prefix + MANIFEST_FILE);
    const resultJson = asBytes(present.get('result.json')?.bytes(RESULT_LIMIT));
    if ('problem' in manifest) return { result: { ok: false, problems: [manifest], files: 0, zipSha256 }, resultJson };
    const problems = compare(manifest, present, new Set([MANIFEST_FILE]), prefix);
    if (folderManifest && typeof manifestBytes === 'object' && !Buffer.from(folderManifest).equals(manifestBytes)) {
      problems.unshift({ file: prefix + MANIFEST_FILE, problem: 'modified', detail: 'differs from the folder\'s manifest.json' });
    }
    return { result: { ok: problems.length === 0, problems, files: manifest.files.length, zipSha256 }, resultJson };
  } finally {
    zip.close();
  }
}

function zipEntry(zip: ZipFile, entry: ZipEntry): Present {
  return {
    hash: () => {
      const hash = createHash('sha256');
      try {
        zip.stream(entry, (chunk) => hash.update(chunk));
      } catch (err) {
        if (err instanceof ZipRefused) return { detail: err.message };
        throw err;
      }
      return { sha256: hash.digest('hex') };
    },
    bytes: (limit) => {
      if (entry.size > limit) return `larger than ${mib(limit)}, the most verify reads`;
      const chunks: Buffer[] = [];
      try {
        zip.stream(entry, (chunk) => chunks.push(Buffer.from(chunk)));
      } catch (err) {
        if (err instanceof ZipRefused) return err.message;
        throw err;
      }
      return Buffer.concat(chunks);
    },
  };
}

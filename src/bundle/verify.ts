/**
 * Checks a submission bundle against its manifest: every file listed must exist with the
 * same sha256, and nothing else may be there. Works on the bundle folder (and then also on
 * the zip inside it) or on the zip alone. Never extracts anything: the zip is read in memory.
 *
 * This proves integrity (nothing was changed by accident or after the fact without
 * re-signing), not authenticity: anyone can regenerate a manifest. Quote the zip's sha256
 * in the support ticket when authenticity matters.
 *
 * It also reads the bundle's result.json and says whether the run is a submission (complete,
 * no required failure, verdict not error); `verify --submission` requires that too.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { CertError } from '../errors.js';
import { parseResult } from '../reporters/load-result.js';
import { coverageOfResult, incompleteLine, submissionProblems } from '../runner/coverage.js';

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

interface ManifestFile {
  path: string;
  sha256: string;
}

/** The manifest's name in every bundle; the writer (reporters/bundle.ts) uses the same one. */
export const MANIFEST_FILE = 'manifest.json';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Verifies a bundle folder or a bundle zip. Throws (exit 1) only when the path does not exist. */
export function verifyBundle(path: string): VerifyResult {
  const target = resolve(path);
  if (!existsSync(target)) {
    throw new CertError('FILE_NOT_FOUND', `no bundle at ${path}: give the bundle folder (the run's --out) or its .zip`, 1);
  }
  const { result, resultJson } = statSync(target).isDirectory() ? verifyFolder(target) : verifyZip(readFileSync(target), basename(target), '');
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

function parseManifest(bytes: Uint8Array | undefined, label: string): { files: ManifestFile[]; zip?: string } | VerifyProblem {
  if (!bytes) return { file: label, problem: 'missing' };
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

function isSafeRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.split('/').some((part) => part === '..' || part === '.' || part === '');
}

function compare(
  manifest: { files: ManifestFile[] },
  present: ReadonlyMap<string, () => Uint8Array | undefined>,
  ignore: ReadonlySet<string>,
  prefix: string,
): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const read = present.get(entry.path);
    const bytes = read?.();
    if (!bytes) {
      problems.push({ file: prefix + entry.path, problem: read ? 'modified' : 'missing', ...(read ? { detail: 'not a regular file' } : {}) });
    } else if (sha256(bytes) !== entry.sha256) {
      problems.push({ file: prefix + entry.path, problem: 'modified', detail: 'sha256 differs' });
    }
  }
  for (const path of [...present.keys()].sort()) {
    if (!listed.has(path) && !ignore.has(path)) problems.push({ file: prefix + path, problem: 'extra' });
  }
  return problems;
}

function verifyFolder(dir: string): Checked {
  const present = new Map<string, () => Uint8Array | undefined>();
  for (const path of walk(dir)) {
    const full = join(dir, ...path.split('/'));
    present.set(path, () => (lstatSync(full).isFile() ? readFileSync(full) : undefined));
  }
  const manifestBytes = present.get(MANIFEST_FILE)?.();
  const manifest = parseManifest(manifestBytes, MANIFEST_FILE);
  const resultJson = present.get('result.json')?.();
  if ('problem' in manifest) return { result: { ok: false, problems: [manifest], files: 0 }, resultJson };
  const ignore = new Set([MANIFEST_FILE, ...(manifest.zip ? [manifest.zip] : [])]);
  const problems = compare(manifest, present, ignore, '');
  let zipSha256: string | undefined;
  if (manifest.zip) {
    const zipBytes = present.get(manifest.zip)?.();
    if (!zipBytes) {
      problems.push({ file: manifest.zip, problem: 'missing' });
    } else {
      const inner = verifyZip(zipBytes, manifest.zip, `${manifest.zip}:`, manifestBytes).result;
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
function verifyZip(bytes: Uint8Array, label: string, prefix: string, folderManifest?: Uint8Array): Checked {
  const zipSha256 = sha256(bytes);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    const detail = `not a readable zip (${err instanceof Error ? err.message : String(err)})`;
    return { result: { ok: false, problems: [{ file: label, problem: 'modified', detail }], files: 0, zipSha256 }, resultJson: undefined };
  }
  const names = Object.keys(entries).filter((name) => !name.endsWith('/'));
  const top = names[0]?.split('/')[0];
  const nested = top !== undefined && names.every((name) => name.startsWith(`${top}/`)) && names.includes(`${top}/${MANIFEST_FILE}`);
  const present = new Map<string, () => Uint8Array | undefined>();
  for (const name of names) {
    const path = nested ? name.slice(top.length + 1) : name;
    const data = entries[name];
    present.set(path, () => data);
  }
  const manifestBytes = present.get(MANIFEST_FILE)?.();
  const manifest = parseManifest(manifestBytes, prefix + MANIFEST_FILE);
  const resultJson = present.get('result.json')?.();
  if ('problem' in manifest) return { result: { ok: false, problems: [manifest], files: 0, zipSha256 }, resultJson };
  const problems = compare(manifest, present, new Set([MANIFEST_FILE]), prefix);
  if (folderManifest && manifestBytes && !Buffer.from(folderManifest).equals(manifestBytes)) {
    problems.unshift({ file: prefix + MANIFEST_FILE, problem: 'modified', detail: 'differs from the folder\'s manifest.json' });
  }
  return { result: { ok: problems.length === 0, problems, files: manifest.files.length, zipSha256 }, resultJson };
}

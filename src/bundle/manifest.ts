/**
 * The bundle's manifest: one type for the plan that writes it (plan.ts) and `verify` that
 * checks it; and the writer's record of what it wrote in a folder (what it may remove).
 */

/** The manifest's name in every bundle. */
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  schemaVersion: 1;
  tool: { name: 'cashlogy-cert'; version: string };
  algorithm: 'sha256';
  /** When the run finished (the bundle's content date, not the time of writing). */
  createdAt: string;
  /** The zip of this bundle, inside the folder; absent in a bundle read from that zip. */
  zip?: string;
  files: ManifestEntry[];
}

/**
 * A path a manifest may name: relative, "/"-separated, no "." or ".." part. Anything else is
 * not ours to read or remove.
 */
export function isSafeRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.split('/').some((part) => part === '..' || part === '.' || part === '');
}

/**
 * The writer's own record of what it wrote in a bundle folder (docs/reports.md, "Writing into a
 * folder that is not empty"). Not part of the bundle: not in the manifest, not in the zip, and
 * `verify` ignores it. The writer removes a stale file only when this record lists it with the
 * sha256 the file still has, so a manifest from elsewhere can never make it delete anything.
 */
export const WRITTEN_RECORD = '.cashlogy-cert-written.json';

export interface WrittenRecord {
  tool: 'cashlogy-cert';
  note: string;
  /** A path may appear more than once (old and new bytes) while a bundle is being replaced. */
  files: { path: string; sha256: string }[];
}

export function formatWrittenRecord(files: readonly { path: string; sha256: string }[]): string {
  const record: WrittenRecord = {
    tool: 'cashlogy-cert',
    note: 'files cashlogy-cert wrote in this folder: it replaces or removes only these, and only while they are unchanged',
    files: files.map((f) => ({ path: f.path, sha256: f.sha256 })),
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}

/**
 * path → the sha256 values the record vouches for. Read leniently: a record that is not ours,
 * or an entry that is not a safe relative path with a sha256, vouches for nothing.
 */
export function parseWrittenRecord(text: string): Map<string, Set<string>> {
  const vouched = new Map<string, Set<string>>();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return vouched;
  }
  const record = value as Partial<WrittenRecord> | null;
  if (typeof record !== 'object' || record === null || record.tool !== 'cashlogy-cert' || !Array.isArray(record.files)) return vouched;
  for (const entry of record.files as unknown[]) {
    const e = entry as { path?: unknown; sha256?: unknown } | null;
    if (typeof e?.path !== 'string' || typeof e.sha256 !== 'string' || !isSafeRelative(e.path) || !/^[0-9a-f]{64}$/.test(e.sha256)) continue;
    const shas = vouched.get(e.path) ?? new Set<string>();
    shas.add(e.sha256);
    vouched.set(e.path, shas);
  }
  return vouched;
}

/**
 * Atomic file writes: a reader (or a crash) never sees a half-written report. Write to a
 * temporary file in the same folder, then rename over the target.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Resolve `name` inside `root`, refusing anything that would land outside it ("../", absolute paths). */
export function insideDir(root: string, name: string): string {
  const target = resolve(root, name);
  const rel = relative(resolve(root), target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`refusing to write outside ${root}: ${name}`);
  }
  return target;
}

/** A file-name-safe version of any text (item ids, POS names). */
export function safeFileName(text: string): string {
  const cleaned = text.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return cleaned.slice(0, 80) || 'unnamed';
}

/**
 * Atomic file writes: a reader (or a crash) never sees a half-written report. Write to a
 * temporary file in the same folder, then rename over the target.
 *
 * Also the checks that keep every write and every removal inside the folder the user named:
 * a path is resolved as text (no "../", no absolute path) and then on the disk (no symbolic
 * link on the way), because a folder that already holds someone else's files may hold links
 * that lead out of it.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

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

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * `name` inside `root` as `insideDir` does, and also on the disk: every folder between `root`
 * and the file that already exists must be a real folder, not a symbolic link (which could
 * point anywhere). The file itself may be absent. Throws when the path would leave `root`.
 */
export function insideDirOnDisk(root: string, name: string): string {
  const target = insideDir(root, name);
  const parts = relative(resolve(root), target).split(sep);
  let at = resolve(root);
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    const stats = lstatOrUndefined(at);
    if (stats === undefined) break; // created by the write, as a real folder
    if (!stats.isDirectory()) {
      throw new Error(`refusing to write through ${at}: it is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`);
    }
  }
  return target;
}

/** Atomic write of `name` inside `root`, never through a symbolic link (see insideDirOnDisk). */
export function writeFileInside(root: string, name: string, data: string | Uint8Array): string {
  const target = insideDirOnDisk(root, name);
  writeFileAtomic(target, data);
  return target;
}

/**
 * The regular file at `name` inside `root`, or undefined when it is anything else: missing, a
 * symbolic link, a folder, reached through a symbolic link, or (by its real path) outside `root`.
 */
export function regularFileInside(root: string, name: string): string | undefined {
  let target: string;
  try {
    target = insideDirOnDisk(root, name);
  } catch {
    return undefined;
  }
  const stats = lstatOrUndefined(target);
  if (stats === undefined || !stats.isFile()) return undefined;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(target);
    const rel = relative(realRoot, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  } catch {
    return undefined;
  }
  return target;
}

/** Feeds a file to `onChunk` in 64 KiB chunks: memory stays bounded whatever its size. */
export function readFileInChunks(path: string, onChunk: (chunk: Uint8Array) => void): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      onChunk(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** sha256 of a file, read in chunks. */
export function sha256OfFile(path: string): string {
  const hash = createHash('sha256');
  readFileInChunks(path, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}


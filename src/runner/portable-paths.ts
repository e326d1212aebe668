/**
 * Paths in a result or bundle are relative to the working directory, never absolute
 * (docs/reports.md): a bundle goes to Azkoyen support and must not leak the layout of the
 * vendor's machine. String work on the directories the caller passes (`processRoots` gives
 * the ones of this process).
 */
import { homedir } from 'node:os';
import { isAbsolute, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

export interface PathRoots {
  /** The run's working directory: shown as `.`. */
  cwd: string;
  /** Where cashlogy-cert itself is installed: shown as `<cashlogy-cert>` (shipped checklists, stack traces). */
  packageRoot?: string;
  /** The user's home folder: shown as `~`. */
  home?: string;
}

/**
 * A file path as it may appear in a result: relative to `cwd` ("checks/sale.yaml"),
 * `<cashlogy-cert>/checklists/…` for shipped files, or else the bare file name.
 */
export function portablePath(file: string, roots: PathRoots): string {
  if (!isAbsolute(file)) return toSlashes(file);
  const fromCwd = relative(roots.cwd, file);
  if (fromCwd === '') return '.';
  if (!fromCwd.startsWith('..') && !isAbsolute(fromCwd)) return toSlashes(fromCwd);
  if (roots.packageRoot !== undefined) {
    const fromPackage = relative(roots.packageRoot, file);
    if (!fromPackage.startsWith('..') && !isAbsolute(fromPackage)) return `<cashlogy-cert>/${toSlashes(fromPackage)}`;
  }
  const parts = file.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '.';
}

/**
 * `text` with every occurrence of the roots replaced (the longest first, so a cwd inside the
 * home folder becomes `.`, not `~/…`). Only whole path components match: `/tmp/a` does not
 * touch `/tmp/ab`.
 */
export function scrubPaths(text: string, roots: PathRoots): string {
  const pairs: [string, string][] = [[roots.cwd, '.']];
  if (roots.packageRoot) pairs.push([roots.packageRoot, '<cashlogy-cert>']);
  if (roots.home) pairs.push([roots.home, '~']);
  let out = text;
  for (const [root, label] of pairs
    .map(([r, l]) => [r.replace(/[\\/]+$/, ''), l] as [string, string])
    .filter(([r]) => r.length > 1)
    .sort((a, b) => b[0].length - a[0].length)) {
    if (!out.includes(root)) continue;
    const pattern = new RegExp(`${escapeRegExp(root)}(?=[\\\\/]|$|[^\\w.-])`, 'g');
    out = out.replace(pattern, label);
  }
  return out;
}

/** A deep copy of plain data with `scrubPaths` applied to every string in it. */
export function scrubPathsDeep<T>(value: T, roots: PathRoots): T {
  if (typeof value === 'string') return scrubPaths(value, roots) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubPathsDeep(v, roots)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrubPathsDeep(v, roots);
    return out as T;
  }
  return value;
}

function toSlashes(path: string): string {
  return sep === '\\' ? path.split(sep).join('/') : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The roots to hide for a run in this process: its working directory, the package, the home folder. */
export function processRoots(cwd: string = process.cwd()): PathRoots {
  return { cwd, packageRoot: PACKAGE_ROOT, home: homedir() };
}

/**
 * Readers of command-line arguments that more than one command takes: a language, a run
 * (result.json, bundle folder or bundle zip). Commands import these, never each other.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readZipEntry } from '../bundle/zip-reader.js';
import { UsageError } from '../errors.js';
import { closest } from '../format/issues.js';
import { LANGS, type Lang } from '../i18n.js';
import { loadResult, parseResult } from '../reporters/load-result.js';
import type { RunResult } from '../runner/result.js';

/** `--lang`: fr, en or es; `fallback` when the flag is absent. */
export function parseLang(value: string | undefined, fallback: Lang): Lang {
  if (value === undefined) return fallback;
  if ((LANGS as readonly string[]).includes(value)) return value as Lang;
  const near = closest(value, LANGS);
  throw new UsageError(`unknown language "${value}": use ${LANGS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`);
}

/**
 * A run given on the command line: a result.json, a bundle folder holding one, or a bundle zip.
 * `folder` is the directory the run's files live in (none for a zip).
 */
export function loadRunArgument(arg: string, cwd: string): { file: string; result: RunResult; folder?: string } {
  const target = resolve(cwd, arg);
  if (!existsSync(target)) throw new UsageError(`no result at ${arg}: give a result.json, a bundle folder (a run's --out) or its .zip`);
  if (statSync(target).isDirectory()) {
    const file = join(target, 'result.json');
    if (!existsSync(file)) throw new UsageError(`${arg} is a folder without result.json: give a run's --out folder or its result.json`);
    return { file: arg, result: loadResult(file), folder: target };
  }
  if (/\.zip$/i.test(target)) {
    // Read like verify reads a zip: bounded, whatever the zip's headers claim.
    let found: { name: string; bytes: Uint8Array } | undefined;
    try {
      found = readZipEntry(target, (name) => /^(?:[^/]+\/)?result\.json$/.test(name));
    } catch (err) {
      throw new UsageError(`${arg} is not a readable zip (${(err as Error).message})`);
    }
    const { name, bytes } = found ?? {};
    if (name === undefined || bytes === undefined) throw new UsageError(`${arg} holds no result.json: give a bundle zip written by cashlogy-cert`);
    return { file: arg, result: parseResult(Buffer.from(bytes).toString('utf8'), `${arg}:${name}`) };
  }
  return { file: arg, result: loadResult(target), folder: dirname(target) };
}

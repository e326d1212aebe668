/**
 * Shipped inputs come already loaded. Reading and checking a bundled checklist's YAML took
 * 60–80 ms of every run's start (the `yaml` parser running cold, then the shape and the rules);
 * `npm run precompile` stores, next to the bundled checklists and machine profiles, what their
 * own loaders make of each file (`compiled.json`), keyed by the sha256 of the file's bytes. A
 * file with exactly those bytes, wherever it lies, is taken from there; any other (edited, a
 * vendor's own) is read as always, and so is every file when `compiled.json` is missing or
 * unreadable. A test holds the committed files equal to what the loaders make today.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './hash.js';

export const PRECOMPILED_FILE = 'compiled.json';

/** `compiled.json`: per sha256 of a file's bytes, the file's name and what its loader made of it. */
export interface PrecompiledFile {
  generatedBy: string;
  entries: Record<string, { file: string; value: unknown }>;
}

const loaded = new Map<string, PrecompiledFile | null>();

/** What the loader made of a file with these bytes, as an object of the caller's own; undefined when `dir` has none. */
export function precompiledValue(dir: string, sha256: string): unknown {
  const file = precompiledFile(dir);
  const entry = file?.entries[sha256];
  return entry === undefined ? undefined : structuredClone(entry.value);
}

function precompiledFile(dir: string): PrecompiledFile | null {
  let file = loaded.get(dir);
  if (file === undefined) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, PRECOMPILED_FILE), 'utf8')) as PrecompiledFile;
      file = typeof parsed === 'object' && parsed !== null && typeof parsed.entries === 'object' && parsed.entries !== null ? parsed : null;
    } catch {
      // Missing or damaged: every file is read from its YAML, which is only slower.
      file = null;
    }
    loaded.set(dir, file);
  }
  return file;
}

/** The text of `compiled.json` for the YAML files in `dir`, each loaded by `load`: what `npm run precompile` writes there. */
export function precompiledText(dir: string, load: (bytes: Buffer, name: string) => unknown, generatedBy: string): string {
  const entries: PrecompiledFile['entries'] = {};
  const names = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort((a, b) => a.localeCompare(b));
  for (const name of names) {
    const bytes = readFileSync(join(dir, name));
    entries[sha256(bytes)] = { file: name, value: load(bytes, name) };
  }
  const file: PrecompiledFile = { generatedBy, entries };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/**
 * The house's layer rules, checked on every import of every file under src/:
 *
 * 1. Imports point down only. `MAY_IMPORT` says which top-level unit of src/ (a folder, or a
 *    file at the root such as errors.ts) may import which; a unit may always import itself.
 *    docs/architecture.md draws the same table.
 * 2. The pure core does no I/O and reads no ambient time or randomness: that is what makes the
 *    machine, the codec, fault decisions, checklist matching and the bundle plan testable on a
 *    virtual clock and replayable from a seed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const src = join(root, 'src');

/** Leaf modules every layer may use: words, durations, seeded randomness, the tool's version, the shared languages, content hashes. */
const LEAVES = ['duration', 'random', 'clock', 'version', 'i18n', 'hash'];
/** The base every layer stands on: the leaves, the format kit (YAML, shapes, issues) and the typed errors. */
const BASE = [...LEAVES, 'format', 'errors'];

const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  // leaves and the base
  duration: [],
  random: [],
  clock: [],
  version: [],
  i18n: [],
  hash: [],
  format: ['duration'],
  errors: ['format'],
  // file adapters shared by the loaders and the writers
  'read-source': ['errors'],
  precompiled: ['hash'],
  'fs-atomic': [],
  // the pure core: the wire, the tickets dialect and decisions, fault decisions, the machine model
  protocol: [...BASE],
  tickets: [...BASE],
  faults: [...BASE, 'protocol', 'tickets'],
  machine: [...BASE, 'protocol', 'faults', 'tickets'],
  // the POS's vocabulary (pos.yaml, outcomes, the reference POS's designs) and the sample POS built on it
  pos: [...BASE, 'read-source'],
  'reference-pos': [...BASE, 'pos'],
  // what a checklist is, in the words of the protocol, the machine, the faults and the POS
  checklist: [...BASE, 'read-source', 'precompiled', 'protocol', 'faults', 'machine', 'pos'],
  // adapters: sockets and HTTP for the simulator, processes and HTTP for the POS
  server: [...BASE, 'precompiled', 'protocol', 'faults', 'machine', 'tickets'],
  drivers: [...BASE, 'protocol', 'pos', 'reference-pos'],
  // the proxy in front of a real connector: the simulator's transcript, control API and fault chain
  proxy: [...BASE, 'protocol', 'faults', 'server'],
  // the runner drives a simulator and a POS through a checklist
  runner: [...BASE, 'protocol', 'faults', 'machine', 'pos', 'checklist', 'drivers', 'server', 'proxy'],
  // what a run turns into: reports, then the bundle of them
  reporters: [...BASE, 'protocol', 'pos', 'checklist', 'runner'],
  bundle: [...BASE, 'fs-atomic', 'protocol', 'pos', 'checklist', 'runner', 'reporters'],
  // replay: a recorded connector answers a POS; reads a run's result, runs the simulator's connection layer, drives the POS
  replay: [...BASE, 'protocol', 'faults', 'pos', 'server', 'drivers', 'reporters'],
  // the edges: the command line, and the library's entry point
  cli: ['*'],
  index: ['*'],
};

/**
 * Imports that break the table today, each with why and what would fix it. An entry that no
 * longer occurs fails the test: the list only shrinks.
 */
const KNOWN_VIOLATIONS: readonly { from: string; to: string; why: string }[] = [];

/** Folders and files that must stay pure. */
const PURE = [
  'src/protocol',
  'src/tickets',
  'src/machine',
  'src/faults',
  'src/format',
  'src/i18n.ts',
  'src/hash.ts',
  'src/runner/expect.ts',
  'src/runner/patterns.ts',
  'src/runner/scheduler.ts',
  'src/runner/floor.ts',
  'src/runner/evidence.ts',
  'src/runner/verdict.ts',
  'src/runner/consistency.ts',
  'src/runner/expect-tickets.ts',
  'src/runner/tickets-consistency.ts',
  'src/runner/coverage.ts',
  'src/runner/merge.ts',
  'src/runner/diff.ts',
  'src/bundle/plan.ts',
  'src/bundle/zip-writer.ts',
  'src/bundle/manifest.ts',
  'src/proxy/reply-cutter.ts',
  'src/replay/recording.ts',
  'src/replay/script.ts',
  'src/replay/matcher.ts',
];

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /from ['"](node:)?(net|fs|fs\/promises|child_process|http|https|dgram|tls|os)['"]/, why: 'I/O module' },
  { pattern: /\bprocess\.(cwd|env|version|platform|argv|hrtime|exit)\b/, why: 'the process (take it as a parameter)' },
  { pattern: /\bDate\.now\s*\(/, why: 'ambient time (take `nowMs` or a Clock)' },
  { pattern: /\bnew Date\s*\(\s*\)/, why: 'ambient time (take `nowMs` or a Clock)' },
  { pattern: /\bsetTimeout\s*\(|\bsetInterval\s*\(/, why: 'real timers (return timer requests instead)' },
  { pattern: /\bMath\.random\s*\(/, why: 'unseeded randomness (use src/random.ts)' },
  { pattern: /\bperformance\.now\s*\(/, why: 'ambient time' },
];

function filesUnder(abs: string): string[] {
  const stat = statSync(abs);
  if (stat.isFile()) return abs.endsWith('.ts') ? [abs] : [];
  return readdirSync(abs).flatMap((name) => filesUnder(join(abs, name)));
}

const toPosix = (path: string) => path.split(sep).join('/');
const shown = (abs: string) => toPosix(relative(root, abs));

/** The top-level unit of src/ a file belongs to: its first folder, or its own name at the root. */
function unitOf(abs: string): string {
  const parts = toPosix(relative(src, abs)).split('/');
  return parts.length === 1 ? (parts[0] as string).replace(/\.[cm]?[jt]s$/, '') : (parts[0] as string);
}

interface Import {
  file: string;
  target: string;
  line: number;
}

/** Every relative import of a file (static, re-export, side-effect and literal dynamic `import()`), resolved to a .ts path. */
function importsOf(abs: string): Import[] {
  const text = readFileSync(abs, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  return info.importedFiles
    .filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => ({
      file: abs,
      target: resolve(dirname(abs), ref.fileName.replace(/\.js$/, '.ts')),
      line: lineOf(ref.pos),
    }));
}

const allFiles = filesUnder(src);

describe('architecture: imports point down only', () => {
  it('every top-level unit of src/ has a row in the table', () => {
    const units = [...new Set(allFiles.map(unitOf))].sort();
    expect(units.filter((u) => !(u in MAY_IMPORT)), 'add a row to MAY_IMPORT (and to docs/architecture.md)').toEqual([]);
  });

  it('every file imports only what its layer may import', () => {
    const known = new Set(KNOWN_VIOLATIONS.map((v) => `${v.from} -> ${v.to}`));
    const violations: string[] = [];
    const seenKnown = new Set<string>();
    for (const file of allFiles) {
      const from = unitOf(file);
      const allowed = MAY_IMPORT[from] ?? [];
      for (const imp of importsOf(file)) {
        const to = unitOf(imp.target);
        if (to === from || allowed.includes('*') || allowed.includes(to)) continue;
        const key = `${shown(file)} -> ${shown(imp.target)}`;
        if (known.has(key)) {
          seenKnown.add(key);
          continue;
        }
        violations.push(
          `${shown(file)}:${imp.line} imports ${shown(imp.target)}: "${from}" may import ${allowed.length ? allowed.join(', ') : 'nothing'}, not "${to}"`,
        );
      }
    }
    expect(violations).toEqual([]);
    expect([...known].filter((k) => !seenKnown.has(k)), 'these known violations are gone: remove them from KNOWN_VIOLATIONS').toEqual([]);
  });

  it('every import resolves to a file (a moved file left no stale importer)', () => {
    const missing = allFiles.flatMap((file) =>
      importsOf(file)
        .filter((imp) => !statSync(imp.target, { throwIfNoEntry: false })?.isFile())
        .map((imp) => `${shown(file)}:${imp.line} imports ${shown(imp.target)}, which does not exist`),
    );
    expect(missing).toEqual([]);
  });

  it('no dynamic import with a computed specifier (it would hide a dependency from this test)', () => {
    const hidden: string[] = [];
    for (const file of allFiles) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '');
          if (/^\s*\*/.test(code)) return;
          if (/\bimport\(\s*[^'"\s)]/.test(code)) hidden.push(`${shown(file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hidden).toEqual([]);
  });

  it('the checker sees every kind of import (guards the test itself)', () => {
    const probe = join(src, 'cli', 'main.ts');
    const targets = importsOf(probe).map((imp) => unitOf(imp.target));
    expect(targets).toContain('errors');
    expect(targets).toContain('cli');
    expect(unitOf(join(src, 'errors.ts'))).toBe('errors');
    expect(unitOf(join(src, 'machine', 'step', 'x.ts'))).toBe('machine');
    const info = ts.preProcessFile("import type { A } from '../a.js';\nexport { b } from './b.js';\nconst c = await import('../c/d.js');\n", true, true);
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(['../a.js', './b.js', '../c/d.js']);
  });
});

describe('architecture: the pure core stays pure', () => {
  it('every pure path in the table exists (a moved file must move its row)', () => {
    expect(PURE.filter((path) => !statSync(join(root, path), { throwIfNoEntry: false }))).toEqual([]);
  });

  const files = PURE.flatMap((path) => filesUnder(join(root, path))).map(shown);

  it('finds the pure modules it guards', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s uses no I/O, ambient time or unseeded randomness', (file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    const violations: string[] = [];
    lines.forEach((line, i) => {
      const code = line.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*)/.test(code)) return; // JSDoc text may mention the words
      for (const { pattern, why } of FORBIDDEN) {
        if (pattern.test(code)) violations.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
      }
    });
    expect(violations).toEqual([]);
  });
});

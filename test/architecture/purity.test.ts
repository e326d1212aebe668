/**
 * The pure core does no I/O and reads no ambient time or randomness: that is what makes the
 * machine, the codec, fault decisions and checklist matching testable on a virtual clock and
 * replayable from a seed. This test keeps it that way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Folders and files that must stay pure, and the few adapter files allowed inside them. */
const PURE = ['src/protocol', 'src/machine', 'src/faults', 'src/runner/expect.ts', 'src/runner/patterns.ts'];
const ADAPTERS_INSIDE_PURE = new Set(['src/faults/cli.ts', 'src/machine/profile-file.ts', 'src/machine/load-profile.ts']);

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /from ['"](node:)?(net|fs|fs\/promises|child_process|http|https|dgram|tls)['"]/, why: 'I/O module' },
  { pattern: /\bDate\.now\s*\(/, why: 'ambient time (take `nowMs` or a Clock)' },
  { pattern: /\bnew Date\s*\(\s*\)/, why: 'ambient time (take `nowMs` or a Clock)' },
  { pattern: /\bsetTimeout\s*\(|\bsetInterval\s*\(/, why: 'real timers (return timer requests instead)' },
  { pattern: /\bMath\.random\s*\(/, why: 'unseeded randomness (use src/random.ts)' },
  { pattern: /\bperformance\.now\s*\(/, why: 'ambient time' },
];

function filesUnder(path: string): string[] {
  const abs = join(root, path);
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    return [];
  }
  if (stat.isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(abs).flatMap((name) => filesUnder(join(path, name)));
}

describe('architecture: the pure core stays pure', () => {
  const files = PURE.flatMap(filesUnder).filter((f) => !ADAPTERS_INSIDE_PURE.has(f));

  it('finds the pure modules it guards', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s uses no I/O, ambient time or unseeded randomness', (file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    const violations: string[] = [];
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return; // JSDoc text may mention the words
      for (const { pattern, why } of FORBIDDEN) {
        if (pattern.test(code)) violations.push(`${relative(root, join(root, file))}:${i + 1}: ${why}: ${line.trim()}`);
      }
    });
    expect(violations).toEqual([]);
  });
});

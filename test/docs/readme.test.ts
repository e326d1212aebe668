import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReadme } from '../../scripts/build-readme.js';

const root = join(import.meta.dirname, '..', '..');

describe('README.md', () => {
  it('is up to date with docs/README.template.md and the docs it includes (npm run readme)', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe(buildReadme(root));
  });

  it('starts with the two set-up commands', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n').slice(0, 6).join('\n');
    expect(lines).toContain('npm ci && npm start');
    expect(lines).toContain('npm test');
  });

  it('has no link to a docs file that does not exist', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\((docs\/[^)#]+)/g)) {
      expect(() => readFileSync(join(root, target as string)), target).not.toThrow();
    }
  });
});

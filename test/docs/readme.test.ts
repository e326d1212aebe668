/**
 * The README is the first page a new user reads: the two set-up commands, a numbered path to
 * certify a POS, installation, then a table of contents into docs/ (which holds the reference).
 * These checks keep it short, correct and pointing at things that exist.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildReadme } from '../../scripts/build-readme.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { captureIo } from '../checklist/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (m) anchors.add((m[1] as string).toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return anchors;
}

/** Every relative link target in the README: [text](target). */
function links(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string).filter((t) => !/^[a-z]+:/.test(t));
}

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README.md', () => {
  it('is up to date with docs/README.template.md (npm run readme)', () => {
    expect(readme).toBe(buildReadme(root));
  });

  it('starts with the two set-up commands', () => {
    const lines = readme.split('\n').slice(0, 6).join('\n');
    expect(lines).toContain('npm ci && npm start');
    expect(lines).toContain('npm test');
  });

  it('is a short front page: under 15 KB, linking the docs instead of including them', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
    const template = readFileSync(join(root, 'docs', 'README.template.md'), 'utf8');
    expect(template).not.toMatch(/^<!-- include /m);
  });

  it('links every document in docs/', () => {
    const linked = new Set(links(readme).map((t) => t.split('#')[0]));
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.template.md');
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) expect(linked, `docs/${doc} is not linked from the README`).toContain(`docs/${doc}`);
  });

  it('has no link to a file or a heading that does not exist (in the README and in docs/development.md)', () => {
    for (const [file, text] of [
      ['README.md', readme],
      ['docs/development.md', readFileSync(join(root, 'docs', 'development.md'), 'utf8')],
    ] as const) {
      for (const target of links(text)) {
        const [path = '', hash] = target.split('#');
        const resolved = path === '' ? join(root, file) : join(root, dirname(file), path);
        expect(existsSync(resolved), `${file}: ${target}`).toBe(true);
        if (hash !== undefined && resolved.endsWith('.md')) {
          expect(anchorsOf(readFileSync(resolved, 'utf8')), `${file}: ${target}`).toContain(hash);
        }
      }
    }
  });

  it('walks a new user through certifying a POS in numbered steps: init, implement, validate, run, report', () => {
    const steps = [...section('Certify your POS').matchAll(/^(\d+)\. \*\*(.+?)\*\*/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(steps.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    const text = section('Certify your POS');
    const order = ['npx cashlogy-cert init', 'examples/pos/', 'outcome', 'npx cashlogy-cert validate pos.yaml', 'npx cashlogy-cert run --pos pos.yaml', 'checklist.html'];
    const at = order.map((s) => text.indexOf(s));
    for (const [i, s] of order.entries()) expect(at[i], s).toBeGreaterThan(-1);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('documents installing into a POS project: the tarball of this version, npx, the installed schema path', () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const install = section('Install it in a POS project');
    expect(install).toContain(`npm install --save-dev ./cashlogy-cert-${version}.tgz`);
    expect(install).toContain('npx cashlogy-cert');
    expect(install).toContain('node_modules/cashlogy-cert/schema/checklist.schema.json');
    expect(existsSync(join(root, 'schema', 'checklist.schema.json'))).toBe(true);
  });

  it('lists every command the CLI has', () => {
    const program = new Command();
    for (const register of COMMANDS) register(program, captureIo(), () => {});
    const table = section('Commands');
    expect(program.commands.length).toBeGreaterThan(5);
    for (const command of program.commands) expect(table, command.name()).toContain(`| \`cashlogy-cert ${command.name()}`);
  });
});

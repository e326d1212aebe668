/**
 * The bundle writer and `verify` hold against a folder or a zip from someone else (issue 19,
 * points 7 and 8): the writer removes only regular files it wrote there itself, never through
 * a symbolic link; `verify` reads any zip in bounded memory and refuses a zip bomb.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/hash.js';
import type { Manifest } from '../../src/bundle/manifest.js';
import { verifyBundle } from '../../src/bundle/verify.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { checkOutDir, writeBundle } from '../../src/cli/write-bundle.js';
import { UsageError } from '../../src/errors.js';
import { FIXTURES, loadFixture, tempDir } from '../reporters/helpers.js';

const roots: string[] = [];
function fresh(): string {
  const dir = tempDir('cashlogy-safety-');
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

const RECORD = '.cashlogy-cert-written.json';

async function cli(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, interrupted: new Promise(() => {}) };
  const code = await main(args, io);
  return { code, out, err };
}

/** A bundle written elsewhere, unpacked into `dir` (manifest and all, but no writer's record). */
async function foreignBundleIn(dir: string): Promise<void> {
  const elsewhere = join(fresh(), 'theirs');
  await writeBundle(loadFixture('sample'), { outDir: elsewhere, lang: 'en' });
  const zip = unzipSync(readFileSync(join(elsewhere, 'theirs.zip')));
  for (const [name, bytes] of Object.entries(zip)) {
    const target = join(dir, name.slice('theirs/'.length));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, bytes);
  }
}

describe('the bundle writer removes only what it wrote (point 7)', () => {
  it('never deletes through a symbolic link: a manifest listing linkdir/secret.txt leaves the outside file alone', async () => {
    const parent = fresh();
    const outside = join(parent, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'not yours');
    const out = join(parent, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'linkdir'));
    const secretSha = sha256('not yours');
    const manifest = { schemaVersion: 1, tool: { name: 'cashlogy-cert', version: '0' }, algorithm: 'sha256', createdAt: '', files: [{ path: 'linkdir/secret.txt', sha256: secretSha, bytes: 9 }] };
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
    // Even a writer's record forged to list it, with the right sha256, is not followed through the link.
    writeFileSync(join(out, RECORD), JSON.stringify({ tool: 'cashlogy-cert', note: '', files: [{ path: 'linkdir/secret.txt', sha256: secretSha }] }));

    await expect(writeBundle(loadFixture('sample'), { outDir: out, lang: 'en' })).rejects.toThrow(/holds a bundle this tool did not write there/);
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'en', force: true });
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('not yours');
    // What is not the tool's stays, and verify names it.
    expect(verifyBundle(out).problems).toEqual([{ file: 'linkdir', problem: 'extra' }]);
  });

  it('never writes through a symbolic link inside --out', async () => {
    const parent = fresh();
    const outside = join(parent, 'outside');
    mkdirSync(outside);
    const out = join(parent, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'transcripts'));
    await expect(writeBundle(loadFixture('sample'), { outDir: out, lang: 'en' })).rejects.toThrow(/refusing to write through .*transcripts: it is a symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a file the tool never wrote survives, even when a manifest in the folder lists it', async () => {
    const out = join(fresh(), 'mine');
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' });
    writeFileSync(join(out, 'notes.txt'), 'my notes');
    const manifestPath = join(out, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    manifest.files.push({ path: 'notes.txt', sha256: sha256('my notes'), bytes: 8 });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    // The edited manifest is no longer the one this tool wrote: the folder is refused, then with --force notes.txt stays.
    await expect(writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' })).rejects.toThrow(UsageError);
    await writeBundle({ ...loadFixture('sample'), items: loadFixture('sample').items.slice(0, 2) }, { outDir: out, lang: 'fr', force: true });
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('my notes');
    expect(verifyBundle(out).problems).toEqual([{ file: 'notes.txt', problem: 'extra' }]);
  });

  it('a file it wrote and someone changed since is left alone; unchanged stale files are removed', async () => {
    const out = join(fresh(), 'changed');
    const result = loadFixture('sample');
    await writeBundle(result, { outDir: out, lang: 'fr' });
    const [first, second] = readdirSync(join(out, 'transcripts')).sort();
    writeFileSync(join(out, 'transcripts', first as string), 'annotated by hand');
    await writeBundle({ ...result, items: [] }, { outDir: out, lang: 'fr' });
    expect(readFileSync(join(out, 'transcripts', first as string), 'utf8')).toBe('annotated by hand');
    expect(existsSync(join(out, 'transcripts', second as string))).toBe(false);
  });

  it('refuses a folder holding a foreign bundle unless --force, and then leaves its files alone', async () => {
    const out = join(fresh(), 'unpacked');
    mkdirSync(out);
    await foreignBundleIn(out);
    writeFileSync(join(out, 'transcripts', 'ZZZ-99.log'), 'theirs');
    const before = readdirSync(out, { recursive: true }).length;
    await expect(writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' })).rejects.toThrow(/holds a bundle this tool did not write there .*--force/);
    expect(readdirSync(out, { recursive: true })).toHaveLength(before);

    await writeBundle({ ...loadFixture('sample'), items: [] }, { outDir: out, lang: 'fr', force: true });
    expect(readFileSync(join(out, 'transcripts', 'ZZZ-99.log'), 'utf8')).toBe('theirs');
    expect(verifyBundle(out).problems.map((p) => `${p.problem} ${p.file}`)).toContain('extra transcripts/ZZZ-99.log');
    // Now the folder is this tool's: a second write needs no --force.
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' });
  });

  it('the commands refuse a foreign bundle folder (exit 1) and accept it with --force', async () => {
    const cwd = fresh();
    mkdirSync(join(cwd, 'b'));
    await foreignBundleIn(join(cwd, 'b'));
    const sample = join(FIXTURES, 'sample-result.json');
    const refused = await cli(['report', sample, '--format', 'bundle', '--out', 'b'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/holds a bundle this tool did not write there/);
    expect(refused.err).not.toMatch(/internal error/);
    expect((await cli(['report', sample, '--format', 'bundle', '--out', 'b', '--force'], cwd)).code).toBe(0);
    const merged = await cli(['merge', sample, '--out', 'b'], cwd);
    expect(merged.code).not.toBe(1);
  });
});

describe('--out must be a folder of its own', () => {
  it('an existing file is a usage error (exit 1), not an internal error', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'report.json'), '{}');
    const sample = join(FIXTURES, 'sample-result.json');
    for (const args of [
      ['report', sample, '--out', 'report.json'],
      ['report', sample, '--format', 'bundle', '--out', 'report.json/inner'],
      ['merge', sample, '--out', 'report.json'],
    ]) {
      const r = await cli(args, cwd);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/--out .*report\.json.* file, not a folder/);
      expect(r.err).not.toMatch(/internal error|This is a bug/);
    }
    expect(readFileSync(join(cwd, 'report.json'), 'utf8')).toBe('{}');
  });

  it('a filesystem root or the home directory itself is refused before anything is read or written', async () => {
    const cwd = fresh();
    // The part does not exist: a command that did not check --out first would say so instead.
    for (const out of ['/', homedir()]) {
      const r = await cli(['merge', 'no-such-result.json', '--out', out], cwd);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(out === '/' ? /is the root of a filesystem/ : /is your home directory itself/);
    }
    expect(() => checkOutDir('/')).toThrow(UsageError);
    expect(() => checkOutDir(join(fresh(), 'new', 'folder'))).not.toThrow();
  });
});

/** A zip whose one entry is `megabytes` MiB of zeros, streamed so the test never holds them. */
function zerosZip(megabytes: number, name = 'bomb/zeros.bin'): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    parts.push(data);
  });
  const entry = new ZipDeflate(name, { level: 1 });
  zip.add(entry);
  const mib = new Uint8Array(1024 * 1024);
  for (let i = 0; i < megabytes; i++) entry.push(mib, i === megabytes - 1);
  zip.end();
  return Buffer.concat(parts);
}

describe('verify reads any zip in bounded memory (point 8)', () => {
  it('refuses a zip bomb (200 MiB of zeros in 200 KB) from its central directory, without inflating it', () => {
    const dir = fresh();
    const path = join(dir, 'bomb.zip');
    writeFileSync(path, zerosZip(200));
    global.gc?.();
    const before = process.memoryUsage().rss;
    const result = verifyBundle(path);
    const grown = process.memoryUsage().rss - before;
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { file: 'bomb.zip', problem: 'modified', detail: expect.stringMatching(/entry "bomb\/zeros.bin" would inflate to 200 MiB, above the limit of 64 MiB per entry: not inflated/) },
    ]);
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses an entry whose compression ratio is above 100:1', () => {
    const path = join(fresh(), 'dense.zip');
    writeFileSync(path, zerosZip(8));
    expect(verifyBundle(path).problems[0]?.detail).toMatch(/would inflate .* to 8 MiB, a \d+:1 ratio above the limit of 100:1/);
  });

  it('stops inflating an entry at the size it declares, when its headers lie', () => {
    const dir = fresh();
    const bytes = Buffer.from(zerosZip(4, 'b/manifest.json'));
    // Declare 1000 bytes (central directory and local header): below every bound, so only streaming can catch it.
    const cd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(1000, cd + 24);
    bytes.writeUInt32LE(1000, 22);
    const path = join(dir, 'liar.zip');
    writeFileSync(path, bytes);
    const result = verifyBundle(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ file: 'manifest.json', problem: 'modified', detail: expect.stringMatching(/inflates beyond the 1000 bytes it declares/) }]);
  });

  it('a bundle zip still verifies, and a tampered entry is still named', async () => {
    const out = join(fresh(), 'ok');
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'en' });
    const zipPath = join(out, 'ok.zip');
    expect(verifyBundle(zipPath)).toMatchObject({ ok: true, problems: [] });
    const entries = unzipSync(readFileSync(zipPath));
    entries['ok/junit.xml'] = new TextEncoder().encode('<x/>');
    writeFileSync(zipPath, zipSync(entries));
    expect(verifyBundle(zipPath).problems).toEqual([{ file: 'junit.xml', problem: 'modified', detail: 'sha256 differs' }]);
  });
});

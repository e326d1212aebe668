import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/bundle/verify.js';
import { sha256 } from '../../src/hash.js';
import type { Manifest } from '../../src/bundle/manifest.js';
import { planBundle, type HostFacts } from '../../src/bundle/plan.js';
import { writeBundle } from '../../src/cli/write-bundle.js';
import { loadFixture, tempDir } from '../reporters/helpers.js';
import { incompleteVariant, submissionVariant } from '../reporters/coverage-fixtures.js';

const roots: string[] = [];
function freshParent(): string {
  const dir = tempDir('cashlogy-bundle-');
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describe('writeBundle', () => {
  it('writes every file of the bundle, a manifest and a zip, and they verify', async () => {
    const out = join(freshParent(), 'run-1');
    const result = submissionVariant(loadFixture('sample'));
    const written = await writeBundle(result, { outDir: out, lang: 'fr' });
    // The writer's record of what it wrote (what it may later remove) sits next to the bundle, outside it.
    expect(listFiles(out)).toContain('.cashlogy-cert-written.json');
    const files = listFiles(out).filter((f) => f !== '.cashlogy-cert-written.json');
    expect(files).toEqual(
      [
        'checklist.html', 'checklist.md', 'email.txt', 'environment.json', 'junit.xml', 'manifest.json', 'manual.fr.html', 'manual.fr.md', 'result.json', 'run-1.zip',
        ...result.items.map((i) => `transcripts/${i.id}.log`),
      ].sort(),
    );
    expect(written.map((p) => relative(out, p).split(sep).join('/')).sort()).toEqual(files);
    expect(written.at(-1)).toBe(join(out, 'run-1.zip'));

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.zip).toBe('run-1.zip');
    expect(manifest.files.map((f) => f.path)).toEqual(files.filter((f) => f !== 'manifest.json' && f !== 'run-1.zip'));
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(result);

    const zip = unzipSync(readFileSync(join(out, 'run-1.zip')));
    expect(Object.keys(zip).sort()).toEqual(files.filter((f) => f !== 'run-1.zip').map((f) => `run-1/${f}`).sort());

    expect(verifyBundle(out)).toMatchObject({ ok: true, problems: [], files: manifest.files.length });
    expect(verifyBundle(join(out, 'run-1.zip'))).toMatchObject({ ok: true, problems: [] });
  });

  it('writes the environment and the cover e-mail with what certification needs', async () => {
    const out = join(freshParent(), 'bundle');
    const result = submissionVariant(loadFixture('sample'));
    await writeBundle(result, { outDir: out, lang: 'en' });
    const env = JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8'));
    expect(env).toMatchObject({
      node: process.version,
      checklist: { id: 'chapter7-express', sha256: result.checklist.sha256 },
      seed: 424242,
      pos: { name: 'Acme POS', version: '4.2.0', company: 'Acme Software SARL', email: 'integration@acme.example', integration: 'express', file: null },
      complete: true,
    });
    expect(env.checklist.file).toBe('checklists/chapter7-express.yaml');
    expect(env.os.platform).toBe(process.platform);
    const email = readFileSync(join(out, 'email.txt'), 'utf8');
    for (const needle of ['Acme POS', '4.2.0', 'Acme Software SARL', 'integration@acme.example', 'Express', 'PASSED', '424242', 'bundle.zip', 'manual.en.md', 'checklist.html', 'cashlogy-cert verify bundle.zip']) {
      expect(email).toContain(needle);
    }
    expect(readFileSync(join(out, 'transcripts', 'EXP-03.log'), 'utf8')).toContain('<- #WR:LEVEL#2000#1010#0#0#');
  });

  it('writes no e-mail for a run that is not a submission: a required item failed, or the run is incomplete', async () => {
    for (const [name, result] of [['failed', loadFixture('sample')], ['incomplete', incompleteVariant(submissionVariant(loadFixture('sample')))]] as const) {
      const out = join(freshParent(), name);
      await writeBundle(result, { outDir: out, lang: 'en' });
      expect(existsSync(join(out, 'checklist.md')), name).toBe(true);
      expect(existsSync(join(out, 'email.txt')), name).toBe(false);
      expect(Object.keys(unzipSync(readFileSync(join(out, `${name}.zip`)))).some((k) => k.endsWith('email.txt')), name).toBe(false);
      expect(verifyBundle(out)).toMatchObject({ ok: true, submission: { ok: false, complete: name === 'failed' } });
    }
  });

  it('reports every modified, missing and extra file by name', async () => {
    const out = join(freshParent(), 'tamper');
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' });
    writeFileSync(join(out, 'checklist.md'), 'changed\n');
    rmSync(join(out, 'transcripts', 'EXP-02.log'));
    writeFileSync(join(out, 'notes.txt'), 'extra\n');
    mkdirSync(join(out, 'more'));
    writeFileSync(join(out, 'more', 'deep.bin'), 'x');
    const report = verifyBundle(out);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { file: 'checklist.md', problem: 'modified', detail: 'sha256 differs' },
      { file: 'transcripts/EXP-02.log', problem: 'missing' },
      { file: 'more/deep.bin', problem: 'extra' },
      { file: 'notes.txt', problem: 'extra' },
    ]);
  });

  it('checks the zip: a missing, corrupt or tampered zip does not verify', async () => {
    const out = join(freshParent(), 'zipcheck');
    await writeBundle(submissionVariant(loadFixture('sample')), { outDir: out, lang: 'fr' });
    const zipPath = join(out, 'zipcheck.zip');
    const original = readFileSync(zipPath);

    const entries = unzipSync(original);
    entries['zipcheck/junit.xml'] = new TextEncoder().encode('<testsuites/>');
    delete entries['zipcheck/email.txt'];
    entries['zipcheck/evil.sh'] = new TextEncoder().encode('rm -rf /');
    writeFileSync(zipPath, zipSync(entries));
    expect(verifyBundle(zipPath).problems).toEqual([
      { file: 'email.txt', problem: 'missing' },
      { file: 'junit.xml', problem: 'modified', detail: 'sha256 differs' },
      { file: 'evil.sh', problem: 'extra' },
    ]);
    expect(verifyBundle(out).problems.map((p) => `${p.problem} ${p.file}`)).toEqual([
      'missing zipcheck.zip:email.txt',
      'modified zipcheck.zip:junit.xml',
      'extra zipcheck.zip:evil.sh',
    ]);

    writeFileSync(zipPath, original.subarray(0, 100));
    expect(verifyBundle(zipPath)).toMatchObject({ ok: false, problems: [{ file: 'zipcheck.zip', problem: 'modified' }] });

    rmSync(zipPath);
    expect(verifyBundle(out).problems).toEqual([{ file: 'zipcheck.zip', problem: 'missing' }]);
  });

  it('a bundle without a manifest, or with a hostile one, does not verify', async () => {
    const out = join(freshParent(), 'nomanifest');
    await writeBundle(loadFixture('sample'), { outDir: out, lang: 'fr' });
    const manifestPath = join(out, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, files: [...manifest.files, { path: '../../etc/passwd', sha256: 'x' }] }));
    expect(verifyBundle(out).problems[0]).toMatchObject({ file: 'manifest.json', problem: 'modified' });
    rmSync(manifestPath);
    expect(verifyBundle(out).problems).toEqual([{ file: 'manifest.json', problem: 'missing' }]);
    expect(() => verifyBundle(join(out, 'does-not-exist'))).toThrow(/no bundle at/);
  });

  it('writes nothing outside outDir whatever the item ids and POS name contain', async () => {
    const parent = freshParent();
    const out = join(parent, 'out');
    const hostile = loadFixture('hostile');
    const written = await writeBundle(hostile, { outDir: out, lang: 'en' });
    expect(readdirSync(parent)).toEqual(['out']);
    for (const path of written) expect(relative(out, path).startsWith('..')).toBe(false);
    const transcripts = readdirSync(join(out, 'transcripts')).sort();
    // "a/b" and "a-b" both become a-b: they must not overwrite each other.
    expect(transcripts).toEqual(['CPL-01.log', 'EXP-05.log', 'EXP-06.log', 'EXP-07.log', 'EXP-08.log', 'a-b-2.log', 'a-b.log', 'abs-olute-b-id-b.log', 'etc-passwd.log']);
    expect(existsSync('/etc/passwd.log')).toBe(false);
    expect(verifyBundle(out).ok).toBe(true);
  });

  it('replaces files atomically, leaves no temporary file, and drops what an earlier bundle in the folder left', async () => {
    const out = join(freshParent(), 'again');
    const result = loadFixture('sample');
    await writeBundle(result, { outDir: out, lang: 'fr' });
    const before = statSync(join(out, 'checklist.html')).ino;
    const shorter = { ...result, items: result.items.slice(0, 3) };
    await writeBundle(shorter, { outDir: out, lang: 'es' });
    // A new inode: the file was renamed into place, never truncated and rewritten where a reader could see half of it.
    expect(statSync(join(out, 'checklist.html')).ino).not.toBe(before);
    const files = listFiles(out);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(files).toContain('manual.es.md');
    expect(files).toContain('manual.es.html');
    expect(files).not.toContain('manual.fr.md');
    expect(files).not.toContain('manual.fr.html');
    expect(files.filter((f) => f.startsWith('transcripts/'))).toEqual(['transcripts/EXP-01.log', 'transcripts/EXP-02.log', 'transcripts/EXP-03.log']);
    expect(verifyBundle(out).ok).toBe(true);
  });

  it('handles an interrupted run with no item', async () => {
    const out = join(freshParent(), 'empty');
    const result = { ...loadFixture('sample'), items: [], interrupted: true, verdict: 'error' as const };
    result.summary = { total: 0, pass: 0, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0 };
    await writeBundle(result, { outDir: out, lang: 'en' });
    expect(existsSync(join(out, 'transcripts'))).toBe(false);
    expect(readFileSync(join(out, 'checklist.html'), 'utf8')).toContain('The run was interrupted');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('tests="0"');
    expect(verifyBundle(out).ok).toBe(true);
  });
});

describe('planBundle (the pure plan the CLI writes)', () => {
  const host: HostFacts = {
    node: 'v0.0.0-test',
    os: { platform: 'plan-os', type: 'PlanOS', release: '1.2.3', arch: 'plan64' },
    roots: { cwd: '/nowhere/work' },
    posFileSha256: null,
  };

  it('is a function of its inputs: the same result and host give the same bytes, zip included', () => {
    const result = submissionVariant(loadFixture('sample'));
    const a = planBundle(result, { name: 'b', lang: 'en', host });
    const b = planBundle(result, { name: 'b', lang: 'en', host });
    expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
    expect(sha256(a.zipFile.bytes)).toBe(sha256(b.zipFile.bytes));
    expect(a.zipFile.path).toBe('b.zip');
    expect(a.manifestFile.path).toBe('manifest.json');
  });

  it('records the host it is given, not the one it runs on', () => {
    const plan = planBundle(loadFixture('sample'), { name: 'b', lang: 'fr', host });
    const env = plan.files.find((f) => f.path === 'environment.json');
    expect(env).toBeDefined();
    const parsed = JSON.parse(Buffer.from(env?.bytes ?? new Uint8Array()).toString('utf8'));
    expect(parsed).toMatchObject({ node: 'v0.0.0-test', os: host.os });
  });

  it('lists every planned file in the manifest with its sha256 and size, and zips them under the bundle name', () => {
    const plan = planBundle(loadFixture('sample'), { name: 'b', lang: 'fr', host });
    const listed = new Map(plan.manifest.files.map((e) => [e.path, e]));
    expect(listed.size).toBe(plan.files.length);
    for (const file of plan.files) {
      expect(listed.get(file.path)).toEqual({ path: file.path, sha256: sha256(file.bytes), bytes: file.bytes.byteLength });
    }
    expect(JSON.parse(Buffer.from(plan.manifestFile.bytes).toString('utf8'))).toEqual(plan.manifest);
    const zip = unzipSync(plan.zipFile.bytes);
    expect(Object.keys(zip).sort()).toEqual([...plan.files.map((f) => `b/${f.path}`), 'b/manifest.json'].sort());
  });
});

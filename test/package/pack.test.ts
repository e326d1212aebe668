/**
 * What a POS project gets from `npm install --save-dev ./cashlogy-cert-x.y.z.tgz`: the package
 * is packed from a clean copy of this repository (as a fresh clone would pack it, `prepare`
 * compiling dist/), installed into a temporary project, and used there through `npx` the way
 * the README says. Slow (a TypeScript build and an npm install), so it is one test.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cashlogy-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    delete env['CI'];
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

describe('the npm package', () => {
  it('packs from a clean checkout, installs into a POS project, and `npx cashlogy-cert` runs there', async () => {
    // A clean copy: what git tracks (no dist/, no reports), with this checkout's node_modules for the build.
    const stage = join(work, 'stage');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; files: string[]; license: string };
    const tops = new Set([...pkg.files.filter((f) => !f.startsWith('!')).map((f) => f.split('/')[0] as string), 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'LICENSE']);
    tops.delete('dist');
    mkdirSync(stage);
    for (const top of tops) cpSync(join(ROOT, top), join(stage, top), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');

    const packed = await run(NPM, ['pack', '--pack-destination', work, '--json'], stage);
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const shipped = (info?.files ?? []).map((f) => f.path);
    const tarball = join(work, info?.filename as string);
    expect(existsSync(tarball)).toBe(true);

    // What the README promises is in the package, and nothing that points at what is not.
    for (const must of ['LICENSE', 'README.md', 'bin/cashlogy-cert.js', 'dist/cli/main.js', 'dist/index.d.ts', 'examples/pos/http.yaml', 'schema/checklist.schema.json', 'schema/pos-hook.openapi.yaml', 'schema/control-api.openapi.yaml', 'templates/init/pos.yaml.hbs', 'reports/compiled.cjs', 'checklists/compiled.json', 'simulator/compiled.json', 'docs/runner.md']) {
      expect(shipped, must).toContain(must);
    }
    expect(shipped.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(shipped.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain(`${pkg.license} License`);

    // A POS project installs it as a dev dependency, from the tarball.
    const project = join(work, 'acme-pos');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'acme-pos', version: '1.0.0', private: true }, null, 2));
    const installed = await run(NPM, ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    expect(installed.code, installed.stderr).toBe(0);
    const home = join(project, 'node_modules', pkg.name);
    const dist = filesUnder(join(home, 'dist'));
    expect(dist.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(20);
    for (const js of dist.filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(join(home, 'dist', js), 'utf8'), `dist/${js} names a source map the package does not ship`).not.toMatch(/sourceMappingURL=(?!data:)/);
    }

    // The shipped checklist against the bundled reference POS, from the installed package.
    const first = await run(NPX, ['--no-install', 'cashlogy-cert', 'run', '--only', 'EXP-01', '--time-scale', '0.02', '--ci', '--lang', 'en', '--out', 'reports/first'], project);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/✓ EXP-01/);
    expect(existsSync(join(project, 'reports/first/result.json'))).toBe(true);

    // `init` finds its templates in the installed package, and its pos.yaml points editors at the installed schema.
    const init = await run(NPX, ['--no-install', 'cashlogy-cert', 'init', '--yes', '--dir', 'cert'], project);
    expect(init.code, init.stderr).toBe(0);
    const profile = readFileSync(join(project, 'cert', 'pos.yaml'), 'utf8');
    expect(profile.split('\n')[0]).toBe(`# yaml-language-server: $schema=../node_modules/${pkg.name}/schema/pos.schema.json`);
    const validate = await run(NPX, ['--no-install', 'cashlogy-cert', 'validate', 'cert/pos.yaml'], project);
    expect(validate.code, validate.stderr).toBe(0);
  }, 600_000);
});

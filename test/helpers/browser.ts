/**
 * Where the browser tests get their headless Chromium, so that `npm ci && npm test` works on a
 * machine that has nothing but Node and npm.
 *
 * Lookup order (the first that applies wins):
 *  1. `CHROMIUM_PATH` — an explicit executable. If it is set but unusable the tests fail: a
 *     typo there should never quietly fall through to another browser.
 *  2. A system Chromium found on `PATH` as `chromium`, `chromium-browser` or `google-chrome`.
 *     `CASHLOGY_TEST_NO_SYSTEM_BROWSER=1` skips this step, to prove that step 3 works on a
 *     machine that happens to have a system browser.
 *  3. The Chromium shipped inside the `@sparticuz/chromium` devDependency. Its binary is
 *     brotli-compressed in the package and extracted once per package version and user into
 *     `<tmpdir>/cashlogy-cert-chromium-<version>-<uid>/`, then reused by later runs. If the
 *     system lacks the NSS/NSPR/expat libraries that binary links against, the copies the
 *     package ships are put on LD_LIBRARY_PATH and the launch is tried again.
 *
 * When none of them gives a browser, launching throws and the test fails with a message saying
 * how to provide one: a browser test that silently skips is a browser test that never runs.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

export const NPM_CHROMIUM = '@sparticuz/chromium';
export const SYSTEM_BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

/** Flags for every case: no first-run UI and no background traffic to the outside world. */
const QUIET_ARGS = ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** A desktop Chromium run as root (CI is root) refuses to start without --no-sandbox. */
const SYSTEM_ARGS = ['--no-sandbox', '--disable-gpu', ...QUIET_ARGS];

/**
 * The package's flags are tuned for serverless sandboxes. --single-process kills the whole
 * browser when a test closes its first page, and the two security relaxations would let a page
 * pass here that a customer's desktop browser blocks.
 */
const SERVERLESS_ONLY_ARGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

export type BrowserSource = 'CHROMIUM_PATH' | 'PATH' | 'npm';

export interface BrowserChoice {
  source: BrowserSource;
  executablePath: string;
  args: string[];
  /**
   * Libraries to put on LD_LIBRARY_PATH if the binary cannot load the system's: the npm-shipped
   * Chromium links against NSS, NSPR and expat, which a bare Node image may lack.
   */
  fallbackLibraryPath?: string;
}

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  /** The npm package holding the fallback binary; a seam so tests can simulate its absence. */
  npmPackage?: string;
}

export class BrowserUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserUnavailableError';
  }
}

const HOW_TO_PROVIDE =
  'Provide a browser for the browser tests: run `npm ci` (it installs the Chromium shipped in the ' +
  `${NPM_CHROMIUM} devDependency), or set CHROMIUM_PATH to a Chromium or Chrome executable.`;

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of SYSTEM_BROWSER_NAMES found on the given PATH, like `command -v` would. */
export function findOnPath(pathVar: string | undefined): string | undefined {
  const dirs = (pathVar ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of SYSTEM_BROWSER_NAMES) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Decides which browser to use, extracting the npm-shipped one if it comes to that. */
export async function locateBrowser(options: LocateOptions = {}): Promise<BrowserChoice> {
  const env = options.env ?? process.env;
  const explicit = env['CHROMIUM_PATH'];
  if (explicit !== undefined && explicit !== '') {
    if (!isExecutableFile(explicit)) {
      throw new BrowserUnavailableError(`CHROMIUM_PATH=${explicit} is not an executable file. Point it at a Chromium or Chrome binary, or unset it to use the one from ${NPM_CHROMIUM}.`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: explicit, args: SYSTEM_ARGS };
  }
  if (env['CASHLOGY_TEST_NO_SYSTEM_BROWSER'] !== '1') {
    const found = findOnPath(env['PATH']);
    if (found !== undefined) return { source: 'PATH', executablePath: found, args: SYSTEM_ARGS };
  }
  return npmChromium(options.npmPackage ?? NPM_CHROMIUM, env);
}

async function npmChromium(pkg: string, env: NodeJS.ProcessEnv): Promise<BrowserChoice> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch (err) {
    const hint = env['CASHLOGY_TEST_NO_SYSTEM_BROWSER'] === '1' ? ' (CASHLOGY_TEST_NO_SYSTEM_BROWSER=1 ruled out a system browser)' : '';
    throw new BrowserUnavailableError(`No Chromium found: CHROMIUM_PATH is not set, none of ${SYSTEM_BROWSER_NAMES.join(', ')} is on PATH${hint}, and ${pkg} is not installed. ${HOW_TO_PROVIDE}`, { cause: err });
  }
  const version = packageVersion(entry, pkg);
  const uid = process.getuid?.() ?? 'user';
  const home = join(tmpdir(), `cashlogy-cert-chromium-${version}-${uid}`);
  const binary = join(home, 'chromium');
  if (!existsSync(binary)) await extractInto(home, entry, pkg);
  const mod = (await import(pathToFileURL(entry).href)) as { default: { args: string[] } };
  const args = mod.default.args.filter((arg) => !SERVERLESS_ONLY_ARGS.has(arg));
  return { source: 'npm', executablePath: binary, args: [...args, ...QUIET_ARGS], fallbackLibraryPath: join(home, 'al2023', 'lib') };
}

function packageVersion(entry: string, pkg: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
    if (parsed.name === pkg && typeof parsed.version === 'string') return parsed.version;
  }
  throw new BrowserUnavailableError(`Cannot find the package.json of ${pkg} above ${entry}. ${HOW_TO_PROVIDE}`);
}

/**
 * The package always extracts into os.tmpdir() and trusts whatever `chromium` file it finds
 * there, so two test files extracting at once could launch a half-written binary. Extracting in
 * a child process with TMPDIR pointed at a private staging directory, then renaming that
 * directory into place, publishes the binary atomically and leaves this process's environment
 * alone.
 */
async function extractInto(home: string, entry: string, pkg: string): Promise<void> {
  const staging = mkdtempSync(`${home}.staging-`);
  try {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(entry).href)}); process.stdout.write(await m.default.executablePath());`;
    let produced: string;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        // The package unpacks its own NSS/NSPR/expat (al2023.tar.br) only when it believes it
        // runs on AWS Lambda's Node 20 image; that is the variable it reads.
        env: { ...process.env, TMPDIR: staging, AWS_LAMBDA_JS_RUNTIME: 'nodejs20.x' },
        maxBuffer: 1024 * 1024,
      });
      produced = stdout.trim();
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new BrowserUnavailableError(`Extracting the Chromium of ${pkg} into ${staging} failed${stderr ? `: ${stderr}` : ''}. ${HOW_TO_PROVIDE}`, { cause: err });
    }
    if (produced !== join(staging, 'chromium') || !isExecutableFile(produced)) {
      throw new BrowserUnavailableError(`${pkg} reported its Chromium at ${JSON.stringify(produced)}, expected an executable ${join(staging, 'chromium')}. ${HOW_TO_PROVIDE}`);
    }
    try {
      renameSync(staging, home);
    } catch (err) {
      // Another test file published the same version first; its copy is as good as ours.
      if (isExecutableFile(join(home, 'chromium'))) return;
      // A directory left without its binary (say, by a tmp cleaner) would block every later
      // run: replace it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      rmSync(home, { recursive: true, force: true });
      renameSync(staging, home);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Launches headless Chromium for a test file. Call it in beforeAll and close the browser in
 * afterAll, so no Chromium process outlives the file.
 */
export async function launchTestBrowser(options: LocateOptions = {}): Promise<Browser> {
  const choice = await locateBrowser(options);
  const launch = (env?: Record<string, string>) => chromium.launch({ executablePath: choice.executablePath, args: choice.args, headless: true, ...(env ? { env } : {}) });
  try {
    try {
      return await launch();
    } catch (err) {
      const libs = choice.fallbackLibraryPath;
      if (libs === undefined || !/error while loading shared libraries/.test((err as Error).message)) throw err;
      const inherited = process.env['LD_LIBRARY_PATH'];
      const env = { ...process.env, LD_LIBRARY_PATH: inherited ? `${libs}${delimiter}${inherited}` : libs } as Record<string, string>;
      return await launch(env);
    }
  } catch (err) {
    const how = choice.source === 'CHROMIUM_PATH' ? 'Check CHROMIUM_PATH, or unset it. ' : '';
    throw new BrowserUnavailableError(`Launching ${choice.executablePath} (from ${choice.source}) failed: ${(err as Error).message}. ${how}${HOW_TO_PROVIDE}`, { cause: err });
  }
}

/**
 * Running the `cashlogy-cert` CLI from tests: as a real child process (the way users run it, for
 * exit codes, signals and files) or as `main` in this process (fast, for usage and validation
 * errors that stop before anything starts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const TSX = import.meta.resolve('tsx');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory; default a fresh temp folder. */
  cwd?: string;
  /** Added to the runner's environment (child) or the whole environment (in process). */
  env?: NodeJS.ProcessEnv;
  /** Called with everything printed so far on each stdout chunk (e.g. to send a signal at a point). */
  onStdout?: (text: string, child: ChildProcess) => void;
}

/** The CLI as a child process (`node --import tsx src/cli/main.ts …`), colours off. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<Ran> {
  // A key given as undefined is removed (e.g. `{CI: undefined}` runs as outside CI).
  const env = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...options.env }).filter(([, v]) => v !== undefined));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'cashlogy-cli-')),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      options.onStdout?.(stdout, child);
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `main` in this process with only the environment given (`NO_COLOR` added), in `cwd` (default the temp dir). */
export async function runMain(args: readonly string[], options: Omit<CliOptions, 'onStdout'> = {}): Promise<Ran & { code: number }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (o += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (e += c));
  const code = await main([...args], {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? tmpdir(),
    interrupted: new Promise(() => undefined),
  });
  return { code, stdout: o, stderr: e };
}

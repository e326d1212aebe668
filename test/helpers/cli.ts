/**
 * Running the `cashlogy-cert` CLI from tests: as a real child process (the way users run it, for
 * exit codes, signals and files) or as `main` in this process (fast, for usage and validation
 * errors that stop before anything starts).
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { tempDir } from './temp.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const TSX = import.meta.resolve('tsx');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory; default a fresh temp folder, removed after the test file. */
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
      cwd: options.cwd ?? tempDir('cashlogy-cli-'),
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

/** A long-running CLI command (`simulate`, `proxy`) started from a test, read line by line. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout, one line at a time. */
  lines: AsyncIterableIterator<string>;
  exit: Promise<number | null>;
  /** Everything printed on stderr so far. */
  stderr(): string;
}

const started: { child: ChildProcessWithoutNullStreams; group: boolean }[] = [];

/**
 * Starts `cashlogy-cert <args>` in the repository, colours off. By default one process (node with
 * tsx's loader), so a kill can never orphan a child. `group: true` starts it through the tsx
 * launcher in its own process group, as a terminal runs it: a signal to the group reaches every
 * process, like Ctrl-C. stopCliProcesses() (in afterEach) kills whatever is still running.
 */
export function startCli(args: readonly string[], options: { group?: boolean; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const group = options.group === true;
  const [command, argv] = group
    ? [join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', ...args]]
    : [process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: group,
  });
  started.push({ child, group });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr += s));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exit, stderr: () => stderr };
}

/** Kills every process startCli started that is still running (its whole group when it has one). */
export function stopCliProcesses(): void {
  for (const { child, group } of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      if (group) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

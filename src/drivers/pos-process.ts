/**
 * What the `http` and `command` drivers share: the hook port, the environment every process
 * gets (the runner's, or a minimal set with `inheritEnv: false`, plus `driver.env`, CASHLOGY_HOST,
 * CASHLOGY_PORT, POS_HOOK_PORT, and CASHLOGY_TICKETS_DIR for a tickets integration), and the optional long-running POS
 * process (`driver.start`) with its captured output.
 */
import { isAbsolute, resolve } from 'node:path';
import { RuntimeError } from '../errors.js';
import type { DriverConfig } from '../pos/types.js';
import { describeStderr, OutputBuffer, substitute, type DriverContext, type DriverTarget } from './driver.js';
import { freePort } from './ports.js';
import { spawnTree, type TreeProcess } from './process-tree.js';

export class PosProcessHost {
  hookPort: number | undefined;
  target: DriverTarget | undefined;
  private process: TreeProcess | undefined;
  private readonly emptyOutput = new OutputBuffer();

  constructor(
    private readonly config: DriverConfig,
    private readonly context: DriverContext,
  ) {}

  get cwd(): string {
    const dir = this.config.cwd;
    if (dir === undefined) return this.context.baseDir;
    return isAbsolute(dir) ? dir : resolve(this.context.baseDir, dir);
  }

  /** The environment of a started process: the runner's (all of it, or with `inheritEnv: false` the minimal set), `driver.env`, then ours. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...(this.config.inheritEnv === false ? minimalEnv(this.context.env) : this.context.env),
      ...(this.config.env ?? {}),
      CASHLOGY_HOST: this.target?.host ?? '127.0.0.1',
      CASHLOGY_PORT: String(this.target?.port ?? ''),
      POS_HOOK_PORT: String(this.hookPort ?? ''),
      ...(this.target?.ticketsDir !== undefined ? { CASHLOGY_TICKETS_DIR: this.target.ticketsDir } : {}),
      ...extra,
    };
  }

  values(extra: Record<string, string | number | undefined> = {}): Record<string, string | number | undefined> {
    return { hookPort: this.hookPort, host: this.target?.host, port: this.target?.port, ...extra };
  }

  async prepare(target: DriverTarget): Promise<void> {
    this.target = target;
    this.hookPort ??= await freePort();
  }

  /** Start `driver.start` if configured. Throws a DRIVER RuntimeError when it cannot be spawned. */
  startProcess(): TreeProcess | undefined {
    const argv = this.config.start;
    if (!argv || argv.length === 0) return undefined;
    const resolved = argv.map((a) => substitute(a, this.values()));
    this.process = spawnTree(resolved, { cwd: this.cwd, env: this.env() });
    return this.process;
  }

  get started(): TreeProcess | undefined {
    return this.process;
  }

  /** A sentence about the started process having died, or undefined while it runs. */
  deathNotice(): string | undefined {
    const p = this.process;
    if (!p || !p.hasExited()) return undefined;
    const code = p.child.exitCode;
    const signal = p.child.signalCode;
    // Neither a code nor a signal: spawn itself failed (no such program), and said why on stderr.
    const how = signal ? `was killed by ${signal}` : code === null ? 'could not be started' : `exited with code ${code}`;
    const err = describeStderr(p.stderr.toString());
    return `the POS process (${(this.config.start ?? []).join(' ')}) ${how}${err ? `: ${err}` : ''}`;
  }

  stdout(): OutputBuffer {
    return this.process?.stdout ?? this.emptyOutput;
  }

  stderr(): OutputBuffer {
    return this.process?.stderr ?? this.emptyOutput;
  }

  output(): { stdout: string; stderr: string } {
    return { stdout: this.stdout().toString(), stderr: this.stderr().toString() };
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

/**
 * What a program needs from the environment to start at all: where programs are, the home and
 * temp folders, the locale and time zone (and on Windows the system folders). Names are matched
 * without regard to case, as Windows does.
 */
const MINIMAL_ENV = ['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE'];

export function minimalEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    const upper = name.toUpperCase();
    if (value !== undefined && (MINIMAL_ENV.includes(upper) || upper.startsWith('LC_'))) kept[name] = value;
  }
  return kept;
}

export function driverError(message: string, cause?: unknown): RuntimeError {
  return new RuntimeError('DRIVER', message, cause === undefined ? undefined : { cause });
}

/** An AbortSignal that fires on the caller's signal or after `ms`, and tells which. */
export function deadline(signal: AbortSignal, ms: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error('timeout'));
  }, ms);
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

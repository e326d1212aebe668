/**
 * `command` driver: one program run per action (`actions: {sale: ["node", "pos.js", "sale",
 * "{amount}"]}`). Exit code 0 and the last non-empty stdout line is the outcome JSON;
 * anything else is a driver error naming the command, its exit code and the end of stderr.
 * Each action's process tree is stopped when the action ends, whatever happened.
 */
import { formatDuration } from '../duration.js';
import type { CommandDriverConfig, PosAction } from '../pos/types.js';
import {
  DEFAULT_ACTION_TIMEOUTS_MS,
  describeStderr,
  parseOutcome,
  substitute,
  type ActionBody,
  type DriverContext,
  type DriverTarget,
  type PerformOptions,
  type PerformResult,
  type PosDriver,
} from './driver.js';
import { PosProcessHost } from './pos-process.js';
import { spawnTree, type TreeProcess } from './process-tree.js';

export class CommandDriver implements PosDriver {
  readonly type = 'command';
  private readonly host: PosProcessHost;
  private readonly running = new Set<TreeProcess>();

  constructor(
    private readonly config: CommandDriverConfig,
    context: DriverContext,
  ) {
    this.host = new PosProcessHost(config, context);
  }

  get hookPort(): number | undefined {
    return this.host.hookPort;
  }

  async start(target: DriverTarget): Promise<void> {
    await this.host.prepare(target);
    this.host.startProcess();
  }

  async perform(action: PosAction, body: ActionBody, options: PerformOptions): Promise<PerformResult> {
    const template = this.config.actions[action];
    if (!template || template.length === 0) {
      return { error: `the command driver has no command for "${action}" (add driver.actions.${action} to pos.yaml)` };
    }
    // The long-running part of the POS is gone: every action would be judged against a dead POS.
    const death = this.host.deathNotice();
    if (death) return { error: death };
    const argv = template.map((a) => substitute(a, this.host.values({ amount: body.amount ?? '', action })));
    const shown = argv.join(' ');
    const timeoutMs = options.timeoutMs || this.config.timeoutsMs?.[action] || DEFAULT_ACTION_TIMEOUTS_MS[action];
    let proc: TreeProcess;
    try {
      proc = spawnTree(argv, {
        cwd: this.host.cwd,
        env: this.host.env({ POS_ACTION: action, ...(body.amount !== undefined ? { POS_AMOUNT: String(body.amount) } : {}) }),
      });
    } catch (err) {
      return { error: `could not start \`${shown}\`: ${(err as Error).message}` };
    }
    this.running.add(proc);
    let timer: NodeJS.Timeout | undefined;
    let why: 'timeout' | 'abort' | undefined;
    const stopped = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        why = 'timeout';
        resolve();
      }, timeoutMs);
      const onAbort = () => {
        why = 'abort';
        resolve();
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
    const result = await Promise.race([proc.exited, stopped.then(() => undefined)]);
    clearTimeout(timer);
    // Also reaps grandchildren the action left behind in its process group.
    await proc.stop(1000);
    this.running.delete(proc);
    const stdout = proc.stdout.toString();
    const stderr = proc.stderr.toString();
    const captured = { stdout, stderr };
    if (result === undefined) {
      return why === 'timeout'
        ? { error: `\`${shown}\` did not finish within ${formatDuration(timeoutMs)} (stopped)`, timedOut: true, ...captured }
        : { error: `\`${shown}\` abandoned (${String(options.signal.reason ?? 'aborted')})`, ...captured };
    }
    const said = describeStderr(stderr);
    if (result.code !== 0) {
      const how = result.signal ? `was killed by ${result.signal}` : result.code === null ? 'could not run' : `exited with code ${result.code}`;
      return { error: `\`${shown}\` ${how}${said ? `: ${said}` : ''}`, ...captured };
    }
    const last = stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .pop();
    if (last === undefined) return { error: `\`${shown}\` exited 0 but printed no outcome line on stdout${said ? `; stderr: ${said}` : ''}`, ...captured };
    const parsed = parseOutcome(last);
    if ('error' in parsed) return { error: `\`${shown}\`: the last stdout line is ${parsed.error}`, ...captured };
    return { outcome: parsed.outcome, ...captured };
  }

  output(): { stdout: string; stderr: string } {
    return this.host.output();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running].map((p) => p.stop(1000)));
    await this.host.stop();
  }
}

export function commandDriver(config: CommandDriverConfig, context: DriverContext): PosDriver {
  return new CommandDriver(config, context);
}

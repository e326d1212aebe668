/**
 * Child processes that never outlive the run.
 *
 * Each POS process is spawned detached, i.e. as the leader of its own process group, so that
 * its children and grandchildren can be signalled together. Stopping sends SIGTERM to the
 * group (and to any descendant that moved to another group, found through /proc), waits a
 * grace period, then SIGKILLs whatever is left. A process-exit hook SIGKILLs every group
 * still alive if the runner itself dies, so Ctrl-C, a crash or a timeout leaves no orphan.
 *
 * A daemon the POS double-forked (`setsid sh -c 'sleep 300 & exit 0'`) is in neither the group
 * nor the tree, yet it holds the POS's output pipes, which would keep the runner waiting (and
 * alive) until it dies. Once the leader has exited and its output is quiet for a moment, the
 * processes still holding those pipes are found through /proc, named in the captured stderr,
 * and stopped; the pipes are then closed on our side whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { OutputBuffer } from './driver.js';

export interface TreeProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;
  /** Resolves with the exit code (or the signal name) once the leader has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the leader exited. */
  hasExited(): boolean;
  /** Processes outside the tree that held its output open after the leader exited (stopped). */
  readonly escaped: readonly EscapedProcess[];
  /** Stop the whole tree: SIGTERM, then SIGKILL after `graceMs`. Safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

export interface EscapedProcess {
  pid: number;
  command: string;
}

/** How long the output may stay open after the leader exited before its holders are hunted down. */
const PIPE_GRACE_MS = 500;

export interface SpawnTreeOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Feed stdin (closed afterwards); by default stdin is /dev/null. */
  input?: string;
  /** Called with each chunk of output (already decoded as UTF-8). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

const live = new Set<TreeProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) killGroup(p.pid, 'SIGKILL', descendants(p.pid));
  });
}

/** Processes started by this module that have not been stopped yet (tests check it is empty). */
export function liveProcessCount(): number {
  return live.size;
}

export function spawnTree(argv: readonly string[], options: SpawnTreeOptions = {}): TreeProcess {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('empty command');
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const stdout = new OutputBuffer();
  const stderr = new OutputBuffer();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout.append(chunk);
    options.onOutput?.('stdout', chunk);
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr.append(chunk);
    options.onOutput?.('stderr', chunk);
  });
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  let exitedFlag = false;
  const escaped: EscapedProcess[] = [];
  // The child's ends of its output channels, read while it surely still holds them.
  const pipes = [1, 2].map((fd) => outputChannel(child.pid, fd)).filter((x): x is string => x !== undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' waits for stdio to drain too, so the captured output is complete.
    child.once('close', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
    child.once('exit', (code, signal) => {
      // The leader is gone; if its pipes are still open after a grace period, something that
      // escaped the tree holds them: stop it and close our side, so nothing waits on it.
      const timer = setTimeout(() => {
        for (const holder of pipeHolders(pipes)) {
          escaped.push(holder);
          stderr.append(`[cashlogy-cert] stopped process ${holder.pid} (${holder.command}): it escaped the POS's process tree and kept its output open\n`);
          try {
            process.kill(holder.pid, 'SIGKILL');
          } catch {
            // Gone meanwhile.
          }
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
        exitedFlag = true;
        resolve({ code, signal });
      }, PIPE_GRACE_MS);
      timer.unref();
      child.once('close', () => clearTimeout(timer));
    });
    child.once('error', (err) => {
      exitedFlag = true;
      stderr.append(`${err.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  const pid = child.pid ?? -1;
  let stopping: Promise<void> | undefined;
  const tree: TreeProcess = {
    pid,
    child,
    stdout,
    stderr,
    exited,
    hasExited: () => exitedFlag,
    escaped,
    stop(graceMs = 3000) {
      stopping ??= stopGroup(tree, graceMs).finally(() => live.delete(tree));
      return stopping;
    },
  };
  if (pid > 0) live.add(tree);
  else void exited.then(() => live.delete(tree));
  return tree;
}

/**
 * `socket:[inode]` (or `pipe:[…]`) of a child's output descriptor (Linux /proc), to find later
 * who else holds it: Node gives children a socket pair, and whoever inherits the child's end
 * shares that inode.
 */
function outputChannel(pid: number | undefined, fd: number): string | undefined {
  if (pid === undefined) return undefined;
  try {
    const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    return link.startsWith('socket:') || link.startsWith('pipe:') ? link : undefined;
  } catch {
    return undefined;
  }
}

/** Processes (other than this one) with one of these pipes open. Linux /proc; empty elsewhere. */
function pipeHolders(pipes: readonly string[]): EscapedProcess[] {
  if (pipes.length === 0) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const holders: EscapedProcess[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return pipes.includes(readlinkSync(`/proc/${name}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid: Number(name), command: commandLine(Number(name)) });
  }
  return holders;
}

function commandLine(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return text.length > 120 ? `${text.slice(0, 117)}…` : text || '?';
  } catch {
    return '?';
  }
}

async function stopGroup(tree: TreeProcess, graceMs: number): Promise<void> {
  if (tree.pid <= 0) return;
  const extra = descendants(tree.pid);
  if (!groupAlive(tree.pid) && extra.every((p) => !pidAlive(p))) {
    await tree.exited;
    return;
  }
  killGroup(tree.pid, 'SIGTERM', extra);
  // The leader's exit is when a POS of one process is gone: look again then, not at the next poll.
  if (!(await waitUntil(() => !groupAlive(tree.pid) && extra.every((p) => !pidAlive(p)), graceMs, tree.exited))) {
    killGroup(tree.pid, 'SIGKILL', [...extra, ...descendants(tree.pid)]);
    await waitUntil(() => !groupAlive(tree.pid) && extra.every((p) => !pidAlive(p)), 5000, tree.exited);
  }
  await exitedOrAfter(tree, 1000);
}

/** The tree's exit, or `limitMs` at most; the timer goes with it, so a stopped POS keeps no process alive. */
async function exitedOrAfter(tree: TreeProcess, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([tree.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals, extra: number[]): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
  for (const p of extra) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Every descendant of `root` (Linux /proc; empty elsewhere). Catches a grandchild that called
 * setsid() and left the process group.
 */
export function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const result: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    for (const c of children.get(pid) ?? []) {
      result.push(c);
      queue.push(c);
    }
  }
  return result;
}

/** Tests every 20 ms, and at once when `wake` settles, until `test` holds or `limitMs` passed. */
async function waitUntil(test: () => boolean, limitMs: number, wake?: Promise<unknown>): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  let pendingWake = wake;
  while (performance.now() < deadline) {
    if (test()) return true;
    const woken = await sleepUnless(20, pendingWake);
    if (woken) pendingWake = undefined;
  }
  return test();
}

/** True when `wake` settled first; the timer is cleared either way. */
async function sleepUnless(ms: number, wake: Promise<unknown> | undefined): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await (wake === undefined ? slept : Promise.race([slept, wake.then(() => true as const, () => true as const)]));
  } finally {
    clearTimeout(timer);
  }
}

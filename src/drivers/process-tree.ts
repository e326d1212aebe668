/**
 * Child processes that never outlive the run.
 *
 * Each POS process is spawned detached, i.e. as the leader of its own process group, so that
 * its children and grandchildren can be signalled together. Stopping sends SIGTERM to the
 * group (and to any descendant that moved to another group, found through /proc), waits a
 * grace period, then SIGKILLs whatever is left. A process-exit hook SIGKILLs every group
 * still alive if the runner itself dies, so Ctrl-C, a crash or a timeout leaves no orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  /** Stop the whole tree: SIGTERM, then SIGKILL after `graceMs`. Safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' waits for stdio to drain too, so the captured output is complete.
    child.once('close', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
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
    stop(graceMs = 3000) {
      stopping ??= stopGroup(tree, graceMs).finally(() => live.delete(tree));
      return stopping;
    },
  };
  if (pid > 0) live.add(tree);
  else void exited.then(() => live.delete(tree));
  return tree;
}

async function stopGroup(tree: TreeProcess, graceMs: number): Promise<void> {
  if (tree.pid <= 0) return;
  const extra = descendants(tree.pid);
  if (!groupAlive(tree.pid) && extra.every((p) => !pidAlive(p))) {
    await tree.exited;
    return;
  }
  killGroup(tree.pid, 'SIGTERM', extra);
  if (!(await waitUntil(() => !groupAlive(tree.pid) && extra.every((p) => !pidAlive(p)), graceMs))) {
    killGroup(tree.pid, 'SIGKILL', [...extra, ...descendants(tree.pid)]);
    await waitUntil(() => !groupAlive(tree.pid) && extra.every((p) => !pidAlive(p)), 5000);
  }
  await Promise.race([tree.exited, sleep(1000)]);
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

async function waitUntil(test: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (test()) return true;
    await sleep(20);
  }
  return test();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

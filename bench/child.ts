/**
 * Server processes for the side-by-side benchmarks: spawn one, read its stdout the way a CI log
 * reader does (every byte consumed, as fast as it comes), find its port in the listening line,
 * read its resident memory, and stop it. Everything on 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BenchFailure } from './types.js';

/** Every process the bench started and that has not exited: the watchdog ends them. */
const live = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Kill the processes this bench started (and only those), e.g. when the watchdog fires. */
export function killStarted(): void {
  for (const child of live) child.kill('SIGKILL');
}

export interface ServerProcess {
  /** What it is, for messages ("simulate --json"). */
  label: string;
  pid: number;
  port: number;
  /** ms from spawn until the listening line was read. */
  startMs: number;
  /** Bytes the bench has read from its stdout so far (the log it wrote). */
  stdoutBytes(): number;
  /** Resident set size now, bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Finds the protocol port in one stdout line, or undefined when this is not the listening line. */
export type ListeningParser = (line: string) => number | undefined;

/** `{"event":"listening","port":N,…}`: simulate --json and the raw server. */
export const jsonListening: ListeningParser = (line) => {
  if (!line.startsWith('{"event":"listening"')) return undefined;
  const port = (JSON.parse(line) as { port?: unknown }).port;
  return typeof port === 'number' ? port : undefined;
};

/** `  protocol  127.0.0.1:8092   (point the POS here)`: simulate's human log. */
export const humanListening: ListeningParser = (line) => {
  const match = /^\s*protocol\s+\S+:(\d+)\b/.exec(line);
  return match ? Number(match[1]) : undefined;
};

/** Resident memory of a process, from /proc on Linux, else from `ps`. */
export function rssOf(pid: number): number {
  if (process.platform === 'linux') {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new BenchFailure(`no VmRSS in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

export function startServer(label: string, command: string, args: readonly string[], listening: ListeningParser, timeoutMs = 20_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    track(child);
    let bytes = 0;
    let partial = '';
    let stderr = '';
    let port: number | undefined;
    let exited = false;
    const exitedPromise = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchFailure(`${label}: no listening line within ${timeoutMs} ms (stderr: ${stderr.slice(0, 500)})`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      exited = true;
      if (port === undefined) {
        clearTimeout(timer);
        reject(new BenchFailure(`${label} exited (${signal ?? code}) before listening: ${stderr.slice(0, 500)}`));
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (port !== undefined) return; // a log reader: consumed, not kept
      partial += chunk.toString('utf8');
      let newline: number;
      while (port === undefined && (newline = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        port = listening(line);
      }
      if (port === undefined) return;
      partial = '';
      clearTimeout(timer);
      const pid = child.pid ?? -1;
      const startMs = performance.now() - start;
      resolve({
        label,
        pid,
        port,
        startMs,
        stdoutBytes: () => bytes,
        rss: () => rssOf(pid),
        stop: async () => {
          if (exited) return;
          child.kill('SIGINT');
          const late = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exitedPromise;
          clearTimeout(late);
        },
      });
    });
  });
}

export interface Exited {
  code: number | null;
  /** ms from spawn until the process exited and its output was read. */
  elapsedMs: number;
  stdout: string;
  stderr: string;
}

/** Run a process to its end, reading (and keeping) its output; killed after `timeoutMs`. */
export function runToEnd(command: string, args: readonly string[], timeoutMs: number, cwd?: string): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd, env: { ...process.env, NO_COLOR: '1' } });
    track(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchFailure(`${[command, ...args].join(' ')} still running after ${timeoutMs} ms, killed`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, elapsedMs: performance.now() - start, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

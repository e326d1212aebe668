/**
 * `cashlogy-cert proxy` as a real child process, in front of a `cashlogy-cert simulate` child
 * process (the "real connector"): the --json first line (simulate's, plus "upstream"), the same
 * traffic event lines, Ctrl-C → exit 0; usage errors before anything listens.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';
import { TestClient, withTimeout } from '../server/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function cli(args: string[]): { child: ChildProcessWithoutNullStreams; lines: AsyncIterableIterator<string>; exit: Promise<number | null> } {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  child.stderr.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), exit };
}

async function nextJson(lines: AsyncIterableIterator<string>, what: string): Promise<Record<string, unknown>> {
  const next = await withTimeout(lines.next(), 30_000, what);
  if (next.done) throw new Error(`stdout ended before ${what}`);
  return JSON.parse(next.value) as Record<string, unknown>;
}

describe('cashlogy-cert proxy (child processes)', () => {
  it('--json: the listening line with "upstream", traffic events as simulate prints them, Ctrl-C → exit 0', async () => {
    const sim = cli(['simulate', '--port', '0', '--control-port', 'none', '--json', '--time-scale', '0.01']);
    const simListening = await nextJson(sim.lines, 'the simulator listening');
    const upstream = `127.0.0.1:${String(simListening.port)}`;
    const proxy = cli(['proxy', '--upstream', upstream, '--port', '0', '--control-port', '0', '--json', '--fault', 'latency:ms=50,on.command=I']);
    const listening = await nextJson(proxy.lines, 'the proxy listening');
    expect(Object.keys(listening)).toEqual(['event', 'host', 'port', 'controlPort', 'upstream']);
    expect(listening).toMatchObject({ event: 'listening', host: '127.0.0.1', upstream });
    expect(listening.port).toBeGreaterThan(0);
    expect(listening.controlPort).toBeGreaterThan(0);

    const c = await TestClient.open(listening.port as number);
    c.send('#I#');
    await c.expect('#0#');
    const events: Record<string, unknown>[] = [];
    while (!events.some((e) => e.event === 'traffic' && e.dir === 'out')) events.push(await nextJson(proxy.lines, 'the traffic events'));
    expect(events.find((e) => e.event === 'traffic' && e.dir === 'in')).toMatchObject({ conn: 1, data: '#I#' });
    expect(events.find((e) => e.event === 'fault')).toMatchObject({ conn: 1, fault: 'f1' });
    c.destroy();

    process.kill(-proxy.child.pid!, 'SIGINT');
    expect(await withTimeout(proxy.exit, 30_000, 'the proxy to exit')).toBe(0);
    process.kill(-sim.child.pid!, 'SIGINT');
    expect(await withTimeout(sim.exit, 30_000, 'the simulator to exit')).toBe(0);
  });
});

describe('cashlogy-cert proxy: usage errors (exit 1, before anything listens)', () => {
  it('without --upstream', async () => {
    const ran = await runMain(['proxy', '--port', '0']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/--upstream <host:port> is required/);
  });

  it('a malformed --upstream', async () => {
    const ran = await runMain(['proxy', '--upstream', 'connector-without-port']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/--upstream must be <host>:<port>.*connector-without-port/);
  });

  it('a domain fault', async () => {
    const ran = await runMain(['proxy', '--upstream', '127.0.0.1:9', '--port', '0', '--control-port', 'none', '--fault', 'note-jam']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/"note-jam" is a domain fault.*only transport faults/);
  });
});

/**
 * `cashlogy-cert simulate` as a real child process: the --json first-line contract, a command
 * over TCP, live JSON events, Ctrl-C → exit 0 with the port free again, port in use → exit 3.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient, withTimeout } from './helpers.js';
import { startCli, stopCliProcesses, type CliProcess } from '../helpers/cli.js';

/** What Ctrl-C in a terminal does: signal the whole foreground process group. */
function signalGroup(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  process.kill(-child.pid!, signal);
}

/** Through the tsx launcher in its own process group (not npx: npm's `sh -c` wrapper turns any Ctrl-C into exit 130). */
const simulate = (args: string[]): CliProcess => startCli(['simulate', ...args], { group: true });

async function nextLine(lines: AsyncIterableIterator<string>, what: string): Promise<string> {
  const next = await withTimeout(lines.next(), 30_000, what);
  if (next.done) throw new Error(`stdout ended before ${what}`);
  return next.value;
}

afterEach(stopCliProcesses);

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('cashlogy-cert simulate', () => {
  it('prints the listening line first, logs traffic as JSON events, and stops cleanly on SIGINT', async () => {
    const { child, lines, exit, stderr } = simulate(['--port', '0', '--control-port', '0', '--json', '--time-scale', '0.01']);
    const first = await nextLine(lines, 'the listening line');
    expect(first).toMatch(/^\{"event":"listening","host":"127\.0\.0\.1","port":\d+,"controlPort":\d+\}$/);
    const { port, controlPort } = JSON.parse(first) as { port: number; controlPort: number };
    expect(port).toBeGreaterThan(0);
    expect(controlPort).toBeGreaterThan(0);

    const client = await TestClient.open(port);
    await client.exchange('#I#', '#0#2.01#');
    client.destroy();

    const events: { event: string; dir?: string; data?: string }[] = [];
    while (!events.some((e) => e.event === 'traffic' && e.dir === 'out')) {
      events.push(JSON.parse(await nextLine(lines, 'the traffic events')) as (typeof events)[number]);
    }
    expect(events.filter((e) => e.event === 'traffic').map((e) => [e.dir, e.data])).toEqual([
      ['in', '#I#'],
      ['out', '#0#2.01#'],
    ]);
    expect(events[0]).toMatchObject({ event: 'connection' });

    const state = (await (await fetch(`http://127.0.0.1:${controlPort}/state`)).json()) as { initialized: boolean };
    expect(state.initialized).toBe(true);

    signalGroup(child, 'SIGINT');
    expect(await withTimeout(exit, 30_000, 'the simulator to exit')).toBe(0);
    expect(stderr()).toBe('');
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(controlPort)).toBe(true);
  });

  it('prints a readable banner without --json and stops on SIGTERM', async () => {
    const { child, lines, exit } = simulate(['--port', '0', '--control-port', '0', '--customer', 'auto', '--fault', 'latency:ms=10', '--seed', '7']);
    const banner: string[] = [];
    for (let i = 0; i < 5; i++) banner.push(await nextLine(lines, 'the banner'));
    expect(banner[0]).toBe('CashlogyConnector simulator · profile eur-pos1500 · time scale 1 · seed 7');
    expect(banner[1]).toMatch(/^ {2}protocol {2}127\.0\.0\.1:\d+ {3}\(point the POS here\)$/);
    expect(banner[2]).toMatch(/^ {2}control {3}http:\/\/127\.0\.0\.1:\d+\/ {3}\(web page and control API\)$/);
    expect(banner[3]).toBe('  customer  auto');
    expect(banner[4]).toMatch(/^ {2}fault {5}f1: /);
    const controlPort = Number(/:(\d+)\//.exec(banner[2]!)![1]);
    const faults = (await (await fetch(`http://127.0.0.1:${controlPort}/faults`)).json()) as { spec: unknown }[];
    expect(faults.map((f) => f.spec)).toEqual([expect.objectContaining({ type: 'latency', ms: 10 })]);
    signalGroup(child, 'SIGTERM');
    expect(await withTimeout(exit, 30_000, 'the simulator to exit')).toBe(0);
  });

  it('exits 3 with a clear message when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { exit, stderr } = simulate(['--port', String(port), '--control-port', '0']);
      expect(await withTimeout(exit, 30_000, 'the simulator to exit')).toBe(3);
      expect(stderr()).toContain(`error: cannot listen for the protocol on 127.0.0.1:${port}: port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects an invalid --fault as a usage error (exit 1) and a bad --faults file as invalid input (exit 2)', async () => {
    const arg = simulate(['--port', '0', '--control-port', '0', '--fault', '{"type":"note-jan"}']);
    expect(await withTimeout(arg.exit, 30_000, 'the simulator to exit')).toBe(1);
    expect(arg.stderr()).toContain('did you mean "note-jam"?');
    const dir = mkdtempSync(join(tmpdir(), 'cashlogy-faults-'));
    try {
      const file = join(dir, 'faults.yaml');
      writeFileSync(file, '- type: split\n  at: [3]\n- type: note-jan\n');
      const run = simulate(['--port', '0', '--control-port', '0', '--faults', file]);
      expect(await withTimeout(run.exit, 30_000, 'the simulator to exit')).toBe(2);
      expect(run.stderr()).toContain(`${file}:3:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 on a bad flag value', async () => {
    const { exit, stderr } = simulate(['--port', '0', '--time-scale', 'fast']);
    expect(await withTimeout(exit, 30_000, 'the simulator to exit')).toBe(1);
    expect(stderr()).toContain('--time-scale must be a number greater than 0');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { SimulatorHandle } from '../../src/server/types.js';

const MAIN = fileURLToPath(new URL('../../src/reference-pos/main.ts', import.meta.url));

let sim: SimulatorHandle | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await sim?.close();
  sim = undefined;
});

function startPos(args: string[], env: Record<string, string>): Promise<{ port: number; stderr: () => string }> {
  const proc = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => {
      const event = JSON.parse(line) as { event: string; port: number };
      expect(event.event).toBe('listening');
      resolve({ port: event.port, stderr: () => stderr });
    });
    proc.once('exit', (code) => reject(new Error(`reference POS exited with ${code}: ${stderr}`)));
  });
}

async function post(port: number, action: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/actions/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('reference POS as a child process behind its HTTP hook', () => {
  it('answers /health and POST /actions/*, and exits 0 on SIGTERM', async () => {
    sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: { mode: 'auto', pay: [2000] } });
    const pos = await startPos(['--integration', 'express'], {
      CASHLOGY_HOST: sim.host,
      CASHLOGY_PORT: String(sim.port),
      POS_HOOK_PORT: '0',
    });

    const health = await fetch(`http://127.0.0.1:${pos.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', integration: 'express' });

    expect(await post(pos.port, 'startup')).toMatchObject({ status: 200, json: { outcome: 'completed' } });
    expect(await post(pos.port, 'sale', { amount: 990 })).toMatchObject({
      status: 200,
      json: { outcome: 'completed', paid: 990, change: 1010, owed: 0 },
    });
    expect(await post(pos.port, 'sale', {})).toMatchObject({ status: 400, json: { error: expect.stringMatching(/amount/) } });
    expect(await post(pos.port, 'sale', '{not json')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/not JSON/) } });
    expect(await post(pos.port, 'fly')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/unknown action/) } });
    expect(sim.getState().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
    expect(pos.stderr()).toContain('→ #C#');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${pos.port}/health`)).rejects.toThrow();
  });

  it('refuses a bad --integration with a clear message and exit code 1', async () => {
    const proc = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, '--integration', 'screenless'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--integration must be express, complete, mixed or tickets, got "screenless"/);
  });
});

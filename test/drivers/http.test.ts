import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpDriver, hookPollMs } from '../../src/drivers/http.js';
import type { HttpDriverConfig } from '../../src/pos/types.js';
import { alive, context, driverPool, FIXTURES, readPid, signal, TARGET, tempFile } from './helpers.js';

const node = process.execPath;
const config = (args: string[] = [], over: Partial<HttpDriverConfig> = {}): HttpDriverConfig => ({
  type: 'http',
  url: 'http://127.0.0.1:{hookPort}/',
  start: [node, 'http-pos.mjs', ...args],
  ...over,
});

const { started, track } = driverPool((c: HttpDriverConfig, ctx) => new HttpDriver(c, ctx));

describe('http driver', () => {
  it('waits for a hook that is not ready yet, then posts actions with the environment set', async () => {
    const d = await started(config(['700']));
    const r = await d.perform('startup', {}, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome).toMatchObject({ outcome: 'completed', env: { host: '127.0.0.1', port: '18092', hook: String(d.hookPort) } });
    // What the POS printed reaches the runner through a pipe, independently of its HTTP reply: a
    // line printed just before replying may arrive just after it. The POS's output keeps it.
    await expect.poll(() => r.stdout + d.output().stdout).toContain('action startup {}');
  });

  it('a non-2xx reply is the POS reporting an error: a failed outcome plus the HTTP status', async () => {
    const d = await started(config());
    const r = await d.perform('sale', { amount: 666 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome).toEqual({ outcome: 'failed', message: '{"error":"printer jammed"}' });
    expect(r.error).toContain('HTTP 500 to POST /actions/sale');
    expect(r.stderr).toContain('printer jammed');
  });

  it('a 2xx body that is not an outcome is a driver error', async () => {
    const d = await started(config());
    const r = await d.perform('sale', { amount: 404 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome).toBeUndefined();
    expect(r.error).toBe('POST /actions/sale answered 200 but the body is not a JSON object: "not an outcome"');
  });

  it('cancel can be sent while the sale is still running', async () => {
    const d = await started(config());
    const sale = d.perform('sale', { amount: 990 }, { timeoutMs: 20_000, signal: signal() });
    // The fake POS answers the sale only once the cancel arrived: order, not time.
    let cancel = await d.perform('cancel', {}, { timeoutMs: 20_000, signal: signal() });
    for (let i = 0; i < 50 && !d.output().stdout.includes('action sale'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      cancel = await d.perform('cancel', {}, { timeoutMs: 20_000, signal: signal() });
    }
    expect(cancel.outcome?.outcome).toBe('completed');
    expect((await sale).outcome).toEqual({ outcome: 'cancelled', paid: 0 });
  });

  it('a POS that hangs past the action timeout is reported as timed out', async () => {
    const d = await started(config());
    const r = await d.perform('refund', { amount: 1 }, { timeoutMs: 500, signal: signal() });
    expect(r.timedOut).toBe(true);
    expect(r.error).toBe('the POS did not answer POST /actions/refund within 500ms');
  });

  it('a hook that never comes up fails start with a clear error, and the process tree is stopped', async () => {
    const c = { ...config(['600000']), readyTimeoutMs: 800 };
    const slow = new HttpDriver(c, context());
    track(slow);
    await expect(slow.start(TARGET)).rejects.toThrow(/did not accept connections within 800ms \(started: .*http-pos\.mjs 600000\)/);
  });

  it('a POS process that exits before its hook is ready fails start with its exit code', async () => {
    const d = new HttpDriver({ type: 'http', url: 'http://127.0.0.1:{hookPort}', start: [node, '-e', 'console.error("port in use"); process.exit(7)'] }, context());
    track(d);
    await expect(d.start(TARGET)).rejects.toThrow(/exited with code 7: port in use$/);
  });

  it('a start command whose script does not exist names the exit code and the "Cannot find module" line first', async () => {
    const d = new HttpDriver({ type: 'http', url: 'http://127.0.0.1:{hookPort}', start: [node, 'does-not-exist.js'] }, context());
    track(d);
    const err = await d.start(TARGET).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBeDefined();
    const [first, ...rest] = (err as Error).message.split('\n');
    expect(first).toBe(
      `the POS hook http://127.0.0.1:${d.hookPort} never accepted connections: the POS process (${node} does-not-exist.js) exited with code 1: ` +
        `Error: Cannot find module '${join(FIXTURES, 'does-not-exist.js')}'`,
    );
    expect(rest[0]).toBe('stderr ends with:');
    expect(rest.slice(1).length).toBeGreaterThan(0);
    expect(rest.join('\n')).not.toMatch(/^Node\.js v/m);
  });

  it('stop ends the whole tree of the started POS, grandchild included', async () => {
    const pidFile = tempFile('pid');
    const d = await started(config(['0', pidFile]));
    const grandchild = await readPid(pidFile);
    expect(alive(grandchild)).toBe(true);
    await d.stop();
    expect(alive(grandchild)).toBe(false);
  });
});

describe('waiting for a starting POS hook', () => {
  it('asks every 10 ms for the first 2 s, then less often, never less often than every 250 ms', () => {
    expect(hookPollMs(0)).toBe(10);
    expect(hookPollMs(1_999)).toBe(10);
    expect(hookPollMs(2_000)).toBe(50);
    expect(hookPollMs(10_000)).toBe(250);
    for (let waited = 0; waited < 60_000; waited += 500) expect(hookPollMs(waited)).toBeLessThanOrEqual(250);
  });
});

import { describe, expect, it } from 'vitest';
import { CommandDriver } from '../../src/drivers/command.js';
import type { CommandDriverConfig } from '../../src/pos/types.js';
import { alive, driverPool, readPid, signal, tempFile } from './helpers.js';

const node = process.execPath;
const config = (mode: string, extra: string[] = []): CommandDriverConfig => ({
  type: 'command',
  actions: {
    sale: [node, 'command-pos.mjs', mode, '{action}', '{amount}', ...extra],
    startup: [node, 'command-pos.mjs', mode, '{action}', '{hookPort}'],
  },
});

const { started } = driverPool((c: CommandDriverConfig, ctx) => new CommandDriver(c, ctx));

describe('command driver', () => {
  it('reads the last non-empty stdout line as the outcome, with substitutions and environment', async () => {
    const d = await started(config('ok'));
    const r = await d.perform('sale', { amount: 990 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.error).toBeUndefined();
    expect(r.outcome).toMatchObject({ outcome: 'completed', paid: 990, action: 'sale' });
    expect(r.outcome?.env).toEqual({ host: '127.0.0.1', port: '18092', hook: String(d.hookPort) });
    expect(r.stdout).toContain('talking to the connector');
    const s = await d.perform('startup', {}, { timeoutMs: 20_000, signal: signal() });
    expect(s.outcome?.paid).toBe(d.hookPort);
  });

  it('a last line that is not JSON is a driver error naming the command', async () => {
    const d = await started(config('bad-json'));
    const r = await d.perform('sale', { amount: 990 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome).toBeUndefined();
    expect(r.error).toContain('command-pos.mjs bad-json sale 990');
    expect(r.error).toContain('not JSON: "sale done, paid 9.90"');
  });

  it('a non-zero exit is a driver error with the exit code and the stderr tail', async () => {
    const d = await started(config('exit'));
    const r = await d.perform('sale', { amount: 990 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.error).toMatch(/command-pos\.mjs exit sale 990` exited with code 3: printer offline/);
  });

  it('an action with no command is a clear error', async () => {
    const d = await started(config('ok'));
    const r = await d.perform('refund', { amount: 1 }, { timeoutMs: 1000, signal: signal() });
    expect(r.error).toBe('the command driver has no command for "refund" (add driver.actions.refund to pos.yaml)');
  });

  it('a daemon that escaped the process tree and holds the output does not keep the runner waiting: stopped and named', async () => {
    const pidFile = tempFile('pid');
    const d = await started(config('daemon', [pidFile]));
    const r = await d.perform('sale', { amount: 990 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome?.outcome).toBe('completed');
    const daemon = await readPid(pidFile);
    // SIGKILL was sent before perform answered; on a loaded machine the kernel may take a moment.
    for (let i = 0; i < 100 && alive(daemon); i++) await new Promise((resolve) => setTimeout(resolve, 30));
    expect(alive(daemon)).toBe(false);
    expect(r.stderr).toContain(`stopped process ${daemon} (`);
    expect(r.stderr).toContain('escaped the POS');
  }, 15_000);

  it('a hung action times out and its whole tree is stopped, grandchild included', async () => {
    const pidFile = tempFile('pid');
    const d = await started(config('grandchild', [pidFile]));
    const pending = d.perform('sale', { amount: 990 }, { timeoutMs: 1500, signal: signal() });
    const grandchild = await readPid(pidFile);
    expect(alive(grandchild)).toBe(true);
    const r = await pending;
    expect(r.timedOut).toBe(true);
    expect(r.error).toContain('did not finish within 1.5s');
    expect(alive(grandchild)).toBe(false);
  });

  it('a grandchild that left the process group (setsid) is stopped too', async () => {
    const pidFile = tempFile('pid');
    const d = await started(config('grandchild-setsid', [pidFile]));
    const pending = d.perform('sale', { amount: 990 }, { timeoutMs: 1500, signal: signal() });
    const grandchild = await readPid(pidFile);
    await pending;
    expect(alive(grandchild)).toBe(false);
  });

  it('a process left behind by a finished action is reaped', async () => {
    const pidFile = tempFile('pid');
    const d = await started(config('leave-grandchild', [pidFile]));
    const r = await d.perform('sale', { amount: 1 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.outcome?.outcome).toBe('completed');
    expect(alive(await readPid(pidFile))).toBe(false);
  });

  it('an abort (Ctrl-C) stops the running action at once', async () => {
    const d = await started(config('hang'));
    const controller = new AbortController();
    const pending = d.perform('sale', { amount: 1 }, { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 200);
    const r = await pending;
    expect(r.error).toContain('abandoned (Error: interrupted)');
  });

  it('when the long-running POS process died, actions say so with its exit code', async () => {
    const d = await started({ ...config('ok'), start: [node, '-e', 'console.error("no licence"); process.exit(5)'] });
    await (d as unknown as { host: { started: { exited: Promise<unknown> } } }).host.started.exited;
    const r = await d.perform('sale', { amount: 1 }, { timeoutMs: 20_000, signal: signal() });
    expect(r.error).toMatch(/exited with code 5: no licence$/);
    expect(d.output().stderr).toContain('no licence');
  });
});

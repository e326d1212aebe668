/**
 * A tickets POS finds the shared folder where the runner put it: CASHLOGY_TICKETS_DIR in the
 * environment of every action and started process (even with `inheritEnv: false`), and in the
 * manual driver's welcome text, with the files the POS exchanges shown by name while it acts.
 * A TCP POS gets no such variable.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CommandDriver } from '../../src/drivers/command.js';
import { ManualDriver } from '../../src/drivers/manual.js';
import { terminalConsole } from '../../src/drivers/terminal-console.js';
import type { CommandDriverConfig } from '../../src/pos/types.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { context, driverPool, signal, TARGET } from './helpers.js';

const DIR = '/tmp/cashlogy-tickets-lane-1';
const printEnv = [process.execPath, '-e', 'console.log(JSON.stringify({ outcome: "completed", env: process.env }))'];
const { track } = driverPool((c: CommandDriverConfig, ctx) => new CommandDriver(c, ctx));

async function envOf(target: typeof TARGET & { ticketsDir?: string }, config: Partial<CommandDriverConfig> = {}): Promise<Record<string, string>> {
  const driver = track(new CommandDriver({ type: 'command', actions: { sale: printEnv }, ...config }, context({ env: { ...process.env } })));
  await driver.start(target);
  const r = await driver.perform('sale', { amount: 100 }, { timeoutMs: 20_000, signal: signal() });
  expect(r.error).toBeUndefined();
  return r.outcome?.['env'] as Record<string, string>;
}

describe('CASHLOGY_TICKETS_DIR', () => {
  it('is in the environment of every action of a tickets POS, also with inheritEnv: false', async () => {
    expect(await envOf({ ...TARGET, ticketsDir: DIR })).toMatchObject({ CASHLOGY_TICKETS_DIR: DIR, CASHLOGY_PORT: String(TARGET.port) });
    expect(await envOf({ ...TARGET, ticketsDir: DIR }, { inheritEnv: false })).toMatchObject({ CASHLOGY_TICKETS_DIR: DIR });
  });

  it('is absent for a TCP POS', async () => {
    const env = await envOf({ ...TARGET }, { inheritEnv: false });
    expect(env['CASHLOGY_HOST']).toBe(TARGET.host);
    expect(env['CASHLOGY_TICKETS_DIR']).toBeUndefined();
  });

  it('the manual driver tells the operator where the folder is, and names the files while the POS acts', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (c: string) => (shown += c));
    const listeners: ((e: TranscriptEntry) => void)[] = [];
    const d = new ManualDriver({ type: 'manual' }, context({ ci: false, lang: 'en', console: terminalConsole(input, output) }));
    input.write('Ana Ruiz\n\n');
    await d.start({
      ...TARGET,
      ticketsDir: DIR,
      onEntry: (l: (e: TranscriptEntry) => void) => {
        listeners.push(l);
        return () => listeners.splice(listeners.indexOf(l), 1);
      },
    });
    expect(shown).toContain(`Set the POS's Cashlogy Tickets requests folder to: ${DIR} (CASHLOGY_TICKETS_DIR).`);
    const pending = d.perform('sale', { amount: 990 }, { timeoutMs: 5_000, signal: signal() });
    for (const l of listeners) {
      l({ at: 1, conn: 0, dir: 'in', file: 'pos-1.azk', data: '{"type":"venta","ticket":"1","amount":990}' });
      l({ at: 2, conn: 0, dir: 'out', file: 'pos-1.OK', data: '{"ticket":"1","amount":990,"paid":1000,"change":10}' });
    }
    input.write('c\n9.90\n0.10\n\n\n');
    const r = await pending;
    expect(r.outcome).toMatchObject({ outcome: 'completed', paid: 990, change: 10 });
    expect(shown).toContain('POS → pos-1.azk {"type":"venta"');
    expect(shown).toContain('← connector pos-1.OK {"ticket":"1"');
  });
});

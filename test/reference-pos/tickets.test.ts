/**
 * The reference POS in tickets mode on a real folder, against the simulator's CashlogyTickets
 * look-alike: what it leaves in the folder, how it settles a late answer, and how its process
 * refuses a bad start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { referencePosCommand } from '../../src/drivers/reference.js';
import { TicketsPos } from '../../src/reference-pos/tickets.js';
import { startSimulator } from '../../src/server/start.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'cashlogy-tickets-pos-'));
  const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: { mode: 'auto', pay: [1000] }, ticketsDir: dir });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => sim.close());
  return { dir, sim };
}

describe('TicketsPos on a real folder', () => {
  it('a sale leaves nothing behind: its request and the answer are removed, only what it did not write stays', async () => {
    const { dir, sim } = await setup();
    const pos = new TicketsPos({ dir, answerTimeoutMs: 15_000 });
    expect(await pos.perform('startup')).toMatchObject({ outcome: 'completed' });
    expect(await pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 10, owed: 0 });
    expect(readdirSync(dir)).toEqual([]);
    const transcript = sim.getTranscript();
    const read = transcript.find((e) => e.dir === 'in' && e.file?.endsWith('.azk'));
    expect(JSON.parse(read?.data ?? '{}')).toMatchObject({ type: 'venta', amount: 990, till: '1' });
    expect(transcript.some((e) => e.kind === 'file' && e.data.startsWith('written in place:'))).toBe(false);
  }, 30_000);

  it('gives up on a slow answer without booking, then reports the late answer at the next action and removes it', async () => {
    const { dir, sim } = await setup();
    sim.armFault({ type: 'tickets-slow', ms: 1500 });
    const pos = new TicketsPos({ dir, answerTimeoutMs: 300 });
    const first = await pos.perform('sale', { amount: 990 });
    expect(first).toMatchObject({ outcome: 'failed', paid: 0, uncertain: true });
    expect(first.message).toMatch(/^CashlogyTickets did not answer the sale .* within 300 ms .*nothing was booked/);
    // The answer comes after the POS gave up: the customer did pay.
    const deadline = Date.now() + 10_000;
    while (!readdirSync(dir).some((n) => n.endsWith('.OK')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir).filter((n) => n.endsWith('.OK'))).toHaveLength(1);
    const next = await pos.perform('startup');
    expect(next.message).toMatch(/a late answer came for an earlier request given up on .*"paid":1000/);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  it('an answer that is not its own (another ticket under its name) is left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cashlogy-tickets-pos-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    class FixedName extends TicketsPos {
      protected override newRequest() {
        return { name: 'fixed', ticket: 'MINE' };
      }
    }
    writeFileSync(join(dir, 'fixed.OK'), JSON.stringify({ ticket: 'SOMEONE-ELSE', amount: 990, paid: 990, change: 0 }));
    const outcome = await new FixedName({ dir, answerTimeoutMs: 300 }).perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'failed', paid: 0, uncertain: true });
    expect(readdirSync(dir)).toEqual(['fixed.OK']);
  }, 30_000);
});

describe('the reference POS process in tickets mode', () => {
  const run = (env: NodeJS.ProcessEnv, extra: string[] = []) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const [cmd, ...args] = referencePosCommand('tickets', []);
      const child = spawn(cmd as string, [...args, ...extra], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it('refuses to start without CASHLOGY_TICKETS_DIR, or with a bad switch, saying which', async () => {
    const env = { ...process.env };
    delete env['CASHLOGY_TICKETS_DIR'];
    const missing = await run(env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('a tickets integration needs CASHLOGY_TICKETS_DIR');
    const bad = await run({ ...env, CASHLOGY_TICKETS_DIR: tmpdir() }, ['--answer-wait', 'push']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--answer-wait must be poll or watch, got "push"');
    const timeout = await run({ ...env, CASHLOGY_TICKETS_DIR: tmpdir() }, ['--answer-timeout-ms', '5s']);
    expect(timeout.stderr).toContain('--answer-timeout-ms must be a whole number of ms from 100 to 3600000, got "5s"');
  }, 60_000);
});

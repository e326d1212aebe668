/**
 * `cashlogy-cert simulate --tickets-dir` as a real child process: the folder is created when
 * missing, the --json listening line carries `ticketsDir`, and the file exchange shows up as JSON
 * events (`traffic` with a `file`, and `file` events).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, startCli, stopCliProcesses, type CliProcess } from '../helpers/cli.js';
import { profileWithTickets, removeFolder, tempFolder } from './helpers.js';

const folders: string[] = [];

afterEach(() => {
  stopCliProcesses();
  for (const f of folders.splice(0)) removeFolder(f);
});

const simulate = (args: string[]): CliProcess => startCli(['simulate', ...args]);

async function lineMatching(lines: AsyncIterableIterator<string>, ok: (event: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([lines.next(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 30_000)))]);
    clearTimeout(timer);
    if (next.done) throw new Error(`stdout ended before ${what}`);
    const event = JSON.parse(next.value) as Record<string, unknown>;
    if (ok(event)) return event;
  }
}

describe('simulate --tickets-dir', () => {
  it('creates the folder, names it in the listening line and logs the file exchange as JSON events', async () => {
    const parent = tempFolder();
    folders.push(parent);
    const dir = join(parent, 'peticiones');
    const { child, lines, exit } = simulate(['--port', '0', '--control-port', 'none', '--json', '--time-scale', '0.01', '--tickets-dir', dir]);
    const listening = await lineMatching(lines, (e) => e['event'] === 'listening', 'the listening line');
    expect(listening).toEqual({ event: 'listening', host: '127.0.0.1', port: expect.any(Number) as unknown, controlPort: null, ticketsDir: dir });
    expect(existsSync(dir)).toBe(true);
    writeFileSync(join(dir, 'x.tmp'), JSON.stringify({ type: 'abono', ticket: 'CLI-1', amount: 20 }));
    renameSync(join(dir, 'x.tmp'), join(dir, 'cli.azk'));
    const read = await lineMatching(lines, (e) => e['event'] === 'traffic' && e['file'] === 'cli.azk', 'the request');
    expect(read).toMatchObject({ dir: 'in', conn: 0, data: JSON.stringify({ type: 'abono', ticket: 'CLI-1', amount: 20 }) });
    const answer = await lineMatching(lines, (e) => e['event'] === 'traffic' && e['file'] === 'cli.OK', 'the answer');
    expect(JSON.parse(String(answer['data']))).toEqual({ ticket: 'CLI-1', amount: 20, dispensed: 20 });
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('refuses a folder whose parent does not exist (usage error, exit 1)', async () => {
    const parent = tempFolder();
    folders.push(parent);
    const { exit, stderr } = simulate(['--port', '0', '--control-port', 'none', '--tickets-dir', join(parent, 'no', 'such')]);
    expect(await exit).toBe(1);
    expect(stderr()).toMatch(/--tickets-dir .* cannot be created: ENOENT \(its parent folder does not exist\)/);
  });
});

describe('validate on a machine profile', () => {
  it('checks the tickets section with file:line:col, and summarises a valid profile with its dialect', async () => {
    const folder = tempFolder();
    folders.push(folder);
    const bad = profileWithTickets(folder, 'mode: with-respons', 'bad.yaml');
    const good = profileWithTickets(folder, 'mode: without-response', 'good.yaml');
    const ran = await runMain(['validate', bad, good], { cwd: folder });
    expect(ran.code).toBe(2);
    const line = readFileSync(bad, 'utf8').split('\n').findIndex((l) => l.includes('with-respons')) + 1;
    expect(ran.stderr + ran.stdout).toContain(`error: unknown tickets mode "with-respons"\n  --> ${bad}:${line}:9`);
    expect(ran.stderr + ran.stdout).toContain('did you mean "with-response"?');
    expect(ran.stdout).toContain(`ok: ${good} (machine profile, EUR, tickets dialect without-response)`);
  });
});

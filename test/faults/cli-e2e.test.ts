/**
 * `simulate --fault` / `--faults` as a real child process: the faults are armed before the
 * first connection, act on the wire, and bad ones stop the command with the right exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WireClient } from './wire.js';
import { startCli, stopCliProcesses, type CliProcess } from '../helpers/cli.js';

const temp = mkdtempSync(join(tmpdir(), 'faults-cli-'));

afterAll(() => {
  stopCliProcesses();
  rmSync(temp, { recursive: true, force: true });
});

const simulate = (args: string[]): CliProcess => startCli(['simulate', '--port', '0', '--control-port', '0', '--time-scale', '0.01', '--json', ...args]);

describe('simulate --fault / --faults', () => {
  it('arms the faults from both flags before the first connection', async () => {
    const file = join(temp, 'faults.yaml');
    writeFileSync(file, '- {type: split, at: [3], on: {command: Y}}\n');
    const run = simulate(['--faults', file, '--fault', 'busy:command=T', '--fault', '{"type":"corrupt","with":"#X#","on":{"command":"Q"}}']);
    const first = await run.lines.next();
    const listening = JSON.parse(String(first.value)) as { event: string; port: number; controlPort: number };
    expect(listening.event).toBe('listening');

    const faults = (await (await fetch(`http://127.0.0.1:${listening.controlPort}/faults`)).json()) as { id: string; spec: { type: string } }[];
    expect(faults.map((f) => `${f.id}:${f.spec.type}`)).toEqual(['f1:split', 'f2:busy', 'f3:corrupt']);

    const c = await WireClient.open(listening.port);
    try {
      expect(await c.exchange('#I#')).toMatch(/^#0#/);
      expect(await c.exchange('#T#')).toBe('#ER:BUSY#');
      expect(await c.exchange('#Q#')).toBe('#X#');
      const before = c.reads.length;
      c.send('#Y#');
      const head = await c.take(3);
      const rest = await c.rest();
      expect(c.reads.length - before).toBeGreaterThanOrEqual(2);
      expect(head + rest).toBe(await c.exchange('#Y#'));
    } finally {
      c.close();
    }
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('a bad --fault is a usage error (exit 1) that names the problem', async () => {
    const run = simulate(['--fault', 'latensy:ms=800']);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('unknown fault type "latensy" (did you mean "latency"?)');
  });

  it('a bad faults file exits 2 with file:line:col', async () => {
    const file = join(temp, 'bad.yaml');
    writeFileSync(file, '- type: note-jam\n  on: {comand: C}\n');
    const run = simulate(['--faults', file]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`${file}:2:8`);
    expect(run.stderr()).toContain('unknown key "comand" in a trigger');
    expect(run.stderr()).toContain('did you mean "command"?');
  });
});

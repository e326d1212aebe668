/**
 * `simulate --fault` / `--faults` as a real child process: the faults are armed before the
 * first connection, act on the wire, and bad ones stop the command with the right exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { WireClient } from './wire.js';

const root = join(import.meta.dirname, '..', '..');
const tsxLoader = import.meta.resolve('tsx');
const main = join(root, 'src', 'cli', 'main.ts');
const temp = mkdtempSync(join(tmpdir(), 'faults-cli-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

function simulate(args: string[]): { child: ChildProcess; lines: AsyncIterator<string>; stderr: () => string; exit: Promise<number | null> } {
  // node with tsx's loader, not the tsx launcher: one process, so a kill can never orphan a child.
  const child = spawn(process.execPath, ['--import', tsxLoader, main, 'simulate', '--port', '0', '--control-port', '0', '--time-scale', '0.01', '--json', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines, stderr: () => err, exit };
}

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

/**
 * `replay` end to end: a run recorded by the runner (the CLI, reference POS, --time-scale 0.01)
 * is replayed to the reference POS, which follows it; a changed POS (a defect of the fleet, a
 * design switch) diverges at the frame where it changed; a bad recording is refused with its
 * JSON path; serve mode answers a hand-driven POS and gives the verdict at Ctrl-C; a POS that
 * floods the replay connector costs a bounded amount. Real processes, sockets on 127.0.0.1
 * port 0, real files.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosDriver } from '../../src/drivers/driver.js';
import { ReferencePos, type ReferencePosOptions } from '../../src/reference-pos/pos.js';
import { parseRecording, selectItem, type RecordedItem } from '../../src/replay/recording.js';
import { replayWithPos } from '../../src/replay/run.js';
import { startReplay, type ReplayHandle } from '../../src/replay/server.js';
import type { RunResult } from '../../src/runner/result.js';
import { FLEET } from '../fleet/variants.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { eventually, TestClient, withTimeout } from '../server/helpers.js';

let dir: string;
let resultFile: string;
let result: RunResult;
const item = (id: string): RecordedItem => selectItem(parseRecording(readFileSync(resultFile, 'utf8'), resultFile), id);

const POS_YAML = (options = '') => `name: Reference POS
version: 1.0.0
company: Tests
email: tests@example.invalid
integration: express
driver:
  type: reference
${options}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cashlogy-replay-'));
  const run = await runCli(['run', '--only', 'EXP-03,EXP-12,EXP-18', '--time-scale', '0.01', '--ci', '--lang', 'en', '--seed', '5', '--out', 'rec'], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  resultFile = join(dir, 'rec', 'result.json');
  result = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
  writeFileSync(join(dir, 'pos.yaml'), POS_YAML());
  writeFileSync(join(dir, 'pos-ask-cashier.yaml'), POS_YAML('  options:\n    recovery: ask-cashier\n'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A POS of the fleet, or the reference one, in process (the fleet's own options). */
function fleetDriver(create: (o: ReferencePosOptions) => ReferencePos): PosDriver {
  return inProcessDriver((target) =>
    create({ host: target.host, port: target.port, integration: 'express', features: [], pollIntervalMs: 50, connection: { shortReplyIdleMs: 150, damagedReplyIdleMs: 1_000 } }),
  );
}
const variant = (name: string) => {
  const v = FLEET.find((f) => f.name === name);
  if (v === undefined) throw new Error(`no fleet variant ${name}`);
  return (o: ReferencePosOptions) => v.create(o);
};
/** Index in the recorded item's transcript of its first POS frame starting with `prefix`. */
const recordedIndex = (id: string, prefix: string, nth = 1) => {
  const transcript = result.items.find((i) => i.id === id)?.transcript ?? [];
  let seen = 0;
  return transcript.findIndex((e) => e.dir === 'in' && e.data.startsWith(prefix) && ++seen === nth);
};

describe('replay --pos: the reference POS follows its own recording', () => {
  it('the CLI replays a lost-reply item (the connector closes instead of replying) and exits 0', async () => {
    const ran = await runCli(['replay', resultFile, '--item', 'EXP-12', '--pos', join(dir, 'pos.yaml'), '--time-scale', '0.01', '--json'], { cwd: dir });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const events = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toEqual({ event: 'listening', host: '127.0.0.1', port: expect.any(Number), controlPort: null });
    expect(events.some((e) => e.event === 'replay:diverged')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'replay:result', followed: true, divergences: 0 });
    const traffic = events.filter((e) => e.event === 'traffic' && e.dir === 'in').map((e) => e.conn);
    // The reconnect after the recorded close is a second connection, as in the recording.
    expect(new Set(traffic)).toEqual(new Set([1, 2]));
  }, 60_000);

  it('a cancel during a sale: the #C# answer waits for the #!# the recorded one followed', async () => {
    const replayed = await replayWithPos({ item: item('EXP-18'), driver: fleetDriver((o) => new ReferencePos(o)), timeScale: 0.01 });
    expect(replayed.divergences).toEqual([]);
    expect(replayed.outcomes).toEqual([]);
    expect(replayed.followed).toBe(true);
    expect(replayed.actions.map((a) => [a.action, a.outcome?.outcome])).toEqual([
      ['startup', 'completed'],
      ['sale', 'cancelled'],
      ['cancel', 'cancelled'],
    ]);
    const frames = replayed.transcript.filter((e) => e.dir !== 'event').map((e) => e.data.replace(/^#C#\d+#/, '#C#<op>#'));
    expect(frames.slice(-2)).toEqual(['#!#', '#WR:CANCEL#500#500#0#0#']);
  }, 60_000);
});

describe('replay --pos: a changed POS diverges at the frame where it changed', () => {
  it('a POS that charges in euros diverges at its #C#, named with the recorded context', async () => {
    const replayed = await replayWithPos({ item: item('EXP-03'), driver: fleetDriver(variant('sends-euros')), timeScale: 0.01 });
    expect(replayed.followed).toBe(false);
    const first = replayed.divergences[0];
    expect(first).toMatchObject({ reason: 'different-frame', conn: 1, frame: 3, index: recordedIndex('EXP-03', '#C#') });
    expect(first?.expected).toMatch(/^#C#\d+#1#1000#/);
    expect(first?.got).toMatch(/^#C#\d+#1#10\.00#/);
    expect(first?.context.map((e) => e.data)).toEqual(['#I#', '#0#2.01#', '#T#', expect.stringMatching(/^#0#\d+#\d+#$/)]);
  }, 60_000);

  it('a POS that resends the charge after a lost reply diverges at its first changed frame: #C# where the recording read the totals (#T#)', async () => {
    // This variant sends the money command without reading the totals first, so it parts from the recording before the lost reply.
    const replayed = await replayWithPos({ item: item('EXP-12'), driver: fleetDriver(variant('resends-after-disconnect')), timeScale: 0.01 });
    expect(replayed.followed).toBe(false);
    expect(replayed.divergences).toHaveLength(1);
    expect(replayed.divergences[0]).toMatchObject({ reason: 'different-frame', conn: 1, frame: 2, expected: '#T#', index: recordedIndex('EXP-12', '#T#') });
    expect(replayed.divergences[0]?.got).toMatch(/^#C#\d+#1#990#/);
  }, 60_000);

  it('a POS that books a wrong amount on the same frames diverges on the outcome', async () => {
    const replayed = await replayWithPos({ item: item('EXP-12'), driver: fleetDriver(variant('plain-failed-after-lost-reply')), timeScale: 0.01 });
    expect(replayed.followed).toBe(false);
    // The same frames as recorded (it even reads the totals), and yet it books nothing: only the outcome tells.
    expect(replayed.divergences).toEqual([]);
    expect(replayed.outcomes).toHaveLength(1);
    expect(replayed.outcomes[0]).toMatchObject({ reason: 'outcome', action: 1, name: 'sale 990' });
    expect(replayed.outcomes[0]?.message).toContain('outcome "failed" instead of "completed", paid 0 instead of 990');
  }, 60_000);

  it('the CLI with a design switch in pos.yaml exits 4 and names the first diverging frame, in --json and in words', async () => {
    const json = await runCli(['replay', resultFile, '--item', 'EXP-12', '--pos', join(dir, 'pos-ask-cashier.yaml'), '--time-scale', '0.01', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(4);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const diverged = events.find((e) => e.event === 'replay:diverged');
    expect(diverged).toMatchObject({ conn: expect.any(Number), frame: expect.any(Number), message: expect.any(String) });
    expect(events.at(-1)).toMatchObject({ event: 'replay:result', followed: false, first: { reason: diverged?.reason, frame: diverged?.frame } });

    const human = await runCli(['replay', resultFile, '--item', 'EXP-12', '--pos', join(dir, 'pos-ask-cashier.yaml'), '--time-scale', '0.01'], { cwd: dir });
    expect(human.code).toBe(4);
    expect(human.stdout).toContain(`✗ diverged at connection ${String(diverged?.conn)}`);
    expect(human.stdout).toMatch(/Replay: DIVERGED/);
    expect(human.stdout).not.toContain('warning');
  }, 60_000);

  it('warns when the POS given is of another integration than the recorded one (its divergence is design, not a defect)', async () => {
    writeFileSync(join(dir, 'pos-complete.yaml'), POS_YAML().replace('integration: express', 'integration: complete'));
    const human = await runCli(['replay', resultFile, '--item', 'EXP-03', '--pos', join(dir, 'pos-complete.yaml'), '--time-scale', '0.01'], { cwd: dir });
    expect(human.stdout).toContain('warning   integration recorded: express; integration of');
    expect(human.stdout).toContain('pos-complete.yaml: complete');
    expect(human.code).toBe(4);
  }, 60_000);
});

describe('replay: bad input', () => {
  it('an invalid recording exits 2 with the JSON path, line and column', async () => {
    const bad = join(dir, 'bad-capture.json');
    writeFileSync(bad, '[\n  {"at": 1, "conn": 1, "dir": "in", "data": "#I#"},\n  {"at": 2, "conn": "one", "dir": "out", "data": "#0#2.01#"}\n]\n');
    const ran = await runCli(['replay', bad, '--port', '0'], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('[1].conn:');
    expect(ran.stderr).toContain('bad-capture.json:3:');

    const broken = JSON.parse(readFileSync(resultFile, 'utf8')) as { items: { actions: { action: string }[] }[] };
    (broken.items[1]?.actions[1] as { action: string }).action = 'sell';
    const badResult = join(dir, 'bad-result.json');
    writeFileSync(badResult, JSON.stringify(broken, null, 2));
    const ran2 = await runCli(['replay', badResult, '--item', 'EXP-12', '--port', '0'], { cwd: dir });
    expect(ran2.code).toBe(2);
    expect(ran2.stderr).toContain('items[1].actions[1].action:');
  }, 60_000);

  it('a POS that cannot start exits 3 with the reason, and the replay connector does not outlive it', async () => {
    writeFileSync(
      join(dir, 'pos-broken.yaml'),
      'name: Broken POS\nversion: 1.0.0\ncompany: Tests\nemail: tests@example.invalid\nintegration: express\ndriver:\n  type: http\n  url: "http://127.0.0.1:{hookPort}"\n  start: ["node", "-e", "process.exit(3)"]\n',
    );
    const ran = await runCli(['replay', resultFile, '--item', 'EXP-03', '--pos', join(dir, 'pos-broken.yaml'), '--time-scale', '0.01'], { cwd: dir });
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(/exited with code 3/);
  }, 60_000);

  it('a result of several items without --item, or with an unknown one, is a usage error listing the items', async () => {
    const none = await runCli(['replay', resultFile, '--port', '0'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('EXP-03, EXP-12, EXP-18');
    const unknown = await runCli(['replay', resultFile, '--item', 'EXP-13', '--port', '0'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no item "EXP-13"/);
  }, 60_000);
});

const children: ChildProcessWithoutNullStreams[] = [];
const handles: ReplayHandle[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const h of handles.splice(0)) await h.close();
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

describe('replay: serve mode (a POS driven by hand)', () => {
  function serve(args: string[]) {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src/cli/main.ts'), 'replay', ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    const lines: string[] = [];
    const waiters: (() => void)[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l);
      for (const w of waiters.splice(0)) w();
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = async (event: string) => {
      for (;;) {
        const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === event);
        if (found !== undefined) return found;
        await withTimeout(new Promise<void>((r) => waiters.push(r)), 30_000, `a ${event} line`);
      }
    };
    return { child, line, exit };
  }

  it('answers a POS that sends the recorded frames, then gives FOLLOWED at Ctrl-C (exit 0)', async () => {
    const capture = join(dir, 'exp03-transcript.json');
    writeFileSync(capture, JSON.stringify(result.items.find((i) => i.id === 'EXP-03')?.transcript));
    const s = serve([capture, '--port', '0', '--json', '--time-scale', '0.01']);
    const listening = await s.line('listening');
    const pos = await TestClient.open(listening.port as number);
    clients.push(pos);
    const recorded = (result.items.find((i) => i.id === 'EXP-03')?.transcript ?? []).filter((e) => e.dir !== 'event');
    for (const e of recorded) {
      if (e.dir === 'in') pos.send(e.data.replace(/^#C#\d+#/, '#C#42#'));
      else await pos.expect(e.data);
    }
    await s.line('replay:complete');
    process.kill(-s.child.pid!, 'SIGINT');
    expect(await s.exit).toBe(0);
    expect(await s.line('replay:result')).toMatchObject({ followed: true, divergences: 0 });
  }, 60_000);

  it('reports a divergence live, closes that connection, and exits 4 at Ctrl-C', async () => {
    const capture = join(dir, 'exp03-transcript-2.json');
    writeFileSync(capture, JSON.stringify({ transcript: result.items.find((i) => i.id === 'EXP-03')?.transcript }));
    const s = serve([capture, '--port', '0', '--json']);
    const listening = await s.line('listening');
    const pos = await TestClient.open(listening.port as number);
    clients.push(pos);
    pos.send('#Q#');
    expect(await s.line('replay:diverged')).toMatchObject({ reason: 'different-frame', conn: 1, frame: 1, expected: '#I#', got: '#Q#' });
    expect(await withTimeout(pos.closed, 10_000, 'the replay to close the diverged connection')).toBe('end');
    process.kill(-s.child.pid!, 'SIGINT');
    expect(await s.exit).toBe(4);
  }, 60_000);
});

describe('replay: bounded under a flood', () => {
  it('a POS that pipelines megabytes of frames costs one divergence, a few transcript entries, and its connection', async () => {
    const replay = await startReplay({ transcript: item('EXP-03').transcript, port: 0, timeScale: 0.01 });
    handles.push(replay);
    const flood = await TestClient.open(replay.port);
    clients.push(flood);
    const chunk = '#I#'.repeat(64 * 1024);
    for (let i = 0; i < 64; i++) flood.send(chunk); // 12 MB of frames
    await withTimeout(flood.closed, 20_000, 'the replay to close the flooding connection');
    expect(replay.divergences()).toHaveLength(1);
    expect(replay.divergences()[0]).toMatchObject({ conn: 1, frame: 2, expected: '#T#', got: '#I#' });
    await eventually(() => (replay.connectionLoads().length === 0 ? true : undefined), 'the flooding connection to be gone');
    // The flood was never taken in: reading stopped at the diverging frame.
    expect(replay.getTranscript().filter((e) => e.dir === 'in').map((e) => e.data)).toEqual(['#I#', '#I#']);
  }, 60_000);

  it('a POS that floods bytes that are no frame is answered and judged like any frame: one divergence, then closed', async () => {
    const replay = await startReplay({ transcript: item('EXP-03').transcript, port: 0 });
    handles.push(replay);
    const flood = await TestClient.open(replay.port);
    clients.push(flood);
    flood.send('garbage\n'.repeat(1_000_000));
    await withTimeout(flood.closed, 20_000, 'the replay to close the flooding connection');
    expect(replay.divergences()).toHaveLength(1);
    expect(replay.divergences()[0]).toMatchObject({ conn: 1, frame: 1, expected: '#I#' });
  }, 60_000);
});

/**
 * The reference POS's alternative correct designs (src/pos/reference-designs.ts), each against
 * the real simulator, proving what it does on the wire.
 */
import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzePosProfile } from '../../src/pos/profile.js';
import { DEFAULT_DESIGN, DESIGN_KEYS, REFERENCE_DESIGNS, designFlags, parseDesign, type ReferenceDesign } from '../../src/pos/reference-designs.js';
import { ReferencePos, type ReferencePosOptions } from '../../src/reference-pos/pos.js';
import { referencePosCommand } from '../../src/drivers/reference.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CashlogyConnection } from '../../src/reference-pos/connection.js';
import { startSimulator } from '../../src/server/start.js';
import { loadProfile } from '../../src/server/load-profile.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startFakeConnector, type FakeConnector } from './fake-connector.js';
import { commands, startRig, waitUntil, type Rig } from './harness.js';

const MAIN = fileURLToPath(new URL('../../src/reference-pos/main.ts', import.meta.url));

let rig: Rig | undefined;
let proxy: RecordingProxy | undefined;
afterEach(async () => {
  await rig?.close();
  await proxy?.close();
  rig = undefined;
  proxy = undefined;
});

/** A rig whose POS follows `design`. */
function designRig(integration: ReferencePosOptions['integration'], design: Partial<ReferenceDesign>, options: Parameters<typeof startRig>[1] = {}): Promise<Rig> {
  return startRig(integration, { ...options, create: (o) => new ReferencePos({ ...o, design }) });
}

/** The frames the POS sent, with the connection each came on. */
function sentWithConn(r: Rig): { conn: number; frame: string }[] {
  return r.sim
    .getTranscript()
    .filter((e) => e.dir === 'in')
    .map((e) => ({ conn: e.conn, frame: e.data }));
}

describe('connection: per-command', () => {
  it('opens a new connection for every command, #I# once, #E# at the end', async () => {
    rig = await designRig('express', { connection: 'per-command' }, { sim: { customer: { mode: 'auto', pay: [2000] } } });
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    expect(await rig.pos.perform('shutdown')).toMatchObject({ outcome: 'completed' });
    const sent = sentWithConn(rig);
    expect(commands(sent.map((s) => s.frame))).toEqual(['I', 'T', 'C', 'E']);
    expect(new Set(sent.map((s) => s.conn)).size).toBe(sent.length);
  });

  it('the persistent default sends every command on one connection', async () => {
    rig = await designRig('express', {});
    await rig.pos.perform('startup');
    await rig.pos.perform('sale', { amount: 990 });
    await rig.pos.perform('shutdown');
    const sent = sentWithConn(rig);
    expect(sent.length).toBe(4);
    expect(new Set(sent.map((s) => s.conn)).size).toBe(1);
  });

  it('cancels a pending #C# with #!# on the charge\'s own connection', async () => {
    rig = await designRig('express', { connection: 'per-command' }, { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'C', 'the charge screen is open');
    rig.sim.insert([500]);
    await waitUntil(() => rig!.sim.getState().operation?.inserted === 500, 'the 5.00 was accepted');
    expect(await rig.pos.perform('cancel')).toMatchObject({ outcome: 'cancelled' });
    expect(await sale).toMatchObject({ outcome: 'cancelled', paid: 0, change: 500, owed: 0 });
    const sent = sentWithConn(rig);
    const charge = sent.find((s) => s.frame.startsWith('#C#'));
    const cancel = sent.find((s) => s.frame === '#!#');
    expect(cancel?.conn).toBe(charge?.conn);
    // The next command still works, on a connection of its own.
    expect(await rig.pos.perform('shutdown')).toMatchObject({ outcome: 'completed' });
    expect(sentWithConn(rig).at(-1)).toMatchObject({ frame: '#E#' });
    expect(sentWithConn(rig).at(-1)?.conn).not.toBe(charge?.conn);
  });
});

describe('recovery: ask-cashier', () => {
  it('after a disconnect on #C#: reconnects, #I# again, books nothing, never resends #C#, says what to check', async () => {
    rig = await designRig('express', { recovery: 'ask-cashier' }, { sim: { faults: [{ type: 'disconnect', on: { command: 'C' } }] } });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'failed', paid: 0, uncertain: true });
    expect(outcome.message).toMatch(/probably paid 9\.90/);
    expect(outcome.message).toMatch(/check the connector/);
    const cmds = commands(rig.sent());
    expect(cmds.filter((c) => c === 'C')).toHaveLength(1);
    expect(cmds.slice(cmds.indexOf('C') + 1)).toContain('I');
    // The machine did take the customer's money: the POS must not have claimed otherwise.
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 990 });
  });

  it('the reconcile default books the same charge from the totals instead', async () => {
    rig = await designRig('express', {}, { sim: { faults: [{ type: 'disconnect', on: { command: 'C' } }] } });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990 });
    expect(outcome.uncertain).toBeUndefined();
    expect(commands(rig.sent()).filter((c) => c === 'C')).toHaveLength(1);
  });

  it('after a disconnect on the change #P# of a no-screen sale: books nothing and never resends #P#', async () => {
    rig = await designRig('complete', { recovery: 'ask-cashier' }, {
      sim: { customer: { mode: 'manual' }, faults: [{ type: 'disconnect', on: { command: 'P' } }] },
    });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'B', 'acceptance is open');
    rig.sim.insert([2000]);
    const outcome = await sale;
    expect(outcome).toMatchObject({ outcome: 'failed', paid: 0, uncertain: true });
    expect(outcome.message).toMatch(/change of 10\.10/);
    expect(outcome.message).toMatch(/check the tray and the connector/);
    const cmds = commands(rig.sent());
    expect(cmds.filter((c) => c === 'P')).toHaveLength(1);
    expect(cmds.slice(cmds.indexOf('P') + 1)).toContain('I');
  });
});

describe('errorCheck', () => {
  /**
   * A complete POS: a sale whose change dispense hits device error 1751, a jammed coin
   * recycler (#ER:GENERIC#, and #?# lists 1751 until cleared), then the close of day.
   */
  async function saleThenCloseDay(errorCheck: ReferenceDesign['errorCheck']) {
    rig = await designRig('complete', { errorCheck }, {
      sim: { customer: { mode: 'manual' }, faults: [{ type: 'device-error', code: 1751, on: { command: 'P' } }] },
    });
    await rig.pos.perform('startup');
    const before = rig.sent().length;
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'B', 'acceptance is open');
    rig.sim.insert([2000]);
    const saleOutcome = await sale;
    const middle = rig.sent().length;
    const closeDay = await rig.pos.perform('close-day');
    return { sale: commands(rig.sent().slice(before, middle)), closeDay: commands(rig.sent().slice(middle)), saleOutcome, closeDayOutcome: closeDay };
  }

  it('next-operation: no #?# after the #ER:GENERIC# dispense, #?# first thing in the next operation, and shows it there', async () => {
    const r = await saleThenCloseDay('next-operation');
    expect(rig!.replies().some((r) => r.startsWith('#ER:GENERIC#'))).toBe(true);
    const p = r.sale.indexOf('P');
    expect(p).toBeGreaterThan(0);
    expect(r.sale.slice(p)).not.toContain('?');
    expect(r.sale[0]).toBe('?');
    expect(r.closeDay).toEqual(['?', '?', 'T', 'Y']);
    expect(r.closeDayOutcome.message).toMatch(/^before this operation, device errors: 1751 /);
    expect(r.saleOutcome).toMatchObject({ outcome: 'completed', paid: 990 });
    expect(r.saleOutcome.message).not.toMatch(/device errors/);
  });

  it('immediate (the default): #?# right after the #ER:GENERIC# dispense, none before the next operation', async () => {
    const r = await saleThenCloseDay('immediate');
    const p = r.sale.indexOf('P');
    expect(r.sale[p + 1]).toBe('?');
    expect(r.saleOutcome.message).toMatch(/device errors: 1751 /);
    expect(r.closeDay).toEqual(['T', 'Y']);
  });
});

describe('acceptButton: on', () => {
  it('sends the 7th #C# flag as 1 and the charge ends only when the customer presses Accept', async () => {
    rig = await designRig('express', { acceptButton: 'on' }, { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    let settled = false;
    const sale = rig.pos.perform('sale', { amount: 990 }).finally(() => (settled = true));
    await waitUntil(() => rig!.sim.getState().operation?.command === 'C', 'the charge screen is open');
    rig.sim.insert([2000], { accept: false });
    await waitUntil(() => rig!.sim.getState().operation?.inserted === 2000, 'the 20.00 note was accepted');
    expect(rig.replies().some((r) => r.startsWith('#0#2000#') || r.startsWith('#WR:LEVEL#2000#'))).toBe(false);
    expect(settled).toBe(false);
    rig.sim.confirm();
    expect(await sale).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    const charge = rig.sent().find((f) => f.startsWith('#C#'))!;
    expect(charge.split('#')[8]).toBe('1');
  });

  it('the automatic customer presses Accept once the amount is covered', async () => {
    rig = await designRig('express', { acceptButton: 'on' }, { sim: { customer: { mode: 'auto', pay: [2000] } } });
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    expect(rig.sim.getTranscript().some((e) => e.dir === 'event' && /pressed Accept/.test(e.data))).toBe(true);
  });

  it('off (the default) sends 0 and the charge ends by itself', async () => {
    rig = await designRig('express', {});
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990 });
    expect(rig.sent().find((f) => f.startsWith('#C#'))!.split('#')[8]).toBe('0');
  });
});

interface RecordingProxy {
  port: number;
  /** Every byte the POS wrote, as Latin-1 text. */
  fromPos(): string;
  close(): Promise<void>;
}

/** A TCP relay between the POS and the simulator that keeps the POS's raw bytes (CR/LF included). */
async function startProxy(targetPort: number): Promise<RecordingProxy> {
  let raw = '';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (chunk: Buffer) => {
      raw += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fromPos: () => raw,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('lineEnd', () => {
  it.each([
    ['crlf', '#I#\r\n#T#\r\n#C#{c}\r\n#E#\r\n'],
    ['none', '#I##T##C#{c}#E#'],
  ] as const)('%s: exactly these bytes on the wire, and the sale works', async (lineEnd, expected) => {
    const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: 'auto' });
    proxy = await startProxy(sim.port);
    const pos = new ReferencePos({ host: sim.host, port: proxy.port, integration: 'express', pollIntervalMs: 20, design: { lineEnd } });
    rig = { sim, pos, sent: () => [], replies: () => [], close: async () => (await pos.close(), await sim.close()) };
    await pos.perform('startup');
    expect(await pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990 });
    await pos.perform('shutdown');
    const charge = sim.getTranscript().find((e) => e.dir === 'in' && e.data.startsWith('#C#'))!.data;
    expect(proxy.fromPos().replace(charge, '#C#{c}')).toBe(expected);
  });
});

describe('replyRead: idle', () => {
  it('reads replies split into single bytes whole, by silence', async () => {
    rig = await startRig('express', {
      create: (o) => new ReferencePos({ ...o, design: { replyRead: 'idle' }, connection: { ...o.connection, replyIdleMs: 150 } }),
      sim: {
        customer: { mode: 'auto', pay: [2000] },
        faults: [
          { type: 'split', at: 'every', on: { command: 'I' } },
          { type: 'split', at: 'every', on: { command: 'C' } },
        ],
      },
    });
    expect(await rig.pos.perform('startup')).toMatchObject({ outcome: 'completed', message: 'connector ready (protocol 2.01)' });
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010, owed: 0 });
    expect(commands(rig.sent())).toEqual(['I', 'T', 'C']);
  });
});

describe('replyRead: idle, reply boundaries', () => {
  let fake: FakeConnector | undefined;
  let link: CashlogyConnection | undefined;
  afterEach(async () => {
    await link?.close();
    await fake?.close();
    link = undefined;
    fake = undefined;
  });

  it.each([
    ['idle', '#0#100#200#300#'],
    ['fields', '#0#100#200#'],
  ] as const)('%s: a reply whose pieces keep coming is read up to %s', async (replyRead, expected) => {
    fake = await startFakeConnector(() => ({ pieces: ['#0#100#', '200#', '300#'], pauseMs: 40 }));
    link = new CashlogyConnection({ host: '127.0.0.1', port: fake.port, replyRead, replyIdleMs: 150, shortReplyIdleMs: 150 });
    expect((await link.send('T')).frame).toBe(expected);
  });

  it('cancels a pending charge: WR:CANCEL and the #!# acknowledgement are told apart', async () => {
    const log: string[] = [];
    // A connector that acknowledges the cancel after the cancelled reply (dialect cancelReply ack).
    const raw = parseYaml(readFileSync(fileURLToPath(new URL('../../simulator/eur-pos1500.yaml', import.meta.url)), 'utf8')) as { dialect: object };
    const profile = loadProfile({ ...raw, dialect: { ...raw.dialect, cancelReply: 'ack' } });
    rig = await startRig('express', {
      create: (o) => new ReferencePos({ ...o, log: (line) => log.push(line), design: { replyRead: 'idle' }, connection: { ...o.connection, replyIdleMs: 150 } }),
      sim: { customer: { mode: 'manual' }, profile },
    });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'C', 'the charge screen is open');
    expect(await rig.pos.perform('cancel')).toMatchObject({ outcome: 'cancelled' });
    expect(await sale).toMatchObject({ outcome: 'cancelled', paid: 0 });
    expect(await rig.pos.perform('shutdown')).toMatchObject({ outcome: 'completed' });
    // Each reply read as exactly what the connector sent for it: the charge's, then #E#'s own.
    const replies = log.filter((l) => l.startsWith('← '));
    expect(replies.slice(-2)).toEqual(['← #WR:CANCEL#0#0#0#0#', '← #0#']);
    expect(rig.replies()).toEqual(expect.arrayContaining(['#WR:CANCEL#0#0#0#0#', '#0#']));
    expect(log.filter((l) => l.startsWith('read the reply to #!#'))).toHaveLength(1);
  });
});

describe('the reference POS process takes the design as flags', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  function spawnPos(args: string[]): ChildProcess {
    child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
      env: { ...process.env, CASHLOGY_PORT: '1', POS_HOOK_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return child;
  }

  it('rejects a bad value with a message naming the flag, and reports a good design on /health', async () => {
    const bad = spawnPos(['--recovery', 'guess', '--quiet']);
    let stderr = '';
    bad.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => bad.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--recovery must be reconcile or ask-cashier, got "guess"/);

    const good = spawnPos(['--integration', 'complete', '--recovery', 'ask-cashier', '--connection', 'per-command', '--quiet']);
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: good.stdout! }).once('line', resolve);
      good.once('exit', (c) => reject(new Error(`exited with ${c}`)));
    });
    const { port, design } = JSON.parse(line) as { port: number; design: unknown };
    expect(design).toEqual({ recovery: 'ask-cashier', connection: 'per-command' });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', design: { recovery: 'ask-cashier', connection: 'per-command' } });
  });
});

describe('the design vocabulary', () => {
  it('lists every switch with its default first', () => {
    for (const key of DESIGN_KEYS) expect(REFERENCE_DESIGNS[key][0]).toBe(DEFAULT_DESIGN[key]);
    expect(Object.keys(DEFAULT_DESIGN).sort()).toEqual([...DESIGN_KEYS].sort());
  });

  it('parses flags and reports each bad one by name', () => {
    expect(parseDesign({ recovery: 'ask-cashier', pollIntervalMs: '1000' })).toEqual({ design: { recovery: 'ask-cashier', pollIntervalMs: 1000 }, problems: [] });
    const bad = parseDesign({ recovery: 'guess', pollIntervalMs: 20, colour: 'red' }, (k) => `--${k}`);
    expect(bad.problems).toEqual([
      '--recovery must be reconcile or ask-cashier, got "guess"',
      '--pollIntervalMs must be a whole number of ms from 200 to 2000 (the polling periods real clients use, protocol.md §5.6), got 20',
      expect.stringMatching(/^unknown design switch --colour; known: /),
    ]);
    expect(designFlags({ errorCheck: 'next-operation', pollIntervalMs: 500 })).toEqual(['--error-check', 'next-operation', '--poll-interval-ms', '500']);
  });

  it('the reference driver passes the options to the POS process as flags', () => {
    const argv = referencePosCommand('complete', ['refund'], { connection: 'per-command', lineEnd: 'crlf' });
    expect(argv.slice(-8)).toEqual(['--integration', 'complete', '--features', 'refund', '--connection', 'per-command', '--line-end', 'crlf']);
  });

  it('pos.yaml takes driver.options for the reference driver, and locates a bad value', () => {
    const base = 'name: P\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: complete\n';
    const good = analyzePosProfile(`${base}driver:\n  type: reference\n  options: {recovery: ask-cashier, pollIntervalMs: 1000}\n`, 'pos.yaml');
    expect(good.issues).toEqual([]);
    expect(good.profile?.driver).toEqual({ type: 'reference', options: { recovery: 'ask-cashier', pollIntervalMs: 1000 } });
    const bad = analyzePosProfile(`${base}driver:\n  type: reference\n  options:\n    recovery: guess\n    lineEnds: crlf\n`, 'pos.yaml');
    expect(bad.profile).toBeUndefined();
    expect(bad.issues.map((i) => `${i.line}:${i.col} ${i.message}`)).toEqual([
      expect.stringMatching(/^9:15 .*guess/),
      expect.stringMatching(/^10:5 unknown key "lineEnds"/),
    ]);
  });
});

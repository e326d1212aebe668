/**
 * Every fault end to end: a real simulator (127.0.0.1, port 0, time scale 0.01), armed through
 * the library handle or the control API, observed from a plain TCP client. Assertions are on
 * bytes and order only; time limits are generous upper bounds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAULT_TYPES } from '../../src/faults/spec.js';
import { startSimulator } from '../../src/server/start.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/server/types.js';
import { eventually, http } from '../server/helpers.js';
import { WireClient } from './wire.js';

let sim: SimulatorHandle;
const clients: WireClient[] = [];

async function start(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ port: 0, controlPort: 0, timeScale: 0.01, seed: 7, customer: 'manual', ...options });
}

async function client(): Promise<WireClient> {
  const c = await WireClient.open(sim.port);
  clients.push(c);
  return c;
}

/** An initialised connection. */
async function ready(): Promise<WireClient> {
  const c = await client();
  expect(await c.exchange('#I#')).toMatch(/^#0#/);
  return c;
}

/** A control API call (the simulator tests' helper, aimed at this simulator). */
function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return http(`http://127.0.0.1:${sim.controlPort}`, method, path, body);
}

function faultEvents(): string[] {
  return sim
    .getTranscript()
    .filter((e) => e.dir === 'event' && e.kind === 'fault')
    .map((e) => e.data);
}

/** `#?#` codes, as numbers. */
async function deviceErrors(c: WireClient): Promise<number[]> {
  const reply = await c.exchange('#?#');
  const match = /^#0#([^#]*)#/.exec(reply);
  expect(match, reply).not.toBeNull();
  return (match?.[1] ?? '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
}

function conserved(): void {
  const state = sim.getState();
  const initial = initialTotal;
  expect(state.totals.recyclers + state.totals.stacker + state.ledger.dispensed).toBe(initial + state.ledger.inserted);
}

let initialTotal = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  sim = await start();
  const state = sim.getState();
  initialTotal = state.totals.recyclers + state.totals.stacker;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim.close();
});

describe('transport faults on the wire', () => {
  it('latency (armed through the control API): the delayed reply arrives after another connection\'s', async () => {
    const c1 = await ready();
    const c2 = await client();
    const armed = await api('POST', '/faults', { type: 'latency', ms: 1000, on: { command: 'T' } });
    expect(armed.status).toBe(201);
    const order: string[] = [];
    c1.send('#T#');
    const slow = c1.reply().then((r) => order.push(`c1 ${r}`));
    const fast = await c2.exchange('#Y#');
    order.push(`c2 ${fast}`);
    await slow;
    expect(order.map((o) => o.slice(0, 2))).toEqual(['c2', 'c1']);
    expect(order[1]).toMatch(/^c1 #0#\d+#\d+#$/);
    const listed = await api('GET', '/faults');
    expect(listed.json).toMatchObject([{ id: 'f1', remaining: 0, fired: 1 }]);
    expect(faultEvents()).toContain('delayed the reply to #T# by 1s');
  });

  it('split: the reply comes in separate reads, cut where asked, and nothing is lost', async () => {
    const c = await ready();
    const genuine = await c.exchange('#Y#');
    sim.armFault({ type: 'split', at: [3] });
    const readsBefore = c.reads.length;
    c.send('#Y#');
    expect(await c.take(genuine.length)).toBe(genuine);
    const pieces = c.reads.slice(readsBefore);
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    expect(pieces[0]).toBe(genuine.slice(0, 3));
    expect(faultEvents()).toContain('split the reply to #Y# at byte 3');
  });

  it('corrupt: one byte damaged by default, or the given text', async () => {
    const c = await ready();
    const genuine = await c.exchange('#T#');
    sim.armFault({ type: 'corrupt' });
    c.send('#T#');
    const garbled = await c.take(genuine.length);
    expect(garbled).not.toBe(genuine);
    expect([...garbled].filter((ch, i) => ch !== genuine[i])).toHaveLength(1);
    sim.armFault({ type: 'corrupt', with: '#ER:GARBAGE#' });
    expect(await c.exchange('#T#')).toBe('#ER:GARBAGE#');
    expect(await c.exchange('#T#')).toBe(genuine);
  });

  it('stale-reply: the previous reply comes again instead of the real one', async () => {
    const c = await ready();
    const totals = await c.exchange('#T#');
    const quantities = await c.exchange('#Y#');
    sim.armFault({ type: 'stale-reply', on: { command: 'T' } });
    expect(await c.exchange('#T#')).toBe(quantities);
    expect(await c.exchange('#T#')).toBe(totals);
    expect(faultEvents()).toEqual([`answered #T# with the previous reply ${quantities} instead of ${totals}`]);
  });

  it('silence: the command is read but never answered; the next command is', async () => {
    const c = await ready();
    const quantities = await c.exchange('#Y#');
    sim.armFault({ type: 'silence', on: { command: 'T' } });
    c.send('#T#');
    // Wait until the machine has handled #T# (its silenced reply is in the transcript), then go on.
    await eventually(() => (faultEvents().length > 0 ? true : undefined), 'the silence event');
    expect(await c.exchange('#Y#')).toBe(quantities);
    expect(c.closed).toBe(false);
  });

  it('disconnect: FIN instead of the reply, or after part of it', async () => {
    const c = await ready();
    const genuine = await c.exchange('#T#');
    sim.armFault({ type: 'disconnect', on: { command: 'T' } });
    c.send('#T#');
    expect(await c.closedBy()).toBe('fin');
    expect(c.pending()).toBe('');

    const d = await client();
    sim.armFault({ type: 'disconnect', midReply: 4 });
    d.send('#T#');
    expect(await d.closedBy()).toBe('fin');
    expect(d.pending()).toBe(genuine.slice(0, 4));
  });

  it('reset: the POS gets ECONNRESET', async () => {
    const c = await ready();
    sim.armFault({ type: 'reset' });
    c.send('#T#');
    expect(await c.closedBy()).toBe('rst');
    expect(c.pending()).toBe('');
    expect(faultEvents()).toContain('reset the connection (RST) instead of replying to #T#');
  });

  it('refuse: the next connection is closed at once, the one after works', async () => {
    await ready();
    sim.armFault({ type: 'refuse' });
    const refused = await client();
    await refused.closedBy();
    expect(refused.pending()).toBe('');
    const next = await client();
    expect(await next.exchange('#T#')).toMatch(/^#0#/);
    expect(faultEvents().some((e) => /^refused connection \d+$/.test(e))).toBe(true);
  });

  it('refuse for a while: every connection in the window, then connections work again', async () => {
    await ready();
    sim.armFault({ type: 'refuse', for: '1500ms' });
    const first = await client();
    await first.closedBy();
    await sleep(300); // inside the wall-clock window, long past it in machine time
    const second = await client();
    await second.closedBy(5000);
    expect(first.pending() + second.pending()).toBe('');
    let refusedCount = 2;
    const reply = await eventually(async () => {
      const c = await client();
      c.send('#T#');
      try {
        return await c.reply(5000);
      } catch {
        refusedCount += 1;
        return undefined;
      }
    }, 'a connection after the refuse window');
    expect(reply).toMatch(/^#0#/);
    expect(refusedCount).toBeGreaterThanOrEqual(1);
    expect(faultEvents().filter((e) => e.startsWith('refused connection')).length).toBe(refusedCount);
  });
});

describe('domain faults on the wire', () => {
  it('busy: #ER:BUSY# for the targeted command only, once', async () => {
    const c = await ready();
    sim.armFault({ type: 'busy', on: { command: 'T' } });
    expect(await c.exchange('#Y#')).toMatch(/^#0#/);
    expect(await c.exchange('#T#')).toBe('#ER:BUSY#');
    expect(await c.exchange('#T#')).toMatch(/^#0#/);
  });

  it('busy for a while: every command in the window (wall clock, whatever the time scale), then normal again', async () => {
    const c = await ready();
    sim.armFault({ type: 'busy', for: '2s' });
    expect(await c.exchange('#T#')).toBe('#ER:BUSY#');
    // 300 ms of real time is 30 s of machine time at this scale: still inside a wall-clock window.
    await sleep(300);
    expect(await c.exchange('#Y#')).toBe('#ER:BUSY#');
    const after = await eventually(async () => {
      const reply = await c.exchange('#T#');
      return reply === '#ER:BUSY#' ? undefined : reply;
    }, 'the end of the busy window');
    expect(after).toMatch(/^#0#/);
  });

  it('restart: #ER:ILLEGAL# until the next #I#', async () => {
    const c = await ready();
    sim.armFault({ type: 'restart', on: { command: 'Y' } });
    await c.exchange('#Y#');
    expect(await c.exchange('#T#')).toBe('#ER:ILLEGAL#');
    expect(await c.exchange('#Q#')).toBe('#ER:ILLEGAL#');
    expect(await c.exchange('#I#')).toMatch(/^#0#/);
    expect(await c.exchange('#T#')).toMatch(/^#0#/);
    expect(faultEvents()).toContain('the connector restarted on the quantities query (#Y#)');
  });

  it.each([
    [{ type: 'device-error', code: 1110 }, 1110],
    [{ type: 'door-open', door: 'coin' }, 1130],
    [{ type: 'door-open', door: 'note' }, 1131],
    [{ type: 'power-off' }, 1075],
  ])('%j shows in #?# until the operator clears it (control API)', async (spec, code) => {
    const c = await ready();
    sim.armFault(spec as never);
    await c.exchange('#T#');
    expect(await deviceErrors(c)).toContain(code);
    const cleared = await api('POST', '/operator', { clearErrors: true });
    expect(cleared.status).toBe(200);
    // Once power is back the connector needs #I# again (docs/protocol-choices.md).
    if (spec.type === 'power-off') expect(await c.exchange('#I#')).toMatch(/^#0#/);
    expect(await deviceErrors(c)).not.toContain(code);
  });

  it('power-off: cash commands fail while the machine is off', async () => {
    const c = await ready();
    sim.armFault({ type: 'power-off', on: { command: 'Y' } });
    await c.exchange('#Y#');
    expect(await c.exchange('#P#100#0#0#0#')).toMatch(/^#ER:GENERIC#/);
    expect(sim.getState().ledger.dispensed).toBe(0);
    conserved();
  });

  it('stacker-full shows a device error in #?#', async () => {
    const c = await ready();
    const before = await deviceErrors(c);
    sim.armFault({ type: 'stacker-full' });
    await c.exchange('#T#');
    const after = await deviceErrors(c);
    expect(after.filter((code) => !before.includes(code)).length).toBeGreaterThan(0);
  });

  it('partial-dispense: #P# comes out short by the amount and says exactly what came out', async () => {
    const c = await ready();
    sim.armFault({ type: 'partial-dispense', short: 50, on: { command: 'P' } });
    // 3.50 € in coins (2 € + 1 € + 0.50 €): 0.50 € short leaves 3 €.
    const reply = await c.exchange('#P#350#0#0#0#');
    const [, status, dispensed] = reply.split('#');
    expect(status).toBe('ER:GENERIC');
    expect(Number(dispensed)).toBe(300);
    expect(sim.getState().ledger.dispensed).toBe(300);
    expect(faultEvents()).toEqual(['made the dispense (#P#) come out 0.50 € short (at 0 % of the dispense)']);
    expect(sim.getTranscript().map((e) => e.data)).toContain('dispense comes out short by 0.50 € (0.50 € asked)');
    conserved();
  });

  it('coin-jam at 40 % of a charge: the charge stops, the reply reports what moved, money is conserved', async () => {
    const c = await ready();
    sim.armFault({ type: 'coin-jam', on: { command: 'C', after: '40%' } });
    c.send('#C#1#1#1000#0#0#0#0#0#0#0#0#');
    await eventually(() => (sim.getState().operation?.command === 'C' ? true : undefined), 'the charge to open');
    // Five 2 € coins would pay it; the third one (at 40 %) jams.
    sim.insert([200, 200, 200, 200, 200]);
    const reply = await c.reply();
    const [, status, auto] = reply.split('#');
    expect(status).toBe('ER:GENERIC');
    expect(Number(auto)).toBeLessThan(1000);
    expect(Number(auto)).toBe(sim.getState().ledger.inserted);
    expect(faultEvents()[0]).toMatch(/^jammed a 2 € coin going in at 40 % of the charge \(#C#\)/);
    expect((await deviceErrors(c)).length).toBeGreaterThan(0);
    conserved();
  });

  it('note-jam with an automatic customer: #ER:GENERIC#, the jam in #?#, cleared by the operator', async () => {
    await sim.close();
    sim = await start({ customer: { mode: 'auto', pay: [2000], delayMs: 100 } });
    const c = await ready();
    sim.armFault({ type: 'note-jam' });
    const reply = await c.exchange('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    expect(reply).toMatch(/^#ER:GENERIC#\d+#\d+#\d+#\d+#$/);
    const errors = await deviceErrors(c);
    expect(errors.length).toBeGreaterThan(0);
    conserved();
    await api('POST', '/operator', { clearErrors: true });
    expect(await deviceErrors(c)).toEqual([]);
  });
});

describe('triggers on the wire', () => {
  it('command + nth: only the 2nd #T# since arming', async () => {
    const c = await ready();
    sim.armFault({ type: 'busy', on: { command: 'T', nth: 2 } });
    const replies = [];
    for (const frame of ['#T#', '#Y#', '#T#', '#T#']) replies.push(await c.exchange(frame));
    expect(replies.map((r) => r === '#ER:BUSY#')).toEqual([false, false, true, false]);
  });

  it('times: fires that many times and GET /faults shows it used up', async () => {
    const c = await ready();
    const { json } = await api('POST', '/faults', { type: 'busy', on: { times: 2 } });
    expect(json).toEqual({ id: 'f1' });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await c.exchange('#T#'));
    expect(replies.map((r) => r === '#ER:BUSY#')).toEqual([true, true, false]);
    expect((await api('GET', '/faults')).json).toMatchObject([{ id: 'f1', remaining: 0, fired: 2 }]);
    expect((await api('DELETE', '/faults/f1')).status).toBe(200);
    expect((await api('GET', '/faults')).json).toEqual([]);
  });

  it('an invalid fault is refused with the reason, and the catalogue lists every fault', async () => {
    const bad = await api('POST', '/faults', { type: 'latensy', ms: 800 });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/unknown fault type "latensy" \(did you mean "latency"\?\)/);
    const catalog = await api('GET', '/faults/catalog');
    expect((catalog.json as { type: string }[]).map((f) => f.type)).toEqual([...FAULT_TYPES]);
    expect((await api('DELETE', '/faults/f42')).status).toBe(404);
  });

  it('probability: the same seed and traffic replay the same decisions; another seed differs', async () => {
    const pattern = async (seed: number) => {
      await sim.close();
      sim = await start({ seed });
      const c = await ready();
      sim.armFault({ type: 'busy', on: { command: 'T', probability: 0.5, times: 100 } });
      let out = '';
      for (let i = 0; i < 24; i++) {
        out += (await c.exchange('#T#')) === '#ER:BUSY#' ? 'B' : '.';
        if (i % 3 === 0) await c.exchange('#Y#'); // unrelated traffic
      }
      return out;
    };
    const first = await pattern(11);
    expect(first).toMatch(/B/);
    expect(first).toMatch(/\./);
    expect(await pattern(11)).toBe(first);
    expect(await pattern(12)).not.toBe(first);
  });

  it('faults armed at start (SimulatorOptions.faults) apply from the first connection', async () => {
    await sim.close();
    sim = await start({ faults: [{ type: 'busy', on: { command: 'I' } }] });
    const c = await client();
    expect(await c.exchange('#I#')).toBe('#ER:BUSY#');
    expect(await c.exchange('#I#')).toMatch(/^#0#/);
  });
});

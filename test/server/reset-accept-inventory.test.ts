/**
 * Three things checklist verdicts rely on, with the real simulator over real sockets at time
 * scale 0.01: the customer presses Accept like a person (unless told not to), GET /state's
 * inventory goes back into PUT /inventory unchanged, and a reset isolates one item from the next.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import type { SimulatorState } from '../../src/server/types.js';
import { connect } from 'node:net';
import { eventually, http, TestClient, WAIT_MS, withTimeout } from './helpers.js';

/** #C# of 9.90 € with the Accept button shown (7th flag), as the Odoo drivers send it. */
const CHARGE_WITH_ACCEPT = '#C#1#1#990#1#15360#0#1#0#1#0#0#';

let sim: FullSimulatorHandle;
let base: string;
const clients: TestClient[] = [];

async function client(): Promise<TestClient> {
  const c = await TestClient.open(sim.port);
  clients.push(c);
  return c;
}

async function ready(): Promise<TestClient> {
  const c = await client();
  await c.exchange('#I#', '#0#2.01#');
  return c;
}

function operation(): Promise<NonNullable<SimulatorState['operation']>> {
  return eventually(() => sim.getState().operation ?? undefined, 'an open operation');
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  base = `http://127.0.0.1:${sim.controlPort}`;
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.close();
});
beforeEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.reset();
});

describe('the customer presses Accept', () => {
  it('POST /customer {"insert"} on a charge with the Accept button completes it, and the press is in the transcript', async () => {
    const c = await ready();
    c.send(CHARGE_WITH_ACCEPT);
    await operation();
    expect((await http(base, 'POST', '/customer', { insert: [2000] })).status).toBe(200);
    await c.expect('#WR:LEVEL#2000#1010#0#0#');
    const press = sim.getTranscript().filter((e) => e.dir === 'event' && e.kind === 'customer' && /pressed Accept/.test(e.data));
    expect(press.map((e) => e.data)).toEqual(['customer pressed Accept: 20.00 € inserted covers 9.90 €']);
  });

  it('handle.insert(denoms, { accept: false }) leaves the button alone; confirm() then completes the charge', async () => {
    const c = await ready();
    c.send(CHARGE_WITH_ACCEPT);
    await operation();
    sim.insert([2000], { accept: false });
    await eventually(() => (sim.getState().operation?.['phase'] === 'confirming' && sim.getState().operation?.['validating'] === 0 ? true : undefined), 'the note validated');
    expect(c.pending()).toBe('');
    sim.confirm();
    await c.expect('#WR:LEVEL#2000#1010#0#0#');
  });

  it('POST /customer {"insert", "accept": false} leaves the button alone; {"confirm": true} still works', async () => {
    const c = await ready();
    c.send(CHARGE_WITH_ACCEPT);
    await operation();
    expect((await http(base, 'POST', '/customer', { insert: [1000], accept: false })).status).toBe(200);
    await eventually(() => (sim.getState().operation?.inserted === 1000 ? true : undefined), 'the note validated');
    expect(sim.getState().operation).toMatchObject({ command: 'C', phase: 'confirming', waitingFor: 'customer' });
    expect((await http(base, 'POST', '/customer', { confirm: true })).status).toBe(200);
    await c.expect('#0#1000#10#0#0#');
  });

  it('rejects a bad "accept" before inserting anything', async () => {
    const c = await ready();
    c.send(CHARGE_WITH_ACCEPT);
    await operation();
    const alone = await http(base, 'POST', '/customer', { accept: false });
    expect(alone).toMatchObject({ status: 400, json: { error: expect.stringContaining('"accept" goes with "insert"') } });
    const wrong = await http(base, 'POST', '/customer', { insert: [2000], accept: 'no' });
    expect(wrong).toMatchObject({ status: 400, json: { error: 'accept: expected true or false, got the text "no"' } });
    expect(() => sim.insert([2000], { accept: 1 as unknown as boolean })).toThrow('accept: expected true or false, got the number 1');
    expect(sim.getState().operation).toMatchObject({ command: 'C', inserted: 0, validating: 0 });
  });

  it('the automatic customer pays and presses Accept by itself', async () => {
    sim.setCustomer({ mode: 'auto', pay: [1000], delayMs: 0 });
    try {
      const c = await ready();
      c.send(CHARGE_WITH_ACCEPT);
      await c.expect('#0#1000#10#0#0#');
      expect(sim.getTranscript().some((e) => e.kind === 'customer' && e.data.startsWith('customer pressed Accept'))).toBe(true);
    } finally {
      sim.setCustomer({ mode: 'manual' });
    }
  });
});

describe('GET /state round-trips into PUT /inventory', () => {
  it('PUT /inventory with exactly the inventory of GET /state answers 2xx and changes nothing', async () => {
    const before = (await http(base, 'GET', '/state')).json as SimulatorState;
    expect(before.inventory.recyclers['5000']).toBe(0); // a note the recyclers of eur-pos1500 cannot hold
    const put = await http(base, 'PUT', '/inventory', before.inventory);
    expect(put.status).toBe(200);
    expect(put.json).toEqual(before);
    expect((await http(base, 'GET', '/state')).json).toEqual(before);
  });

  it('0 for a denomination the recyclers cannot hold is accepted; any other count is a 400 naming the path', async () => {
    expect((await http(base, 'PUT', '/inventory', { recyclers: { '5000': 0 } })).status).toBe(200);
    const bad = await http(base, 'PUT', '/inventory', { recyclers: { '5000': 1 } });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^recyclers\.5000: .*cannot hold 5000/);
    expect(sim.getState().inventory.recyclers['5000']).toBe(0);
  });

  it('names the path of a count above capacity once, not twice', async () => {
    const bad = await http(base, 'PUT', '/inventory', { recyclers: { '200': 100_000 } });
    expect(bad.status).toBe(400);
    const error = (bad.json as { error: string }).error;
    expect(error).toMatch(/recyclers\.200: 100000 is above the recycler capacity \d+/);
    expect(error.split('recyclers.200').length - 1).toBe(1);
  });
});

describe('reset isolates items', () => {
  it('closes every connection, ends the open #C# with its money returned, says so first, and a fresh #I# works', async () => {
    const pos = await ready();
    const idle = await client();
    pos.send(CHARGE_WITH_ACCEPT);
    await operation();
    sim.insert([2000], { accept: false });
    await eventually(() => (sim.getState().operation?.inserted === 2000 ? true : undefined), 'the note validated');
    const oldConns = [...new Set(sim.getTranscript().filter((e) => e.conn > 0).map((e) => e.conn))];
    expect(oldConns).toHaveLength(2);

    const reset = await http(base, 'POST', '/reset');
    expect(reset.status).toBe(200);
    expect((reset.json as SimulatorState).operation).toBeNull();
    await pos.waitClosed();
    await idle.waitClosed();
    expect(pos.pending()).toBe(''); // no reply to the #C# leaked out

    const first = sim.getTranscript()[0];
    expect(first).toMatchObject({ dir: 'event', kind: 'control', conn: 0 });
    expect(first?.data).toBe(`reset: closed 2 connections (${oldConns.join(', ')}); ended the open #C# (returned 20.00 €); machine back to the profile's initial state`);

    const fresh = await ready();
    expect(sim.getState()).toMatchObject({ operation: null, initialized: true });
    await fresh.exchange('#T#', '#0#40900#10000#');
    // The old connections' closes belong to before the reset.
    expect(sim.getTranscript().filter((e) => oldConns.includes(e.conn))).toEqual([]);
  });

  it('reset({ closeConnections: false }) keeps a healthy connection, and still closes the one whose #C# it ends', async () => {
    const healthy = await ready();
    await sim.reset({ closeConnections: false });
    expect(sim.getTranscript()[0]?.data).toBe("reset: connections kept and no operation was running; machine back to the profile's initial state");
    await healthy.exchange('#I#', '#0#2.01#');
    const other = await client();
    other.send(CHARGE_WITH_ACCEPT);
    await operation();
    await sim.reset({ closeConnections: false });
    await other.waitClosed();
    expect(healthy.ended).toBe(false);
    await healthy.exchange('#I#', '#0#2.01#');
    const bad = await http(base, 'POST', '/reset', { closeConnections: 'no' });
    expect(bad).toMatchObject({ status: 400, json: { error: 'closeConnections: expected true or false, got the text "no"' } });
  });

  it('the promise of reset() settles once the client has seen the close, so its next command cannot go into it', async () => {
    const pos = await ready();
    await sim.reset();
    expect(pos.ended).toBe(true);
    await pos.waitClosed();
  });

  it('a client that never closes its side and keeps writing does not keep reset waiting: its socket is destroyed', async () => {
    const stubborn = connect({ port: sim.port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise<void>((resolve) => stubborn.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => stubborn.once('close', () => resolve()));
    stubborn.on('error', () => undefined);
    stubborn.resume();
    // Bytes keep arriving, so an idle timeout alone would never end the connection.
    const chatter = setInterval(() => stubborn.writable && stubborn.write('#'), 50);
    try {
      await eventually(() => (sim.getTranscript().some((e) => e.kind === 'connection' && /^connection \d+ from/.test(e.data)) ? true : undefined), 'the connection');
      expect((await http(base, 'POST', '/reset')).status).toBe(200);
      expect(sim.getTranscript()[0]?.data).toMatch(/^reset: closed connection \d+; machine back/);
      // The server's side is gone: the client's next writes are refused and its socket closes.
      await withTimeout(closed, WAIT_MS, 'the stubborn socket to close');
      expect(sim.getTranscript().some((e) => e.dir === 'in')).toBe(false);
    } finally {
      clearInterval(chatter);
      stubborn.destroy();
    }
  });

  it('handle.reset() drops a reply still held back by a latency fault instead of logging it after the reset', async () => {
    const pos = await ready();
    sim.armFault({ type: 'latency', ms: 300, on: { command: 'T' } });
    pos.send('#T#');
    await eventually(() => (sim.getTranscript().some((e) => e.dir === 'in' && e.data === '#T#') ? true : undefined), '#T# received');
    sim.reset();
    await pos.waitClosed();
    expect(pos.pending()).toBe('');
    // Past the latency: the held-back reply must not show up anywhere.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.getTranscript().map((e) => e.data)).toEqual([expect.stringMatching(/^reset: closed connection \d+; machine back/)]);
  });
});

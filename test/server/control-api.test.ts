/**
 * The control API's plumbing and error cases over real HTTP, with the scripted machine and
 * fault engine of fake-parts.ts (the real machine's behaviour is covered in simulator.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createSimulator, type FullSimulatorHandle } from '../../src/server/simulator.js';
import { fakeParts, ScriptedEngine } from './fake-parts.js';
import { eventually, http, TestClient } from './helpers.js';

let sim: FullSimulatorHandle;
let base: string;

beforeAll(async () => {
  sim = await createSimulator(fakeParts(new ScriptedEngine()), { port: 0, controlPort: 0, timeScale: 0.01 });
  base = `http://127.0.0.1:${sim.controlPort}`;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

describe('control API', () => {
  it('GET /state has the pinned shape', async () => {
    const { status, json } = await http(base, 'GET', '/state');
    expect(status).toBe(200);
    expect(json).toMatchObject({ initialized: true, operation: null, inventory: { recyclers: { '50': 10 }, stacker: {} }, totals: { recyclers: 500, stacker: 0 }, errors: [1130] });
  });

  it('GET /profile gives denominations and currency', async () => {
    const { json } = await http(base, 'GET', '/profile');
    expect(json).toMatchObject({ name: 'fake', currency: 'EUR', coins: [50, 100, 200], notes: [500, 1000, 2000] });
  });

  it('PUT /inventory sets counts and rejects what the profile does not have', async () => {
    expect((await http(base, 'PUT', '/inventory', { recyclers: { '50': 3 } })).status).toBe(200);
    expect(sim.getState().inventory.recyclers['50']).toBe(3);
    const unknown = await http(base, 'PUT', '/inventory', { recyclers: { '3': 1 } });
    expect(unknown).toMatchObject({ status: 400, json: { error: 'recyclers.3: 3 is not a denomination of profile fake (known: 50, 100, 200, 500, 1000, 2000)' } });
    const stackerOnly = await http(base, 'PUT', '/inventory', { recyclers: { '2000': 1 } });
    expect(stackerOnly.status).toBe(400);
    expect((stackerOnly.json as { error: string }).error).toMatch(/cannot hold 2000/);
    const negative = await http(base, 'PUT', '/inventory', { stacker: { '500': -1 } });
    expect((negative.json as { error: string }).error).toBe('stacker.500: must be at least 0, got -1');
    const typo = await http(base, 'PUT', '/inventory', { recycler: {} });
    expect((typo.json as { error: string }).error).toMatch(/^recycler: unknown key "recycler" in the inventory \(did you mean "recyclers"\?\)/);
  });

  it('lists every problem of a body at once, each with its JSON path', async () => {
    const before = sim.getState().inventory;
    const bad = await http(base, 'PUT', '/inventory', { recyclers: { '3': 1, '50': 'ten', '2000': 1 }, stacker: { '500': -1 }, extra: true });
    expect(bad.status).toBe(400);
    const { error, problems } = bad.json as { error: string; problems: { path: string; message: string; hint?: string }[] };
    expect(problems.map((p) => p.path).sort()).toEqual(['extra', 'recyclers.2000', 'recyclers.3', 'recyclers.50', 'stacker.500']);
    expect(problems.find((p) => p.path === 'recyclers.50')).toEqual({ path: 'recyclers.50', message: 'expected a whole number, got the text "ten"' });
    expect(problems.find((p) => p.path === 'recyclers.3')).toEqual({ path: 'recyclers.3', message: '3 is not a denomination of profile fake', hint: 'known: 50, 100, 200, 500, 1000, 2000' });
    for (const p of problems) expect(error).toContain(`${p.path}: ${p.message}`);
    expect(sim.getState().inventory).toEqual(before);
  });

  it('rejects bad JSON, empty bodies and non-objects with 400', async () => {
    const bad = await http(base, 'PUT', '/inventory', '{"recyclers": ');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^request body is not valid JSON/);
    expect((await http(base, 'POST', '/customer', '')).json).toEqual({ error: 'request body is empty; expected JSON' });
    expect((await http(base, 'POST', '/customer', [1])).json).toEqual({ error: 'the body must be a JSON object, got a list', problems: [{ path: '', message: 'the body must be a JSON object, got a list' }] });
  });

  it('POST /customer answers 409 when nothing is open, 400 for an unknown denomination, and inserts into an open acceptance', async () => {
    expect(await http(base, 'POST', '/customer', { insert: [500] })).toMatchObject({ status: 409, json: { error: 'nothing is open to insert 500 into: no charge, acceptance or screen is running' } });
    expect((await http(base, 'POST', '/customer', { insert: [3] })).status).toBe(400);
    expect((await http(base, 'POST', '/customer', {})).status).toBe(400);
    expect((await http(base, 'POST', '/customer', { cancel: 'yes' })).json).toEqual({ error: 'cancel: expected true, got the text "yes"', problems: [{ path: 'cancel', message: 'expected true, got the text "yes"' }] });
    const c = await TestClient.open(sim.port);
    try {
      c.send('#OPEN#700#\n');
      await eventually(() => sim.getState().operation ?? undefined, 'the acceptance');
      const partial = await http(base, 'POST', '/customer', { insert: [500] });
      expect(partial).toMatchObject({ status: 200, json: { operation: { command: 'OPEN', inserted: 500 } } });
      await http(base, 'POST', '/customer', { insert: [200] });
      await c.expect('#0#700#');
    } finally {
      c.destroy();
    }
  });

  it('PUT /customer validates the mode', async () => {
    expect((await http(base, 'PUT', '/customer', { mode: 'auto', pay: [2000], delayMs: 100 })).status).toBe(200);
    expect((await http(base, 'PUT', '/customer', { mode: 'robot' })).json).toMatchObject({ error: 'mode: unknown customer mode "robot" (expected one of: auto, manual)' });
    expect((await http(base, 'PUT', '/customer', { mode: 'auto', pay: [7] })).status).toBe(400);
  });

  it('POST /operator needs close or clearErrors', async () => {
    expect((await http(base, 'POST', '/operator', {})).status).toBe(400);
    expect((await http(base, 'POST', '/operator', { close: true })).status).toBe(409);
    const cleared = await http(base, 'POST', '/operator', { clearErrors: true });
    expect(cleared).toMatchObject({ status: 200, json: { errors: [] } });
  });

  it('arms, lists and disarms faults; invalid specs are 400 and unknown ids 404', async () => {
    const armed = await http(base, 'POST', '/faults', { type: 'latency', ms: 800 });
    expect(armed.status).toBe(201);
    const id = (armed.json as { id: string }).id;
    expect(armed.headers.get('location')).toBe(`/faults/${id}`);
    expect((await http(base, 'GET', '/faults')).json).toEqual([expect.objectContaining({ id, remaining: 1, fired: 0 })]);
    const invalid = await http(base, 'POST', '/faults', { type: 'bogus' });
    expect(invalid).toMatchObject({ status: 400, json: { error: 'invalid fault: type: unknown fault type "bogus"', problems: [{ path: 'type', message: 'unknown fault type "bogus"' }] } });
    expect(await http(base, 'DELETE', `/faults/${id}`)).toMatchObject({ status: 200, json: { id, disarmed: true } });
    expect(await http(base, 'DELETE', `/faults/${id}`)).toMatchObject({ status: 404, json: { error: `no armed fault with id "${id}" (none is armed)` } });
    expect((await http(base, 'GET', '/faults/catalog')).json).toEqual([expect.objectContaining({ type: 'latency', plane: 'transport' })]);
  });

  it('GET /transcript lists frames and events in order; POST /reset clears it', async () => {
    const c = await TestClient.open(sim.port);
    try {
      await c.exchange('#PING#\n', '#0#pong#');
      const { json } = await http(base, 'GET', '/transcript');
      const frames = (json as { dir: string; data: string; conn: number; at: number }[]).filter((e) => e.dir !== 'event');
      expect(frames.map((e) => [e.dir, e.data])).toEqual([
        ['in', '#PING#'],
        ['out', '#0#pong#'],
      ]);
      expect(frames[0]!.conn).toBeGreaterThan(0);
      expect(frames[1]!.conn).toBe(frames[0]!.conn);
      expect(frames[0]!.at).toBeLessThanOrEqual(frames[1]!.at);
      expect((await http(base, 'POST', '/reset')).status).toBe(200);
      expect((await http(base, 'GET', '/transcript')).json).toEqual([]);
    } finally {
      c.destroy();
    }
  });

  it('answers 404 with a suggestion for unknown paths and 405 for wrong methods', async () => {
    expect(await http(base, 'GET', '/stat')).toMatchObject({ status: 404, json: { error: 'no endpoint /stat (did you mean /state?)' } });
    const wrong = await http(base, 'DELETE', '/state');
    expect(wrong).toMatchObject({ status: 405, json: { error: 'DELETE is not allowed on /state (allowed: GET)' } });
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('serves the self-contained web page', async () => {
    const res = await fetch(base + '/');
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<title>Cashlogy simulator</title>');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!localhost)/);
    expect(html).not.toMatch(/innerHTML/);
  });

  it('streams the transcript as Server-Sent Events', async () => {
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${base}/events`, (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          if (received.join('').includes('#0#pong#')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
      req.end();
    });
    const c = await TestClient.open(sim.port);
    try {
      await c.exchange('#PING#\n', '#0#pong#');
      await done;
    } finally {
      c.destroy();
    }
    const events = received
      .join('')
      .split('\n\n')
      .filter((block) => block.split('\n').includes('event: entry'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { dir: string; data: string });
    expect(events.filter((e) => e.dir !== 'event').map((e) => e.data)).toEqual(['#PING#', '#0#pong#']);
  });
});

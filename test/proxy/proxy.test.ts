/**
 * The proxy against a simulator standing in for the real connector: the transcript through the
 * proxy is the simulator's own, frame for frame; every transport fault of the catalogue does to
 * the POS through the proxy what it does in the simulator; domain faults are refused.
 */
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listFaultInfo } from '../../src/faults/registry.js';
import type { FaultSpec } from '../../src/faults/spec.js';
import { startProxy, transportTypes } from '../../src/proxy/proxy.js';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import type { SimulatorHandle } from '../../src/server/types.js';
import { eventually, TestClient } from '../server/helpers.js';
import { faultEvents, frames, startRig, type Rig } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(...args: Parameters<typeof startRig>): Promise<Rig> {
  const r = await startRig(...args);
  cleanups.push(() => r.close());
  return r;
}

async function client(port: number): Promise<TestClient> {
  const c = await TestClient.open(port);
  cleanups.push(async () => c.destroy());
  return c;
}

const outs = (h: { getTranscript(): { dir: string }[] }) => h.getTranscript().filter((e) => e.dir === 'out').length;

/** Sends bytes and waits until both the simulator and the proxy recorded `replies` more replies. */
async function exchange(r: Rig, c: TestClient, bytes: string, replies = 1): Promise<void> {
  const sim0 = outs(r.sim);
  const proxy0 = outs(r.proxy);
  c.send(bytes);
  await eventually(() => (outs(r.sim) >= sim0 + replies && outs(r.proxy) >= proxy0 + replies ? true : undefined), `${replies} replies to ${JSON.stringify(bytes)}`);
}

describe('proxy: the transcript is the simulator\'s own, frame for frame', () => {
  it('a session with init, queries, a paid charge, a cancelled one, pipelined frames, CR/LF, garbage and two connections', async () => {
    const r = await rig({ customer: { mode: 'auto', pay: [2000] } });
    const c1 = await client(r.proxy.port);
    await exchange(r, c1, '#I#');
    await exchange(r, c1, '#T#');
    await exchange(r, c1, '#Y#');
    await exchange(r, c1, '#C#op1#1#990#0#0#0#0#0#0#0#0#');
    await exchange(r, c1, '#T##Q#', 2);
    await exchange(r, c1, '#T#\r\n');
    await exchange(r, c1, 'hello ');
    const c2 = await client(r.proxy.port);
    await exchange(r, c2, '#I#');
    c2.close();
    await eventually(() => (r.sim.getState().connections === 1 ? true : undefined), 'the second connection gone upstream');
    r.sim.setCustomer({ mode: 'manual' });
    c1.send('#C#op2#1#500#0#0#0#0#0#0#0#0#');
    await eventually(() => (r.sim.getState().operation?.waitingFor === 'customer' ? true : undefined), 'the charge open');
    await exchange(r, c1, '#!#');
    await exchange(r, c1, '#Q#');

    const viaProxy = frames(r.proxy.getTranscript());
    const own = frames(r.sim.getTranscript());
    expect(viaProxy.length).toBeGreaterThan(15);
    expect(viaProxy).toEqual(own);
    // And the POS received exactly the bytes the simulator sent: every reply, in order.
    const sent = own
      .filter((e) => e.dir === 'out' && e.conn === 1)
      .map((e) => e.data)
      .join('');
    await eventually(() => (c1.pending().length >= sent.length ? true : undefined), 'every reply at the POS');
    expect(c1.pending()).toBe(sent);
  });

  it('records a reply split over several TCP writes by the connector as one frame', async () => {
    // The simulator behind the proxy splits its reply (a split fault upstream): the proxy still sees one reply.
    const r = await rig();
    r.sim.armFault({ type: 'split', at: [2, 4], on: { command: 'T' } } as FaultSpec);
    const c = await client(r.proxy.port);
    await exchange(r, c, '#I#');
    await exchange(r, c, '#T#');
    const lastOut = (h: SimulatorHandle | Rig['proxy']) => h.getTranscript().filter((e) => e.dir === 'out').at(-1)?.data;
    expect(lastOut(r.proxy)).toBe(lastOut(r.sim));
    expect(lastOut(r.proxy)).toMatch(/^#0#\d+#\d+#$/);
  });
});

interface Observation {
  received: string;
  ended: 'open' | 'end' | 'error';
  faults: string[];
  readsAfterArm: number;
}

/**
 * The same POS session against a target (the simulator itself, or the proxy in front of one):
 * `#I#`, `#T#`, then the fault armed on the next `#Y#`, then `#Y#`. What the POS sees of it.
 */
async function observe(target: { port: number; armFault(spec: FaultSpec): string; getTranscript(): { dir: string; kind?: string; data: string }[] }, spec: FaultSpec, sim: FullSimulatorHandle): Promise<Observation> {
  if (spec.type === 'refuse') {
    target.armFault(spec);
    const c = await client(target.port);
    const ended = await c.waitClosed();
    return { received: c.pending(), ended, faults: faultEvents(target.getTranscript() as never), readsAfterArm: c.reads };
  }
  const c = await client(target.port);
  const waitReplies = async (n: number) => eventually(() => (target.getTranscript().filter((e) => e.dir === 'out').length >= n ? true : undefined), `${n} replies`);
  c.send('#I#');
  await waitReplies(1);
  c.send('#T#');
  await waitReplies(2);
  await eventually(() => ((c.pending().match(/#/g)?.length ?? 0) >= 5 ? true : undefined), 'both replies at the POS');
  const before = c.pending();
  const reads = c.reads;
  target.armFault(spec);
  c.send('#Y#');
  await eventually(() => (faultEvents(target.getTranscript() as never).length > 0 ? true : undefined), `the ${spec.type} fault firing`);
  // Settle: the delayed or split reply arrives, or the connection closes.
  await eventually(() => (c.socket.destroyed || c.pending().length > before.length ? true : undefined), 'the POS sees the fault', 1000).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const ended = c.socket.destroyed ? (c.error ? 'error' : 'end') : 'open';
  void sim;
  return { received: c.pending().slice(before.length), ended, faults: faultEvents(target.getTranscript() as never), readsAfterArm: c.reads - reads };
}

describe('proxy: every transport fault of the catalogue fires through the proxy as in the simulator', () => {
  const SPECS: Record<string, FaultSpec> = {
    disconnect: { type: 'disconnect', on: { command: 'Y' } } as FaultSpec,
    reset: { type: 'reset', on: { command: 'Y' } } as FaultSpec,
    refuse: { type: 'refuse' } as FaultSpec,
    silence: { type: 'silence', on: { command: 'Y' } } as FaultSpec,
    latency: { type: 'latency', ms: 150, on: { command: 'Y' } } as FaultSpec,
    split: { type: 'split', at: [3], on: { command: 'Y' } } as FaultSpec,
    corrupt: { type: 'corrupt', bytes: 2, on: { command: 'Y' } } as FaultSpec,
    'stale-reply': { type: 'stale-reply', on: { command: 'Y' } } as FaultSpec,
  };

  it('the table covers every transport fault of the catalogue', () => {
    expect(Object.keys(SPECS).sort()).toEqual(transportTypes().sort());
  });

  for (const [type, spec] of Object.entries(SPECS)) {
    it(type, async () => {
      const direct = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, seed: 7 });
      cleanups.push(() => direct.close());
      const r = await rig({ seed: 7 }, { seed: 7 });
      const own = await observe(direct, spec, direct);
      const via = await observe(r.proxy, spec, r.sim);
      expect(via.faults.length).toBeGreaterThan(0);
      expect(via).toEqual(own);
      if (type === 'split') expect(via.readsAfterArm).toBeGreaterThanOrEqual(2);
      if (type === 'disconnect' || type === 'reset') {
        // Nothing orphaned: the proxy closed its side to the connector too.
        await eventually(() => (r.sim.getState().connections === 0 && r.proxy.connections().length === 0 ? true : undefined), 'both sides closed');
      }
    });
  }

  it('a trigger on the 2nd #C#: "drop the connection just before the reply to the 2nd #C#"', async () => {
    const r = await rig({ customer: { mode: 'auto', pay: [500] } });
    r.proxy.armFault({ type: 'disconnect', on: { command: 'C', nth: 2 } } as FaultSpec);
    const c = await client(r.proxy.port);
    await exchange(r, c, '#I#');
    await exchange(r, c, '#C#a#1#500#0#0#0#0#0#0#0#0#');
    c.send('#C#b#1#500#0#0#0#0#0#0#0#0#');
    expect(await c.waitClosed()).toBe('end');
    const proxyFrames = frames(r.proxy.getTranscript());
    // The connector did answer the 2nd charge (money moved); the POS never got that reply.
    expect(frames(r.sim.getTranscript()).filter((e) => e.dir === 'out')).toHaveLength(3);
    expect(proxyFrames.filter((e) => e.dir === 'out')).toHaveLength(2);
    expect(faultEvents(r.proxy.getTranscript()).join('\n')).toMatch(/closed \(FIN\) instead of the reply to #C#/);
  });
});

describe('proxy: domain faults and the machine\'s own routes are refused', () => {
  it('refuses every domain fault with a message saying why, and arms nothing', async () => {
    const r = await rig();
    const domain = listFaultInfo().filter((f) => f.plane === 'domain');
    expect(domain.length).toBeGreaterThan(3);
    for (const f of domain) {
      const spec = { type: f.type, ...(f.type === 'device-error' ? { code: 1110 } : {}), ...(f.type === 'partial-dispense' ? { short: 100 } : {}) } as FaultSpec;
      expect(() => r.proxy.armFault(spec), f.type).toThrow(/domain fault.*real connector's machine cannot/);
    }
    expect(r.proxy.listFaults()).toEqual([]);
  });

  it('the control API: transport faults armed, domain faults 400, inventory and customer 409, the page has no inventory', async () => {
    const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01 });
    cleanups.push(() => sim.close());
    const proxy = await startProxy({ upstream: { host: sim.host, port: sim.port }, port: 0, controlPort: 0 });
    cleanups.push(() => proxy.close());
    const base = `http://127.0.0.1:${proxy.controlPort}`;
    const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const armed = await post('/faults', { type: 'latency', ms: 100, on: { command: 'C' } });
    expect(armed.status).toBe(201);
    const jam = await post('/faults', { type: 'note-jam' });
    expect(jam.status).toBe(400);
    expect(((await jam.json()) as { error: string }).error).toMatch(/note-jam.*domain fault/);
    const faults = (await (await fetch(`${base}/faults`)).json()) as { id: string }[];
    expect(faults.map((f) => f.id)).toEqual([((await armed.json()) as { id: string }).id]);
    for (const [method, path] of [['GET', '/inventory'], ['PUT', '/inventory'], ['POST', '/customer'], ['POST', '/operator'], ['GET', '/profile']] as const) {
      const res = await fetch(base + path, { method, ...(method === 'GET' ? {} : { headers: { 'Content-Type': 'application/json' }, body: '{}' }) });
      expect(res.status, `${method} ${path}`).toBe(409);
      expect(((await res.json()) as { error: string }).error).toMatch(/not available through a proxy/);
    }
    const catalog = (await (await fetch(`${base}/faults/catalog`)).json()) as { plane: string }[];
    expect(new Set(catalog.map((f) => f.plane))).toEqual(new Set(['transport']));
    const c = await client(proxy.port);
    c.send('#I#');
    await eventually(() => (proxy.getTranscript().some((e) => e.dir === 'out') ? true : undefined), 'a reply');
    const state = (await (await fetch(`${base}/state`)).json()) as { proxy: boolean; upstream: string; connections: unknown[] };
    expect(state).toMatchObject({ proxy: true, upstream: `127.0.0.1:${sim.port}` });
    expect(state.connections).toHaveLength(1);
    expect(((await (await fetch(`${base}/transcript`)).json()) as { data: string }[]).map((e) => e.data)).toContain('#I#');
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('Armed faults');
    expect(page).toContain('EventSource');
    expect(page).not.toMatch(/inventory/i);
    // The simulator's guard stands in front of the proxy's own routes too (DNS rebinding).
    const foreign = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port: proxy.controlPort as number, path: '/', headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(foreign).toBe(403);
  });
});

/**
 * The proxy when the connector is down, stalls or floods, and when the POS floods: the POS is
 * told the way a dead connector tells it, memory stays bounded both ways, nothing is left open.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING_REPLIES, MAX_WAITING_COMMANDS, OUTPUT_HIGH_WATER_BYTES } from '../../src/proxy/relay.js';
import { startProxy, type ProxyHandle } from '../../src/proxy/proxy.js';
import { startSimulator } from '../../src/server/start.js';
import { eventually, TestClient } from '../server/helpers.js';
import { startRig } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyTo(port: number, extra: Parameters<typeof startProxy>[0] extends infer O ? Partial<O> : never = {}): Promise<ProxyHandle> {
  const proxy = await startProxy({ upstream: { host: '127.0.0.1', port }, port: 0, controlPort: null, ...extra });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function client(port: number): Promise<TestClient> {
  const c = await TestClient.open(port);
  cleanups.push(() => c.destroy());
  return c;
}

/** A TCP server on loopback port 0 that does whatever `onSocket` says with each connection. */
async function rawServer(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
}

describe('proxy: the connector is down', () => {
  it('resets each POS connection, says why in the transcript, and keeps listening', async () => {
    // A port nothing listens on: a simulator started and stopped.
    const gone = await startSimulator({ port: 0, controlPort: null });
    const deadPort = gone.port;
    await gone.close();
    const proxy = await proxyTo(deadPort);
    for (const round of [1, 2]) {
      const c = await client(proxy.port);
      c.send('#I#');
      expect(await c.waitClosed(), `round ${round}`).toBe('error');
      expect(c.error?.code).toBe('ECONNRESET');
      expect(c.pending()).toBe('');
    }
    const events = proxy.getTranscript().filter((e) => e.kind === 'connection').map((e) => e.data);
    expect(events.filter((e) => /refused the connection \(is CashlogyConnector running\?\); resetting the POS connection as a dead connector would/.test(e))).toHaveLength(2);
    await eventually(() => (proxy.connections().length === 0 ? true : undefined), 'no connection left');
  });

  it('the connector goes away mid-session: the POS connection closes, the transcript says so, the proxy keeps serving', async () => {
    const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01 });
    cleanups.push(() => sim.close());
    const proxy = await proxyTo(sim.port);
    const c = await client(proxy.port);
    c.send('#I#');
    await eventually(() => (c.pending().length > 0 ? true : undefined), 'the #I# reply');
    await sim.reset({ closeConnections: true });
    expect(await c.waitClosed()).toBe('end');
    expect(proxy.getTranscript().map((e) => e.data)).toContain('connection 1: the connector closed the connection');
    const again = await client(proxy.port);
    again.send('#I#');
    await eventually(() => (again.pending().startsWith('#0#') ? true : undefined), 'a reply on a new connection');
  });
});

describe('proxy: bounded both ways', () => {
  it('a POS that floods a connector that stalls: bounded, and the POS is closed when the connector goes', async () => {
    const stalled = await rawServer((s) => s.pause());
    const proxy = await proxyTo(stalled.port);
    const c = await client(proxy.port);
    await eventually(() => (stalled.sockets.size === 1 ? true : undefined), 'the proxy connected upstream');
    const burst = '#T#'.repeat(20_000);
    // 60 MB offered; the kernel's buffers take a few MB, then backpressure must reach the POS.
    for (let k = 0; k < 1000; k++) c.send(burst);
    await eventually(() => (proxy.connectionLoads()[0]?.posPaused === true ? true : undefined), 'the proxy stops reading the POS');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const load = proxy.connectionLoads()[0];
    expect(load?.posPaused).toBe(true);
    // The rest waits on the POS's side: most of what it offered was never taken.
    expect(c.socket.writableLength).toBeGreaterThan(30 * 1024 * 1024);
    // One read chunk beyond each bound at most.
    expect(load?.toUpstreamBytes).toBeLessThanOrEqual(OUTPUT_HIGH_WATER_BYTES + 128 * 1024);
    expect(load?.waitingCommands).toBeLessThanOrEqual(MAX_WAITING_COMMANDS + (128 * 1024) / 3);
    expect(proxy.getTranscript().length).toBeLessThan(60_000);
    // The connector restarts: the POS's connection closes with it, nothing is left open.
    for (const s of stalled.sockets) s.destroy();
    await c.waitClosed();
    await eventually(() => (proxy.connections().length === 0 ? true : undefined), 'the relay gone');
    expect(proxy.getTranscript().some((e) => e.kind === 'connection' && /connection 1/.test(e.data) && /connector/.test(e.data))).toBe(true);
  });

  it('a connector that floods a POS that does not read: the connector is no longer read, the proxy holds little', async () => {
    const reply = '#0#1#2#'.repeat(10_000);
    let writes = 0;
    const flood = await rawServer((s) => {
      const pump = () => {
        while (s.writable && writes < 1000) {
          writes++;
          if (!s.write(reply)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    const proxy = await proxyTo(flood.port);
    const c = await client(proxy.port);
    c.socket.pause();
    c.send('#T#');
    await eventually(() => (proxy.connectionLoads()[0]?.upstreamPaused === true ? true : undefined), 'the proxy stops reading the connector');
    const load = proxy.connectionLoads()[0];
    expect(load?.toPosBytes).toBeLessThanOrEqual(OUTPUT_HIGH_WATER_BYTES + 256 * 1024);
    expect(load?.pendingReplies).toBeLessThanOrEqual(MAX_PENDING_REPLIES + 1);
    expect(load?.heldReplyBytes).toBeLessThanOrEqual(128 * 1024);
    // The connector could not write everything: the backpressure reached it.
    expect(writes).toBeLessThan(1000);
    c.destroy();
    await eventually(() => (proxy.connections().length === 0 && flood.sockets.size === 0 ? true : undefined), 'both sides closed');
  });

  it('a slow connector: the POS waits, the proxy says what waits, the reply arrives unchanged', async () => {
    const r = await startRig({ timeScale: 0.01 });
    cleanups.push(() => r.close());
    r.sim.armFault({ type: 'latency', ms: 300, on: { command: 'T' } } as never);
    const c = await client(r.proxy.port);
    c.send('#I#');
    await eventually(() => (c.pending().length > 0 ? true : undefined), 'the #I# reply');
    const before = c.pending();
    c.send('#T#');
    await eventually(() => (r.proxy.connections()[0]?.waiting.some((w) => w.command === 'T') ? true : undefined), 'the proxy shows #T# waiting');
    await eventually(() => (c.pending().length > before.length ? true : undefined), 'the slow reply');
    expect(c.pending().slice(before.length)).toMatch(/^#0#\d+#\d+#$/);
    expect(r.proxy.connections()[0]?.waiting).toEqual([]);
  });
});

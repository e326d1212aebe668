/**
 * The control API as a guarded local admin API: no DNS rebinding,
 * no cross-site requests, JSON bodies only, malformed paths a 400, and bounded event streams.
 * Raw HTTP over real sockets, so the headers are exactly what a browser or attacker sends.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SSE_MAX_STREAMS } from '../../src/server/control-api.js';
import { startSimulator } from '../../src/server/start.js';
import type { SimulatorHandle } from '../../src/server/types.js';
import { eventually } from './helpers.js';

let sim: SimulatorHandle;
let port: number;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  port = sim.controlPort as number;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await sim.reset();
});

/** One raw HTTP/1.1 request; resolves with the status and body. */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const head = Object.entries({ Connection: 'close', ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n${body}`);
  });
}

const local = () => `127.0.0.1:${port}`;

describe('DNS rebinding: the Host must be a loopback name or address, on this port', () => {
  it('refuses a foreign Host, even for a read', async () => {
    const r = await raw('GET', '/state', { Host: 'evil.example.com' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toContain('refused Host "evil.example.com"');
  });
  it('refuses a loopback name on another port', async () => {
    expect((await raw('GET', '/state', { Host: `localhost:${port + 1}` })).status).toBe(403);
  });
  it.each(['127.0.0.1', 'localhost', '[::1]'])('answers Host %s', async (name) => {
    expect((await raw('GET', '/state', { Host: `${name}:${port}` })).status).toBe(200);
  });
});

describe('cross-site requests change nothing', () => {
  const fault = JSON.stringify({ type: 'busy' });
  it('a POST from a foreign Origin is refused and arms nothing', async () => {
    const r = await raw('POST', '/faults', { Host: local(), Origin: 'http://evil.example.com', 'Content-Type': 'application/json' }, fault);
    expect(r.status).toBe(403);
    expect(sim.listFaults()).toEqual([]);
  });
  it('a text/plain body (a "simple" cross-site request) is refused with 415 and arms nothing', async () => {
    const r = await raw('POST', '/faults', { Host: local(), 'Content-Type': 'text/plain' }, fault);
    expect(r.status).toBe(415);
    expect(JSON.parse(r.body).error).toContain('Content-Type: application/json');
    expect(sim.listFaults()).toEqual([]);
  });
  it('a reset from a cross-site fetch is refused', async () => {
    expect((await raw('POST', '/reset', { Host: local(), 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await raw('POST', '/reset', { Host: local(), Origin: 'null' })).status).toBe(403);
  });
  it('the page\'s own origin, and tools that send no Origin, still work', async () => {
    const own = await raw('POST', '/faults', { Host: local(), Origin: `http://${local()}`, 'Content-Type': 'application/json' }, fault);
    expect(own.status).toBe(201);
    const tool = await raw('POST', '/reset', { Host: local() });
    expect(tool.status).toBe(200);
  });
});

describe('malformed paths', () => {
  it('a broken percent-encoding is a 400, not a 500', async () => {
    const r = await raw('GET', '/faults/%E0%A4%A', { Host: local() });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toContain('malformed percent-encoding');
  });
});

describe('event streams are bounded', () => {
  /** Opens /events and never reads it. */
  function stalledStream(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /events HTTP/1.1\r\nHost: ${local()}\r\n\r\n`);
        socket.pause();
        resolve(socket);
      });
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });
  }

  it(`at most ${SSE_MAX_STREAMS} at once; a stream that stops reading is dropped, which frees its place`, async () => {
    const stalled = await Promise.all(Array.from({ length: SSE_MAX_STREAMS }, () => stalledStream()));
    try {
      await eventually(async () => ((await raw('GET', '/events', { Host: local() })).status === 503 ? true : undefined), 'the stream cap');
      // Lots of traffic: each stalled stream falls behind past its bound and is dropped.
      const client = connect(sim.port, '127.0.0.1');
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      client.on('data', () => undefined);
      const burst = '#T#'.repeat(2000);
      for (let i = 0; i < 40; i++) client.write(burst);
      await eventually(
        () =>
          new Promise<true | undefined>((resolve) => {
            const probe = connect(port, '127.0.0.1', () => probe.write(`GET /events HTTP/1.1\r\nHost: ${local()}\r\n\r\n`));
            probe.setEncoding('utf8');
            probe.once('data', (chunk: string) => {
              probe.destroy();
              resolve(chunk.startsWith('HTTP/1.1 200') ? true : undefined);
            });
            probe.on('error', () => resolve(undefined));
          }),
        'a place freed by a dropped stream',
        20_000,
      );
      client.destroy();
    } finally {
      for (const s of stalled) s.destroy();
    }
  }, 40_000);
});

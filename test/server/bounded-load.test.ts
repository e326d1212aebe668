/**
 * The simulator under abuse (issue 19, points 1 and 3): TCP backpressure per connection, a
 * garbage run recorded as one entry, the transcript spilled to disk in bounded memory and read
 * back by page over the control API. Real sockets on 127.0.0.1, port 0; assertions on the
 * figures the session and the transcript expose, never on timing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRANSCRIPT_PAGE_ENTRIES } from '../../src/server/control-api.js';
import { GARBAGE_EXCERPT_CHARS, MAX_PENDING_REPLIES, OUTPUT_HIGH_WATER_BYTES } from '../../src/server/session.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { startSimulator } from '../../src/server/start.js';
import { TranscriptLog } from '../../src/server/transcript-log.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { eventually, http, TestClient } from './helpers.js';

const sims: FullSimulatorHandle[] = [];
const clients: TestClient[] = [];
const dirs: string[] = [];

async function simulator(options: Parameters<typeof startSimulator>[0] = {}): Promise<FullSimulatorHandle> {
  const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, ...options });
  sims.push(sim);
  return sim;
}

async function client(sim: FullSimulatorHandle): Promise<TestClient> {
  const c = await TestClient.open(sim.port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const sim of sims.splice(0)) await sim.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Reads replies without ever holding more than the counters. */
function countReplies(c: TestClient, reply: string): { count: () => number } {
  let count = 0;
  let carry = '';
  c.socket.removeAllListeners('data');
  c.socket.on('data', (chunk: Buffer) => {
    const text = carry + chunk.toString('latin1');
    let at = 0;
    for (;;) {
      const k = text.indexOf(reply, at);
      if (k < 0) break;
      count++;
      at = k + reply.length;
    }
    carry = text.slice(Math.max(at, text.length - reply.length + 1));
  });
  c.socket.resume();
  return { count: () => count };
}

describe('backpressure (a client that never reads its replies)', () => {
  it('stops reading a flooding connection at the high-water mark, serves other clients, and loses no reply', async () => {
    const sim = await simulator();
    const fresh = await client(sim);
    fresh.send('#T#');
    const expected = (await fresh.readFields(1))[0];

    const flood = await client(sim);
    flood.socket.pause(); // never reads, for now
    const items = 1_000_000;
    flood.send('a\n'.repeat(items));
    const load = await eventually(() => sim.connectionLoads().find((l) => l.conn === 2 && l.paused), 'backpressure to pause the flooding connection');
    // Bounded: at most one step past the mark (a reply, or one garbage run of ≤1024 answers) and one read chunk of parsed items.
    expect(load.queuedBytes).toBeGreaterThan(OUTPUT_HIGH_WATER_BYTES);
    expect(load.queuedBytes).toBeLessThanOrEqual(OUTPUT_HIGH_WATER_BYTES + 1024 * '#ER:BAD_DATA#'.length);
    expect(load.unhandledItems).toBeLessThanOrEqual(64 * 1024);
    // The server has not swallowed the flood: most of it is still in the kernel or the client's buffer.
    expect(sim.getTranscriptPage(0, 1_000_000).filter((e) => e.dir === 'in' && e.conn === 2).length).toBeLessThan(items);

    const other = await client(sim);
    other.send('#T#');
    expect((await other.readFields(1))[0]).toBe(expected);

    // Once the client reads, every garbage item gets its answer: nothing was dropped.
    const replies = countReplies(flood, '#ER:BAD_DATA#');
    await eventually(() => (replies.count() >= items ? true : undefined), `${items} answers`, 60_000);
    expect(replies.count()).toBe(items);
    await eventually(() => (sim.connectionLoads().find((l) => l.conn === 2)?.paused === false ? true : undefined), 'the connection to resume');
  }, 90_000);

  it('stops reading while more than MAX_PENDING_REPLIES replies wait behind a latency fault', async () => {
    const sim = await simulator();
    sim.armFault({ type: 'latency', ms: 1, for: '120s' } as never);
    const c = await client(sim);
    const frames = MAX_PENDING_REPLIES * 4;
    const replies = countReplies(c, '#ER:ILLEGAL#');
    c.send('#T#'.repeat(frames));
    const load = await eventually(() => sim.connectionLoads().find((l) => l.paused), 'the delivery queue to pause reading');
    expect(load.pendingReplies).toBeGreaterThan(MAX_PENDING_REPLIES);
    expect(load.pendingReplies).toBeLessThanOrEqual(MAX_PENDING_REPLIES + 2);
    await eventually(() => (replies.count() >= frames ? true : undefined), `${frames} replies`, 60_000);
    expect(replies.count()).toBe(frames);
  }, 90_000);
});

describe('transcript in bounded memory', () => {
  it('records a run of garbage as one entry with its byte count and a capped excerpt', async () => {
    const sim = await simulator();
    const c = await client(sim);
    c.send('\u0000'.repeat(4000) + '\n');
    await c.expect('#ER:BAD_DATA#');
    const ins = sim.getTranscript().filter((e) => e.dir === 'in');
    expect(ins).toHaveLength(1);
    expect(ins[0]?.data).toContain('(4000 bytes that are no frame)');
    expect(ins[0]?.data.length).toBeLessThan(GARBAGE_EXCERPT_CHARS + 60);
  });

  it('answers every lone "#" but records a burst of them as one entry each way', async () => {
    const sim = await simulator();
    const c = await client(sim);
    const n = 500;
    c.send('#'.repeat(n) + '\n');
    const replies = countReplies(c, '#ER:BAD_DATA#');
    await eventually(() => (replies.count() >= n ? true : undefined), `${n} answers`);
    expect(replies.count()).toBe(n);
    const entries = sim.getTranscript().filter((e) => e.conn > 0 && e.dir !== 'event');
    expect(entries.length).toBeLessThan(10);
    expect(entries.find((e) => e.dir === 'out')?.data).toMatch(/^#ER:BAD_DATA# ×\d+$/);
  });

  it('spills the oldest entries to an append-only file past its memory bound, keeps every one, and removes the file on close', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cashlogy-spill-test-'));
    dirs.push(dir);
    const log = new TranscriptLog(() => 0, { memoryEntries: 100, memoryBytes: 64 * 1024, tmpDir: dir });
    const total = 5_000;
    for (let i = 0; i < total; i++) {
      if (i % 7 === 0) log.event('machine', `event ${i} é`);
      else log.frame(i % 2 === 0 ? 'in' : 'out', 1, `#${i}#${'x'.repeat(i % 300)}#`);
    }
    const stats = log.stats();
    expect(stats.total).toBe(total);
    expect(stats.memoryEntries).toBeLessThanOrEqual(100);
    expect(stats.spilledEntries).toBeGreaterThanOrEqual(total - 100);
    expect(stats.lost).toBe(0);
    // Pages read back exactly, across the file/memory boundary and the sparse index's blocks.
    const all = log.all();
    expect(all).toHaveLength(total);
    all.forEach((e, i) => expect(e.data.startsWith(i % 7 === 0 ? `event ${i}` : `#${i}#`)).toBe(true));
    for (const since of [0, 63, 64, 65, 1000, stats.spilledEntries - 3, total - 2]) {
      expect(log.page(since, 10)).toEqual(all.slice(since, since + 10));
    }
    expect(log.tail(3)).toEqual(all.slice(-3));
    expect(log.page(0, 10_000, 4096).length).toBeLessThan(100);
    expect(readdirSync(dir)).toHaveLength(1);
    log.clear();
    expect(log.size()).toBe(0);
    expect(log.all()).toEqual([]);
    log.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('GET /transcript pages', () => {
  it('pages with ?since= and ?limit=, says where the next page starts, and refuses bad parameters', async () => {
    const sim = await simulator({ controlPort: 0 });
    const base = `http://127.0.0.1:${sim.controlPort}`;
    const c = await client(sim);
    c.send('#T#'.repeat(40));
    const replies = countReplies(c, '#ER:ILLEGAL#');
    await eventually(() => (replies.count() >= 40 ? true : undefined), '40 replies');
    const total = sim.transcriptSize();
    const whole = await http(base, 'GET', '/transcript');
    expect(whole.status).toBe(200);
    expect(whole.json).toEqual(sim.getTranscript());
    expect(whole.headers.get('x-transcript-total')).toBe(String(total));
    expect(whole.headers.get('x-transcript-next')).toBeNull();

    const paged: TranscriptEntry[] = [];
    let since = 0;
    for (let guard = 0; guard < 100; guard++) {
      const page = await http(base, 'GET', `/transcript?since=${since}&limit=7`);
      expect(page.status).toBe(200);
      paged.push(...(page.json as TranscriptEntry[]));
      const next = page.headers.get('x-transcript-next');
      if (next === null) break;
      expect(page.headers.get('link')).toBe(`</transcript?since=${next}&limit=7>; rel="next"`);
      since = Number(next);
    }
    expect(paged).toEqual(whole.json);
    expect((await http(base, 'GET', `/transcript?since=${total + 5}`)).json).toEqual([]);

    for (const bad of ['since=-1', 'limit=abc', `limit=${TRANSCRIPT_PAGE_ENTRIES + 1}`]) {
      const res = await http(base, 'GET', `/transcript?${bad}`);
      expect(res.status).toBe(400);
      expect((res.json as { error: string }).error).toMatch(/query parameter (since|limit) must be an integer from 0 to \d+/);
    }
  });

  it('answers at most one bounded page by default, however long the transcript', async () => {
    const sim = await simulator({ controlPort: 0 });
    const base = `http://127.0.0.1:${sim.controlPort}`;
    const c = await client(sim);
    const frames = TRANSCRIPT_PAGE_ENTRIES; // two entries each
    c.send('#T#'.repeat(frames));
    const replies = countReplies(c, '#ER:ILLEGAL#');
    await eventually(() => (replies.count() >= frames ? true : undefined), `${frames} replies`, 60_000);
    const res = await http(base, 'GET', '/transcript');
    expect((res.json as unknown[]).length).toBe(TRANSCRIPT_PAGE_ENTRIES);
    expect(res.headers.get('x-transcript-next')).toBe(String(TRANSCRIPT_PAGE_ENTRIES));
    expect(Number(res.headers.get('x-transcript-total'))).toBe(sim.transcriptSize());
  }, 90_000);

  it('removes its spill folder when the simulator closes', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('cashlogy-transcript-')));
    const sim = await simulator();
    const c = await client(sim);
    // 30 000 entries: past the in-memory entry bound, so the oldest spill to a file.
    c.send('#T#'.repeat(15_000));
    const replies = countReplies(c, '#ER:ILLEGAL#');
    await eventually(() => (replies.count() >= 15_000 ? true : undefined), '15000 replies', 60_000);
    const created = readdirSync(tmpdir()).filter((n) => n.startsWith('cashlogy-transcript-') && !before.has(n));
    expect(created).toHaveLength(1);
    expect(sim.getTranscriptPage(0, 1)[0]?.dir).toBe('event');
    await sim.close();
    sims.splice(sims.indexOf(sim), 1);
    expect(existsSync(join(tmpdir(), created[0] as string))).toBe(false);
  }, 90_000);
});

/**
 * `simulate --json` with a log reader that stalls (issue 19, point 4): the simulator keeps
 * serving, buffers a bounded amount for stdout, drops and counts the rest, and says how many
 * with `{"event":"dropped","count":n}` once the reader catches up. A real child process and a
 * real pipe that the test stops reading for a while.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { boundedLog } from '../../src/cli/bounded-log.js';
import { eventually, http, TestClient } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    // SIGTERM first: the simulator removes its transcript spill folder on the way out.
    const gone = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      continue;
    }
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function rssKiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

describe('boundedLog', () => {
  it('drops past the bound, counts, and writes the notice first once the stream drains', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const log = boundedLog(stream, 100, (n) => `dropped ${n}`);
    for (let i = 0; i < 50; i++) log.line(`line ${i}`);
    expect(log.dropped()).toBeGreaterThan(0);
    const text: string[] = [];
    stream.on('data', (b: Buffer) => text.push(b.toString()));
    await eventually(() => (text.join('').includes('dropped') ? true : undefined), 'the notice');
    log.line('after');
    await eventually(() => (text.join('').includes('after') ? true : undefined), 'the next line');
    const lines = text.join('').trim().split('\n');
    const kept = lines.filter((l) => l.startsWith('line ')).length;
    const notice = lines.find((l) => l.startsWith('dropped '));
    expect(kept + Number(notice?.slice('dropped '.length))).toBe(50);
    expect(lines.at(-2)).toBe(notice);
    expect(lines.at(-1)).toBe('after');
  });
});

describe('simulate --json with a stalled reader', () => {
  it('keeps memory bounded, keeps answering, and reports the dropped lines once the reader catches up', async () => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'simulate', '--port', '0', '--control-port', '0', '--json'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    const onData = (s: string) => (out += s);
    child.stdout.on('data', onData);
    const listening = await eventually(() => {
      const line = out.split('\n')[0];
      return out.includes('\n') && line ? (JSON.parse(line) as { port: number; controlPort: number }) : undefined;
    }, 'the listening line', 30_000);
    // The CI step stops reading: the pipe fills, then the child's own buffer.
    child.stdout.off('data', onData);
    child.stdout.pause();

    const c = await TestClient.open(listening.port);
    const frames = 60_000; // 120 000 log lines, about 8 MB of JSON: far past the bound
    let received = 0;
    let carry = '';
    c.socket.removeAllListeners('data');
    c.socket.on('data', (b: Buffer) => {
      const text = carry + b.toString('latin1');
      const parts = text.split('#ER:ILLEGAL#');
      received += parts.length - 1;
      carry = parts.at(-1) ?? '';
    });
    c.send('#T#'.repeat(frames));
    await eventually(() => (received >= frames ? true : undefined), `every reply while the log is stalled (${received} so far)`, 20_000);
    // Bounded: the log's share is LOG_MAX_BUFFERED_BYTES, not the 8 MB it was given.
    const rss = rssKiB(child.pid!);
    if (rss !== undefined) expect(rss * 1024).toBeLessThan(256 * 1024 * 1024);
    c.destroy();
    const base = `http://127.0.0.1:${listening.controlPort}`;
    const total = await eventually(async () => {
      const res = await http(base, 'GET', '/transcript?limit=0');
      const n = Number(res.headers.get('x-transcript-total'));
      // The close of the test's connection is the last entry: then everything to log is known.
      const last = await http(base, 'GET', `/transcript?since=${n - 1}`);
      return (last.json as { data: string }[])[0]?.data.endsWith('closed') ? n : undefined;
    }, 'the connection close in the transcript', 30_000);

    // The reader catches up.
    child.stdout.on('data', onData);
    child.stdout.resume();
    const tally = () => {
      const lines = out.split('\n').filter((l) => l !== '').slice(1).map((l) => JSON.parse(l) as { event: string; count?: number });
      const dropped = lines.filter((l) => l.event === 'dropped').reduce((sum, l) => sum + (l.count ?? 0), 0);
      return { logged: lines.filter((l) => l.event !== 'dropped').length, dropped, notices: lines.filter((l) => l.event === 'dropped').length };
    };
    // Every transcript entry after the start line is either logged or counted as dropped.
    const final = await eventually(() => {
      const t = tally();
      return t.logged + t.dropped === total - 1 ? t : undefined;
    }, 'logged + dropped = transcript entries', 30_000);
    expect(final.dropped).toBeGreaterThan(0);
    expect(final.notices).toBeGreaterThan(0);
    expect(final.dropped).toBeLessThan(2 * frames);
  }, 120_000);
});

/**
 * The soak's probes: each sends a bounded amount of hostile traffic to the simulator and
 * reports how many frames it sent and anything wrong it saw. Only 127.0.0.1, only the ports
 * the simulator printed.
 */
import type { Socket } from 'node:net';
import { request } from 'node:http';
import { api, ask, openSocket, type Target } from './checks.js';
import { badReplyByte, pick, QUERY_FRAMES, randomBytes, unit, type Random } from './fuzz.js';

export interface ProbeContext {
  target: Target;
  random: Random;
  /** Frames this probe may send. */
  frames: number;
  /** Pauses/resumes reading the simulator's --json stdout (the stalled log consumer). */
  stallLog(stalled: boolean): void;
}

export interface ProbeResult {
  frames: number;
  problems: string[];
}

export type Probe = (ctx: ProbeContext) => Promise<ProbeResult>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects everything a socket receives (bounded: only the count and a short head are kept). */
function sink(socket: Socket): { bytes: () => number; head: () => string; closed: Promise<void> } {
  let bytes = 0;
  let head = '';
  socket.on('data', (b: Buffer) => {
    bytes += b.length;
    if (head.length < 4096) head += b.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { bytes: () => bytes, head: () => head, closed };
}

/** Writes `chunks` in order, waiting for 'drain' like a well-behaved client. */
async function writeAll(socket: Socket, chunks: Buffer[]): Promise<void> {
  for (const c of chunks) {
    if (socket.destroyed) return;
    if (!socket.write(c)) await new Promise<void>((r) => {
      socket.once('drain', r);
      socket.once('close', r);
    });
  }
}

function checkReplies(what: string, text: string, problems: string[]): void {
  const at = badReplyByte(text);
  if (at >= 0) problems.push(`${what}: reply byte 0x${text.charCodeAt(at).toString(16)} at ${at} is not the connector's (${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))})`);
}

/** Mixed valid, mutated and random units on a few connections, pipelined in bursts. */
export const mixedTraffic: Probe = async ({ target, random, frames }) => {
  const problems: string[] = [];
  const conns = 4;
  let sent = 0;
  await Promise.all(
    Array.from({ length: conns }, async (_, k) => {
      const socket = await openSocket(target);
      const s = sink(socket);
      const share = Math.floor(frames / conns);
      const chunks: Buffer[] = [];
      let size = 0;
      for (let i = 0; i < share; i++) {
        const u = unit(random);
        chunks.push(u.bytes);
        size += u.bytes.length;
        sent++;
        if (size > 16 * 1024) {
          await writeAll(socket, [Buffer.concat(chunks.splice(0))]);
          size = 0;
        }
      }
      await writeAll(socket, [Buffer.concat(chunks)]);
      await sleep(200);
      checkReplies(`mixed traffic conn ${k}`, s.head(), problems);
      socket.end();
      await Promise.race([s.closed, sleep(3000)]);
      socket.destroy();
    }),
  );
  return { frames: sent, problems };
};

/** One query frame pipelined many times in one burst: every reply identical to the one asked alone. */
export const pipelinedBurst: Probe = async ({ target, random, frames }) => {
  const problems: string[] = [];
  const frame = pick(random, ['#T#', '#Y#', '#GC#', '#T2#']);
  const socket = await openSocket(target);
  const reference = await ask(socket, frame);
  const expected = Buffer.from(reference, 'latin1');
  // Compared byte range by byte range against the reference repeated: linear in what arrives.
  let offset = 0;
  let count = 0;
  socket.on('data', (b: Buffer) => {
    let i = 0;
    while (i < b.length && problems.length === 0) {
      const at = offset % expected.length;
      const n = Math.min(b.length - i, expected.length - at);
      if (!b.subarray(i, i + n).equals(expected.subarray(at, at + n))) {
        problems.push(`burst of ${frame}: reply ${JSON.stringify(b.subarray(i, i + 40).toString('latin1'))} differs from ${reference} at byte ${offset}`);
        return;
      }
      i += n;
      offset += n;
      if (offset % expected.length === 0) count++;
    }
  });
  await writeAll(socket, [Buffer.from(frame.repeat(frames), 'latin1')]);
  const deadline = Date.now() + 120_000;
  while (count < frames && Date.now() < deadline && problems.length === 0) await sleep(20);
  if (count !== frames && problems.length === 0) problems.push(`burst of ${frames} ${frame}: ${count} replies`);
  socket.destroy();
  return { frames: frames + 1, problems };
};

/** Query frames split at every byte: the reply is the one the whole frame gets. */
export const splitEveryByte: Probe = async ({ target, frames }) => {
  const problems: string[] = [];
  const socket = await openSocket(target);
  let sent = 0;
  outer: for (;;) {
    for (const frame of QUERY_FRAMES) {
      const reference = await ask(socket, frame);
      sent++;
      for (let cut = 1; cut < frame.length; cut++) {
        if (sent >= frames) break outer;
        socket.write(Buffer.from(frame.slice(0, cut), 'latin1'));
        await sleep(1);
        const reply = await ask(socket, frame.slice(cut));
        sent++;
        if (reply !== reference && !(frame === '#GV#' || frame === '#INFO#')) {
          problems.push(`${frame} split at byte ${cut}: ${JSON.stringify(reply)}, whole: ${JSON.stringify(reference)}`);
        }
      }
    }
  }
  socket.destroy();
  return { frames: sent, problems };
};

/** Frames over the 4 KiB bound: `#ER:BAD_DATA#`, then the connection closes. */
export const oversized: Probe = async ({ target, random, frames }) => {
  const problems: string[] = [];
  const n = Math.max(1, Math.min(frames, 200));
  for (let i = 0; i < n; i++) {
    const socket = await openSocket(target);
    const s = sink(socket);
    const body = random.int(2) === 0 ? '#C#' + '1'.repeat(5000) : randomBytes(random, 5000).toString('latin1').replace(/[\s#]/g, 'x');
    socket.write(Buffer.from(body, 'latin1'));
    await Promise.race([s.closed, sleep(5000)]);
    if (!socket.destroyed && !socket.readableEnded) problems.push('oversized frame: connection still open after 5 s');
    if (!s.head().endsWith('#ER:BAD_DATA#')) problems.push(`oversized frame answered ${JSON.stringify(s.head().slice(-40))}`);
    socket.destroy();
  }
  return { frames: n, problems };
};

/** `#!#` storms, with charges in between: cancels must never lose money (checked after the batch). */
export const cancelStorm: Probe = async ({ target, random, frames }) => {
  const socket = await openSocket(target);
  const s = sink(socket);
  let sent = 0;
  while (sent < frames) {
    const parts: string[] = [];
    for (let i = 0; i < 200 && sent < frames; i++, sent++) parts.push(random.next() < 0.1 ? '#C#1#1#150#0#0#0#0#0#0#0#0#' : '#!#');
    await writeAll(socket, [Buffer.from(parts.join(''), 'latin1')]);
    if (random.next() < 0.05) await api(target, 'POST', '/customer', { insert: [200] }).catch(() => undefined);
  }
  await sleep(200);
  const problems: string[] = [];
  checkReplies('#!# storm', s.head(), problems);
  socket.destroy();
  return { frames: sent, problems };
};

/** Many connections at once, each asks `#T#` and goes (some without a word, some half-closed). */
export const connectFlood: Probe = async ({ target, random, frames }) => {
  const problems: string[] = [];
  const total = Math.max(1, Math.min(frames, 2000));
  let sent = 0;
  const batch = 100;
  for (let done = 0; done < total; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, total - done) }, async () => {
        const socket = await openSocket(target).catch((err: Error) => {
          problems.push(`connect flood: ${err.message}`);
          return undefined;
        });
        if (!socket) return;
        const s = sink(socket);
        const mode = random.int(3);
        if (mode === 0) socket.destroy();
        else if (mode === 1) {
          // Half-closed: the reply still comes, then the server closes.
          socket.end('#T#');
          sent++;
          await Promise.race([s.closed, sleep(5000)]);
          if (!/^#(0|ER:[A-Z]+)#/.test(s.head())) problems.push(`half-closed #T#: ${JSON.stringify(s.head())}`);
        } else {
          socket.write('#T#');
          sent++;
          await sleep(5);
          socket.destroy();
        }
      }),
    );
  }
  return { frames: sent, problems };
};

/** A client that pipelines and never reads, while other probes' checks run; then it goes. */
export const neverReads: Probe = async ({ target, frames }) => {
  const socket = await openSocket(target);
  socket.pause();
  socket.on('error', () => undefined);
  const chunk = Buffer.from('#T#'.repeat(20_000), 'latin1');
  let sent = 0;
  while (sent < frames) {
    const ok = socket.write(chunk);
    sent += 20_000;
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), sleep(2000)]);
    if (socket.writableLength > 16 * 1024 * 1024) break;
  }
  await sleep(3000);
  socket.destroy();
  // Frames the simulator really read are fewer; the count is what was offered.
  return { frames: sent, problems: [] };
};

/** An SSE stream nobody reads, while traffic flows. */
export const stalledSse: Probe = async (ctx) => {
  const req = request({ host: ctx.target.host, port: ctx.target.controlPort, path: '/events', method: 'GET' });
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  res.pause();
  res.on('error', () => undefined);
  const result = await mixedTraffic({ ...ctx, random: ctx.random });
  req.destroy();
  return result;
};

/** The --json log reader stops reading while traffic flows. */
export const stalledLog: Probe = async (ctx) => {
  ctx.stallLog(true);
  try {
    return await pipelinedBurst(ctx);
  } finally {
    ctx.stallLog(false);
  }
};

/** The automatic customer asked to pay a huge amount (issue 19, point 5). */
export const hugeAmount: Probe = async ({ target }) => {
  const problems: string[] = [];
  await api(target, 'PUT', '/customer', { mode: 'auto' });
  const socket = await openSocket(target);
  sink(socket);
  socket.write('#I#');
  await sleep(100);
  socket.write('#C#1#1#999999999#0#0#0#0#0#0#0#0#');
  await sleep(5000);
  socket.write('#!#');
  await sleep(500);
  socket.destroy();
  await api(target, 'PUT', '/customer', { mode: 'manual' }).catch((err: Error) => problems.push(`PUT /customer after the huge amount: ${err.message}`));
  return { frames: 3, problems };
};

export const PROBES: Record<string, Probe> = {
  mixed: mixedTraffic,
  burst: pipelinedBurst,
  split: splitEveryByte,
  oversized,
  cancels: cancelStorm,
  connects: connectFlood,
  'never-reads': neverReads,
  'stalled-sse': stalledSse,
  'stalled-log': stalledLog,
  'huge-amount': hugeAmount,
};


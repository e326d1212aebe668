/**
 * What must hold after every soak batch, and the small clients the soak uses: a fresh TCP
 * client that asks one thing, and the control API with the headers its guard expects.
 */
import { connect, type Socket } from 'node:net';
import { moneyMismatch, type Ledgered } from './fuzz.js';

export interface Target {
  host: string;
  port: number;
  controlPort: number;
}

interface StateLike extends Ledgered {
  initialized: boolean;
  /** Open client connections. */
  connections?: number;
  operation: { command: string; waitingFor?: string } | null;
}

/** A control API call; rejects on a status ≥ 400 or after `timeoutMs` (a hang). */
export async function api<T = unknown>(target: Target, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<T> {
  const res = await fetch(`http://${target.host}:${target.controlPort}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export function openSocket(target: Target, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: target.host, port: target.port });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Sends `frame` on `socket` and resolves with the first complete reply of `fields` fields. */
export function ask(socket: Socket, frame: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(buffer);
    };
    // A reply is complete when the bytes stop: replies have no terminator (protocol.md §2.5).
    let quiet: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => done(), replyComplete(buffer) ? 0 : 50);
    };
    const onClose = () => done(new Error(`connection closed before a reply to ${frame} (got ${JSON.stringify(buffer)})`));
    const timer = setTimeout(() => done(new Error(`no reply to ${frame} within ${timeoutMs} ms (got ${JSON.stringify(buffer)})`)), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(Buffer.from(frame, 'latin1'));
  });
}

/** The replies the checks ask for have known shapes: `#0#a#b#`, `#0#v#`, `#ER:X#`. */
function replyComplete(text: string): boolean {
  return /^#ER:[A-Z_]+#$/.test(text) || /^#WR:[A-Z_]+#/.test(text) || /^#0#[^#]*#[^#]*#$/.test(text);
}

/** One fresh client's `#T#`, timed. */
export async function freshTotals(target: Target, timeoutMs = 10_000): Promise<{ reply: string; ms: number }> {
  const t0 = performance.now();
  const socket = await openSocket(target, timeoutMs);
  try {
    const reply = await ask(socket, '#T#', timeoutMs);
    return { reply, ms: performance.now() - t0 };
  } finally {
    socket.destroy();
  }
}

export async function timedState(target: Target, timeoutMs = 10_000): Promise<{ state: StateLike; ms: number }> {
  const t0 = performance.now();
  const state = await api<StateLike>(target, 'GET', '/state', undefined, timeoutMs);
  return { state, ms: performance.now() - t0 };
}

/** Ends whatever a probe left open (a charge, a screen) the way a person would; reset as a last resort. */
export async function settle(target: Target): Promise<string[]> {
  const notes: string[] = [];
  // A probe's connections may still be read after the probe let go (pipelined frames in the
  // kernel's buffers): the batch is over when they are gone. The monitor's own short connections
  // come and go every 200 ms.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { state } = await timedState(target);
    if ((state.connections ?? 0) === 0) break;
    if (Date.now() > deadline) {
      notes.push(`${state.connections} connection(s) still open 30 s after the probe`);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let attempt = 0; attempt < 40; attempt++) {
    const { state } = await timedState(target);
    if (state.operation === null) return notes;
    if (attempt === 0) notes.push(`operation #${state.operation.command}# left open by a probe`);
    await api(target, 'POST', '/customer', { cancel: true }).catch(() => undefined);
    await api(target, 'POST', '/operator', { close: true }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
  notes.push('reset: the operation did not end');
  await api(target, 'POST', '/reset', {});
  return notes;
}

export interface BatchCheck {
  problems: string[];
  totalsReply: string;
}

/**
 * After a batch: the process answers GET /state; a fresh client's `#T#` says what GET /state
 * says; money is conserved.
 */
export async function checkAfterBatch(target: Target): Promise<BatchCheck> {
  const problems: string[] = [];
  await settle(target);
  let { state } = await timedState(target);
  if (!state.initialized) {
    const s = await openSocket(target);
    try {
      await ask(s, '#I#');
    } finally {
      s.destroy();
    }
    ({ state } = await timedState(target));
  }
  const { reply } = await freshTotals(target);
  const after = (await timedState(target)).state;
  const expected = `#0#${after.totals.recyclers}#${after.totals.stacker}#`;
  if (reply !== expected) problems.push(`fresh #T# answered ${JSON.stringify(reply)}, GET /state says ${expected}`);
  const money = moneyMismatch(after);
  if (money !== undefined) problems.push(money);
  return { problems, totalsReply: reply };
}

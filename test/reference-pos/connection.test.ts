import { afterEach, describe, expect, it } from 'vitest';
import { CashlogyConnection, ConnectionLostError, ReplyTimeoutError } from '../../src/reference-pos/connection.js';
import { replyShape } from '../../src/reference-pos/replies.js';
import { startFakeConnector, type FakeConnector } from './fake-connector.js';

let fake: FakeConnector | undefined;
let link: CashlogyConnection | undefined;

afterEach(async () => {
  await link?.close();
  await fake?.close();
  link = undefined;
  fake = undefined;
});

function connect(port: number, extra: Partial<ConstructorParameters<typeof CashlogyConnection>[0]> = {}): CashlogyConnection {
  link = new CashlogyConnection({ host: '127.0.0.1', port, shortReplyIdleMs: 100, damagedReplyIdleMs: 1_000, ...extra });
  return link;
}

describe('replyShape (pure)', () => {
  it.each([
    ['#C#1#1#990#0#0#0#0#0#1#0#0#', '#0#2000#', 'maybe'],
    ['#C#1#1#990#0#0#0#0#0#1#0#0#', '#0#2000#1010#0#0#', 'complete'],
    ['#C#1#1#990#0#0#0#0#0#1#0#0#', '#0#2000#1010#0#0', 'incomplete'],
    ['#I#', '#', 'incomplete'],
    ['#I#', '#0#', 'maybe'],
    ['#I#', '#0#2.01#', 'complete'],
    ['#I#', '#ER:BUSY#', 'complete'],
    ['#Q#', '#ER:ILLEGAL#', 'complete'],
    ['#P#1010#0#0#0#', '#ER:GENERIC#', 'maybe'],
    ['#?#', '#0##', 'complete'],
    ['#?#1110,1120#0#', '#0#1110|1|a|b|||#', 'maybe'],
    ['#?#1110,1120#0#', '#0#1110|1|a|b|||#1120|0|c|d|||#', 'complete'],
  ])('%s ← %s is %s', (sent, buffer, kind) => {
    expect(replyShape(sent, buffer).kind).toBe(kind);
  });

  it('tells a short error reply from a success reply still arriving', () => {
    // ER:GENERIC may still bring the amounts a dispense moved; ER:BUSY never has fields.
    expect(replyShape('#P#1010#0#0#0#', '#ER:GENERIC#')).toEqual({ kind: 'maybe', why: 'short-error' });
    expect(replyShape('#I#', '#ER:BUSY#')).toEqual({ kind: 'complete', length: 9 });
    expect(replyShape('#I#', '#ER:BUSY##0#')).toEqual({ kind: 'complete', length: 9 });
    expect(replyShape('#I#', '#0#')).toEqual({ kind: 'maybe', why: 'short-success' });
  });
});

describe('CashlogyConnection over a real socket', () => {
  it('reads a reply split over TCP segments whole', async () => {
    fake = await startFakeConnector((frame) => (frame.startsWith('#C#') ? ['#0#2000#', '1010#0#0#'] : ['#0#', '2.01#']));
    const c = connect(fake.port);
    const init = await c.send('I');
    expect(init).toMatchObject({ status: '0', fields: ['2.01'], frame: '#0#2.01#' });
    const charge = await c.send('C', [1, 1, 990, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(charge).toMatchObject({ status: '0', fields: ['2000', '1010', '0', '0'] });
    expect(fake.received.map((r) => r.frame)).toEqual(['#I#', '#C#1#1#990#0#0#0#0#0#1#0#0#']);
  });

  it('takes a short error reply after a brief silence', async () => {
    fake = await startFakeConnector(() => '#ER:GENERIC#');
    const c = connect(fake.port);
    await expect(c.send('P', [1010, 0, 0, 0])).resolves.toMatchObject({ status: 'ER:GENERIC', fields: [] });
  });

  it('takes a fieldless error status at once, and the next reply as the next command\'s', async () => {
    fake = await startFakeConnector((frame) => (frame === '#I#' ? '#ER:BUSY#' : '#0#'));
    const c = connect(fake.port, { shortReplyIdleMs: 60_000 });
    await expect(c.send('I')).resolves.toMatchObject({ status: 'ER:BUSY', fields: [] });
    await expect(c.send('Z')).resolves.toMatchObject({ status: '0', fields: [] });
  });

  it('sends one command at a time, in order, even when called concurrently', async () => {
    const answered: string[] = [];
    fake = await startFakeConnector(async (frame) => {
      // The client must not have sent anything else while this one is unanswered.
      expect(fake?.received.length).toBe(answered.length + 1);
      await new Promise((r) => setTimeout(r, 30));
      answered.push(frame);
      return frame === '#T#' ? '#0#100#200#' : '#0#';
    });
    const c = connect(fake.port);
    const replies = await Promise.all([c.send('T'), c.send('Z'), c.send('T'), c.send('E')]);
    expect(replies.map((r) => r.frame)).toEqual(['#0#100#200#', '#0#', '#0#100#200#', '#0#']);
    expect(answered).toEqual(['#T#', '#Z#', '#T#', '#E#']);
  });

  it('lets #!# overlap a pending command and never mistakes its reply for the next one', async () => {
    fake = await startFakeConnector((frame) => {
      if (frame.startsWith('#C#')) return 'silence';
      if (frame === '#!#') return ['#WR:CANCEL#500#500#0#0#', '#0#'];
      return '#0#123#456#';
    });
    const c = connect(fake.port);
    const charge = c.send('C', [1, 1, 990, 0, 0, 0, 0, 0, 1, 0, 0]);
    await waitFor(() => fake!.received.length === 1);
    await c.cancel();
    await expect(charge).resolves.toMatchObject({ status: 'WR:CANCEL', fields: ['500', '500', '0', '0'] });
    const totals = await c.send('T');
    expect(totals.frame).toBe('#0#123#456#');
    expect(fake.received.map((r) => r.frame)).toEqual(['#C#1#1#990#0#0#0#0#0#1#0#0#', '#!#', '#T#']);
  });

  it('recognises the #!# reply when it arrives before the interrupted command answers', async () => {
    fake = await startFakeConnector((frame) => (frame === '#T#' ? '#0#1#2#' : 'silence'));
    const c = connect(fake.port);
    const charge = c.send('C', [1, 1, 990, 0, 0, 0, 0, 0, 1, 0, 0]);
    await waitFor(() => fake!.received.length === 1);
    await c.cancel();
    await waitFor(() => fake!.received.length === 2);
    fake.push('#0#');
    fake.push('#WR:CANCEL#0#0#0#0#');
    await expect(charge).resolves.toMatchObject({ status: 'WR:CANCEL', frame: '#WR:CANCEL#0#0#0#0#' });
    await expect(c.send('T')).resolves.toMatchObject({ frame: '#0#1#2#' });
  });

  it('fails the pending command with ConnectionLostError and reconnects for the next one', async () => {
    fake = await startFakeConnector((frame) => (frame.startsWith('#C#') ? 'close' : '#0#10#20#'));
    const c = connect(fake.port);
    await expect(c.send('C', [1, 1, 990, 0, 0, 0, 0, 0, 1, 0, 0])).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(c.send('T')).resolves.toMatchObject({ fields: ['10', '20'] });
    expect(fake.connections).toBe(2);
  });

  it('times out a silent command, then starts a fresh connection', async () => {
    fake = await startFakeConnector((frame) => (frame === '#Q#' ? 'silence' : '#0#5#6#'));
    const c = connect(fake.port, { timeoutsMs: { Q: 200 } });
    await expect(c.send('Q')).rejects.toBeInstanceOf(ReplyTimeoutError);
    await expect(c.send('T')).resolves.toMatchObject({ fields: ['5', '6'] });
    expect(fake.connections).toBe(2);
  });

  it('discards bytes nobody asked for instead of reading them as the next reply', async () => {
    fake = await startFakeConnector(() => '#0#7#8#');
    const c = connect(fake.port);
    await c.send('T');
    fake.push('#0#999#999#');
    await new Promise((r) => setTimeout(r, 50));
    await expect(c.send('T')).resolves.toMatchObject({ fields: ['7', '8'] });
  });

  it('keeps retrying to connect while the connector is not listening yet', async () => {
    const probe = await startFakeConnector(() => '#0#');
    const port = probe.port;
    await probe.close();
    const c = connect(port, { connectTimeoutMs: 5_000 });
    const pending = c.send('Z');
    await new Promise((r) => setTimeout(r, 300));
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.on('data', () => s.write('#0#')));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await expect(pending).resolves.toMatchObject({ status: '0' });
    } finally {
      await c.close();
      await new Promise((r) => server.close(r));
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

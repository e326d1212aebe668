/**
 * Real file-exchange behaviour of the look-alike, on real folders: a request written in chunks is
 * not read half-written, BOM and CR/LF are accepted (strict refuses them), bad requests get a
 * .NOK naming the field, polling alone works when the folder delivers no events, and no file the
 * POS wrote is ever deleted or rewritten.
 */
import { appendFileSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileEvent, fileIn, fileOut, hashFiles, profileWithTickets, readJson, removeFolder, sleep, startTickets, tempFolder, waitEntry, type Sim } from './helpers.js';

let sim: Sim | undefined;
const folders: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const f of folders.splice(0)) removeFolder(f);
});

function folder(): string {
  const dir = tempFolder();
  folders.push(dir);
  return dir;
}

function atomic(dir: string, name: string, text: string | Buffer): void {
  writeFileSync(join(dir, `${name}.part`), text);
  renameSync(join(dir, `${name}.part`), join(dir, name));
}

const REFUND = JSON.stringify({ type: 'abono', ticket: 'R-9', amount: 120 });

describe('requests written in pieces', () => {
  it('reads a request written in three chunks only once it is complete, and says it was written in place', async () => {
    const dir = folder();
    // The pauses are well inside the settle time and well above the polling interval, so a busy machine cannot blur them.
    sim = await startTickets(dir, { tickets: { pollMs: 20, settleMs: 1_500 } });
    const path = join(dir, 'chunked.azk');
    const thirds = [REFUND.slice(0, 10), REFUND.slice(10, 25), REFUND.slice(25)];
    writeFileSync(path, thirds[0] as string);
    await sleep(200);
    appendFileSync(path, thirds[1] as string);
    await sleep(200);
    appendFileSync(path, thirds[2] as string);
    await waitEntry(sim, fileOut('chunked.OK'), 'the answer');
    const reads = sim.getTranscript().filter(fileIn('chunked.azk'));
    expect(reads.map((e) => e.data)).toEqual([REFUND]);
    const event = sim.getTranscript().find(fileEvent('written in place:', 'chunked.azk'));
    expect(event?.data).toMatch(/^written in place: chunked\.azk changed from \d+ to \d+ bytes/);
    expect(readJson(join(dir, 'chunked.OK'))).toEqual({ ticket: 'R-9', amount: 120, dispensed: 120 });
  });

  it('with tickets-eager-read, reads the first chunk at first sight and answers .NOK bad-request', async () => {
    const dir = folder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-eager-read' }] });
    const path = join(dir, 'eager.azk');
    writeFileSync(path, REFUND.slice(0, 12));
    await waitEntry(sim, fileOut('eager.NOK'), 'the .NOK');
    appendFileSync(path, REFUND.slice(12));
    await waitEntry(sim, fileEvent('written in place:', 'eager.azk'), 'the growth seen after the read');
    const reads = sim.getTranscript().filter(fileIn('eager.azk'));
    expect(reads.map((e) => e.data)).toEqual([REFUND.slice(0, 12)]);
    expect(readJson(join(dir, 'eager.NOK'))).toMatchObject({ reason: 'bad-request' });
    expect(String(readJson(join(dir, 'eager.NOK'))['message'])).toMatch(/^the request is not JSON/);
    expect(sim.getTranscript().some(fileEvent('rejected: eager.azk: the request is not JSON'))).toBe(true);
    // The same file, complete now, is not run a second time.
    await sleep(300);
    expect(sim.getTranscript().filter(fileIn('eager.azk'))).toHaveLength(1);
  });
});

describe('encodings and line ends', () => {
  const crlf = '{\r\n  "type": "abono",\r\n  "ticket": "R-10",\r\n  "amount": 50\r\n}\r\n';

  it('accepts a UTF-8 byte order mark and CR/LF line ends by default, and records the text without the BOM', async () => {
    const dir = folder();
    sim = await startTickets(dir);
    atomic(dir, 'bom.azk', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]));
    const read = await waitEntry(sim, fileIn('bom.azk'), 'the request');
    expect(read.data).toBe(crlf);
    await waitEntry(sim, fileOut('bom.OK'), 'the .OK');
    expect(readJson(join(dir, 'bom.OK'))).toEqual({ ticket: 'R-10', amount: 50, dispensed: 50 });
  });

  it('refuses both with .NOK bad-request in a strict dialect, saying why', async () => {
    const dir = folder();
    const profiles = mkdtempSync(join(tmpdir(), 'cashlogy-profile-'));
    folders.push(profiles);
    sim = await startTickets(dir, { profile: profileWithTickets(profiles, 'strict: true') });
    atomic(dir, 'bom.azk', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(REFUND)]));
    atomic(dir, 'crlf.azk', crlf);
    await waitEntry(sim, fileOut('bom.NOK'), 'the .NOK for the BOM');
    await waitEntry(sim, fileOut('crlf.NOK'), 'the .NOK for CR/LF');
    expect(readJson(join(dir, 'bom.NOK'))).toMatchObject({ reason: 'bad-request', message: expect.stringMatching(/byte order mark/) as unknown });
    expect(readJson(join(dir, 'crlf.NOK'))).toMatchObject({ reason: 'bad-request', message: expect.stringMatching(/CR\/LF line ends, which the strict dialect refuses/) as unknown });
    expect(sim.getState().ledger).toMatchObject({ inserted: 0, dispensed: 0 });
  });
});

describe('bad requests', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unknown field', { type: 'venta', ticket: 'T', amount: 100, amout: 1 }, /^unknown field "amout"/],
    ['missing field', { type: 'venta', ticket: 'T' }, /^missing field "amount"/],
    ['bad type', { type: 'sale', ticket: 'T', amount: 100 }, /field "type" is "sale": expected "venta" \(sale\) or "abono" \(refund\)/],
    ['decimal amount in a cents dialect', { type: 'venta', ticket: 'T', amount: 10.5 }, /field "amount" must be an integer number of cents/],
    ['zero amount', { type: 'abono', ticket: 'T', amount: 0 }, /field "amount" must be above zero/],
    ['ticket as a number', { type: 'venta', ticket: 12, amount: 100 }, /field "ticket" must be text, got the number 12/],
  ];
  it.each(cases)('%s → .NOK bad-request naming the field, nothing runs', async (_name, body, message) => {
    const dir = folder();
    sim = await startTickets(dir);
    atomic(dir, 'bad.azk', JSON.stringify(body));
    await waitEntry(sim, fileOut('bad.NOK'), 'the .NOK');
    const nok = readJson(join(dir, 'bad.NOK'));
    expect(nok['reason']).toBe('bad-request');
    expect(String(nok['message'])).toMatch(message);
    expect(sim.getTranscript().some(fileEvent('rejected: bad.azk: '))).toBe(true);
    expect(sim.getState().ledger).toMatchObject({ inserted: 0, dispensed: 0 });
  });

  it('refuses a request above the size bound without reading it whole', async () => {
    const dir = folder();
    sim = await startTickets(dir);
    atomic(dir, 'huge.azk', `{"type":"abono","ticket":"R","amount":1,"till":"${'x'.repeat(70_000)}"}`);
    await waitEntry(sim, fileOut('huge.NOK'), 'the .NOK');
    expect(String(readJson(join(dir, 'huge.NOK'))['message'])).toMatch(/^the request is \d+ bytes, above the limit of 65536 bytes/);
  });
});

describe('a folder that delivers no change events', () => {
  it('answers by polling alone', async () => {
    const dir = folder();
    sim = await startTickets(dir, { tickets: { watch: false, pollMs: 30 } });
    atomic(dir, 'poll.azk', REFUND);
    await waitEntry(sim, fileOut('poll.OK'), 'the .OK found by polling');
    expect(readJson(join(dir, 'poll.OK'))).toMatchObject({ dispensed: 120 });
  });
});

describe('the without-response mode', () => {
  it('runs the request and writes no answer', async () => {
    const dir = folder();
    const profiles = mkdtempSync(join(tmpdir(), 'cashlogy-profile-'));
    folders.push(profiles);
    sim = await startTickets(dir, { profile: profileWithTickets(profiles, 'mode: without-response') });
    const before = sim.getState().totals.recyclers;
    atomic(dir, 'quiet.azk', REFUND);
    await waitEntry(sim, fileEvent('not answered: quiet.azk'), 'the request run');
    await sleep(200);
    expect(hashFiles(dir, () => true)).toEqual({ 'quiet.azk': expect.any(String) as unknown });
    expect(sim.getState().totals.recyclers).toBe(before - 120);
  });
});

describe('what the folder shows', () => {
  it('never deletes or rewrites a file the POS wrote, and reports reused names, removed answers and ignored files', async () => {
    const dir = folder();
    sim = await startTickets(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not a request');
    atomic(dir, 'a.azk', REFUND);
    await waitEntry(sim, fileOut('a.OK'), 'the first answer');
    atomic(dir, 'bad.azk', '{"type":"abono"}');
    await waitEntry(sim, fileOut('bad.NOK'), 'the .NOK');
    const pos = (name: string) => !name.endsWith('.OK') && !name.endsWith('.NOK');
    const before = hashFiles(dir, pos);
    // The POS consumes the answer and writes a new request under the same name.
    unlinkSync(join(dir, 'a.OK'));
    await waitEntry(sim, fileEvent('removed: a.OK'), 'the removal');
    rmSync(join(dir, 'a.azk'));
    await sleep(80);
    atomic(dir, 'a.azk', JSON.stringify({ type: 'abono', ticket: 'R-11', amount: 10 }));
    await waitEntry(sim, fileEvent('reused name: a.azk'), 'the reused name');
    await waitEntry(sim, (e) => e.dir === 'out' && e.file === 'a.OK' && e.data.includes('R-11'), 'the second answer');
    expect(sim.getTranscript().some(fileEvent('ignored: notes.txt: it is not a request'))).toBe(true);
    const after = hashFiles(dir, pos);
    expect(after['notes.txt']).toBe(before['notes.txt']);
    expect(after['bad.azk']).toBe(before['bad.azk']);
    expect(Object.keys(after).sort()).toEqual(['a.azk', 'bad.azk', 'notes.txt']);
    // Nothing left behind but the answers: no temporary file of the look-alike.
    expect(Object.keys(hashFiles(dir, () => true)).sort()).toEqual(['a.OK', 'a.azk', 'bad.NOK', 'bad.azk', 'notes.txt']);
  });
});

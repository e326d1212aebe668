/**
 * The faults of plane `tickets`, each on a real folder and a real simulator, plus the two
 * situations that reuse the machine's own means: low float (PUT /inventory) and the customer's
 * Cancel (covered in look-alike.test.ts).
 */
import { openSync, closeSync, readFileSync, renameSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateFaultSpec } from '../../src/faults/registry.js';
import { fileIn, fileOut, readJson, removeFolder, sleep, startTickets, tempFolder, waitEntry, type Sim } from './helpers.js';

let sim: Sim | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir !== undefined) removeFolder(dir);
  dir = undefined;
});

function atomic(folder: string, name: string, body: unknown): void {
  writeFileSync(join(folder, `${name}.part`), JSON.stringify(body));
  renameSync(join(folder, `${name}.part`), join(folder, name));
}

const refund = (ticket: string, amount = 200) => ({ type: 'abono', ticket, amount });
const faultEvent = (type: string) => (e: { dir: string; kind?: string; fault?: string }) => e.dir === 'event' && e.kind === 'fault' && e.fault !== undefined && sim?.listFaults().some((f) => f.id === e.fault && f.spec.type === type) === true;

describe('tickets faults', () => {
  it('tickets-down: requests pile up unread and unanswered until the fault is disarmed, then run', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    const id = sim.armFault({ type: 'tickets-down' });
    atomic(dir, 'd1.azk', refund('D-1'));
    await waitEntry(sim, faultEvent('tickets-down'), 'the fault firing');
    atomic(dir, 'd2.azk', refund('D-2'));
    await sleep(400);
    expect(sim.getTranscript().filter((e) => e.file !== undefined && e.dir !== 'event')).toEqual([]);
    expect(sim.getState().ledger.dispensed).toBe(0);
    sim.disarmFault(id);
    await waitEntry(sim, fileOut('d1.OK'), 'd1 answered once back');
    await waitEntry(sim, fileOut('d2.OK'), 'd2 answered once back');
    expect(sim.getState().ledger.dispensed).toBe(400);
  });

  it('tickets-down with `for` comes back by itself', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-down', for: '300ms' }] });
    atomic(dir, 'd.azk', refund('D-3'));
    await waitEntry(sim, faultEvent('tickets-down'), 'the fault firing');
    expect(sim.tickets()?.running).toBe(false);
    await waitEntry(sim, fileOut('d.OK'), 'the answer after the window');
    expect(sim.getTranscript().some((e) => e.kind === 'fault' && e.data.startsWith('CashlogyTickets is running again'))).toBe(true);
  });

  it('tickets-slow: the machine runs at once, the answer comes `ms` later', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-slow', ms: 400 }] });
    atomic(dir, 's.azk', refund('S-1'));
    await waitEntry(sim, fileIn('s.azk'), 'the request read');
    const readAt = sim.getTranscript().find(fileIn('s.azk'))?.at ?? 0;
    const answer = await waitEntry(sim, fileOut('s.OK'), 'the late answer');
    // Ordering, not timing: the answer carries the fault's id and comes after the money moved.
    expect(answer.fault).toBeDefined();
    expect(answer.at).toBeGreaterThan(readAt);
    expect(readJson(join(dir, 's.OK'))).toMatchObject({ dispensed: 200 });
  });

  it('tickets-nok: a .NOK with the given reason and message, and no money moves', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-nok', reason: 'busy', message: 'ocupado', on: { command: 'venta' } }] });
    atomic(dir, 'r.azk', refund('N-0', 100));
    await waitEntry(sim, fileOut('r.OK'), 'the refund is not the fault’s target');
    atomic(dir, 'n.azk', { type: 'venta', ticket: 'N-1', amount: 500 });
    await waitEntry(sim, fileOut('n.NOK'), 'the .NOK');
    expect(readJson(join(dir, 'n.NOK'))).toEqual({ ticket: 'N-1', reason: 'busy', message: 'ocupado', amount: 500 });
    expect(sim.getState().ledger.inserted).toBe(0);
  });

  it('tickets-corrupt-answer: the answer file is not JSON, the money moved all the same', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-corrupt-answer' }] });
    atomic(dir, 'c.azk', refund('C-1'));
    const out = await waitEntry(sim, fileOut('c.OK'), 'the garbled answer');
    const text = readFileSync(join(dir, 'c.OK'), 'utf8');
    expect(out.data).toBe(text);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(sim.getState().ledger.dispensed).toBe(200);
  });

  it('tickets-split-answer: the answer appears under its final name before it is complete', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-split-answer', pieces: 3, pause: 250 }] });
    atomic(dir, 'p.azk', refund('P-1'));
    const path = join(dir, 'p.OK');
    const sizes: number[] = [];
    const end = Date.now() + 15_000;
    while (Date.now() < end && !sim.getTranscript().some(fileOut('p.OK'))) {
      try {
        sizes.push(statSync(path).size);
      } catch {
        // not there yet
      }
      await sleep(20);
    }
    const whole = readFileSync(path, 'utf8');
    expect(JSON.parse(whole)).toEqual({ ticket: 'P-1', amount: 200, dispensed: 200 });
    expect(sizes.some((s) => s > 0 && s < whole.length)).toBe(true);
  });

  it('tickets-split-answer stopped by a reset writes nothing more of that answer', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-split-answer', pieces: 3, pause: 60_000 }] });
    atomic(dir, 'r.azk', refund('R-1'));
    const path = join(dir, 'r.OK');
    const end = Date.now() + 15_000;
    let first = 0;
    while (Date.now() < end && first === 0) {
      try {
        first = statSync(path).size;
      } catch {
        // not there yet
      }
      await sleep(20);
    }
    expect(first).toBeGreaterThan(0);
    await sim.reset();
    // The pause ends with the reset; the pieces after it must not follow.
    await sleep(300);
    expect(statSync(path).size).toBe(first);
    expect(sim.getTranscript().some(fileOut('r.OK'))).toBe(false);
  });

  it('tickets-eager-read counts request files with nth', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { faults: [{ type: 'tickets-eager-read', on: { nth: 2 } }] });
    atomic(dir, 'e1.azk', refund('E-1'));
    await waitEntry(sim, fileOut('e1.OK'), 'the first request, read normally');
    const fd = openSync(join(dir, 'e2.azk'), 'w');
    writeFileSync(fd, '{"type":"ab');
    await waitEntry(sim, fileOut('e2.NOK'), 'the second request, read at first sight');
    writeFileSync(fd, 'ono"}');
    closeSync(fd);
    expect(readJson(join(dir, 'e2.NOK'))).toMatchObject({ reason: 'bad-request' });
    expect(sim.getTranscript().filter((e) => e.dir === 'in').map((e) => e.file)).toEqual(['e1.azk', 'e2.azk']);
  });

  it('a low float (PUT /inventory, not a fault) gives a short refund: .NOK not-enough-change with what came out', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    const zero = Object.fromEntries([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000].map((v) => [String(v), 0]));
    sim.setInventory({ recyclers: { ...zero, '200': 1 } });
    atomic(dir, 'low.azk', refund('L-1', 500));
    await waitEntry(sim, fileOut('low.NOK'), 'the .NOK');
    const nok = readJson(join(dir, 'low.NOK'));
    expect(nok).toMatchObject({ ticket: 'L-1', reason: 'not-enough-change', amount: 500, dispensed: 200 });
    expect(String(nok['message'])).toMatch(/must be paid by hand/);
    expect(sim.getState().ledger.dispensed).toBe(200);
  });
});

describe('tickets fault specs', () => {
  it('take venta/abono as the trigger command, and say what is wrong otherwise', () => {
    expect(validateFaultSpec({ type: 'tickets-nok', reason: 'cancelled', on: { command: 'abono' } }).problems).toEqual([]);
    const tcp = validateFaultSpec({ type: 'tickets-slow', on: { command: 'C' } }).problems;
    expect(tcp[0]?.message).toBe('tickets-slow acts on tickets requests, not on the connector command "C"');
    const other = validateFaultSpec({ type: 'latency', on: { command: 'venta' } }).problems;
    expect(other[0]?.message).toBe("latency acts on the connector's commands, not on tickets requests");
    const eager = validateFaultSpec({ type: 'tickets-eager-read', on: { command: 'venta' } }).problems;
    expect(eager[0]?.message).toBe('tickets-eager-read acts when a request file appears, before its type is read');
    const reason = validateFaultSpec({ type: 'tickets-nok', reason: 'sold-out' }).problems;
    expect(reason[0]?.path).toBe('reason');
  });

  it('are refused by a simulator without a tickets folder, naming the way to start one', async () => {
    const { startSimulator } = await import('../../src/server/start.js');
    sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01 });
    expect(() => sim?.armFault({ type: 'tickets-down' })).toThrow(/not running: start the simulator with a tickets folder \(--tickets-dir/);
    expect(sim.listFaults()).toEqual([]);
    await expect(startSimulator({ port: 0, controlPort: null, faults: [{ type: 'tickets-nok' }] })).rejects.toThrow(/tickets-nok acts on the CashlogyTickets look-alike/);
  });
});

describe('simulator options', () => {
  it('refuse a tickets folder that is not an absolute path to a folder, and bad tuning, naming the value', async () => {
    const { startSimulator } = await import('../../src/server/start.js');
    const base = { port: 0, controlPort: null } as const;
    await expect(startSimulator({ ...base, ticketsDir: 'relative/dir' })).rejects.toThrow('ticketsDir must be an absolute path, got "relative/dir"');
    await expect(startSimulator({ ...base, ticketsDir: '/no/such/folder/at/all' })).rejects.toThrow(/ticketsDir \/no\/such\/folder\/at\/all cannot be used: ENOENT \(the folder must exist\)/);
    dir = tempFolder();
    writeFileSync(join(dir, 'file'), '');
    await expect(startSimulator({ ...base, ticketsDir: join(dir, 'file') })).rejects.toThrow(/is not a folder/);
    await expect(startSimulator({ ...base, ticketsDir: dir, tickets: { pollMs: 0 } })).rejects.toThrow('tickets.pollMs must be a number of milliseconds from 1 to 60000, got 0');
  });
});

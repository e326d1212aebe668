/**
 * The CashlogyTickets look-alike end to end: real folders under the OS temp dir, a real simulator
 * on 127.0.0.1 port 0, the POS side played by plain file writes (atomic: a temp name then a rename).
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileIn, fileOut, readJson, removeFolder, startTickets, tempFolder, waitEntry, waitOperation, waitState, type Sim } from './helpers.js';

let sim: Sim | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir !== undefined) removeFolder(dir);
  dir = undefined;
});

/** As a careful POS writes a request: a temporary name, then a rename. */
function writeRequest(folder: string, name: string, body: unknown): void {
  const temp = join(folder, `${name}.part`);
  writeFileSync(temp, typeof body === 'string' ? body : JSON.stringify(body));
  renameSync(temp, join(folder, name));
}

describe('the CashlogyTickets look-alike', () => {
  it('runs a sale the customer pays through the control API and answers .OK with paid and change', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    writeRequest(dir, 'sale-1.azk', { type: 'venta', ticket: 'F001/66776 A', amount: 990, till: 'TPV 1', user: 'ana' });
    await waitEntry(sim, fileIn('sale-1.azk'), 'the request read');
    await waitOperation(sim, 'C');
    expect(sim.getState().operation?.amount).toBe(990);
    sim.insert([2000]);
    await waitEntry(sim, fileOut('sale-1.OK'), 'the .OK answer');
    expect(readJson(join(dir, 'sale-1.OK'))).toEqual({ ticket: 'F001/66776 A', amount: 990, paid: 2000, change: 1010 });
    const state = sim.getState();
    expect(state.ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
    // The exchange is files, not frames: no in/out entry without a file name.
    expect(sim.getTranscript().filter((e) => e.dir !== 'event' && e.file === undefined)).toEqual([]);
    expect(sim.getTranscript().filter((e) => e.file !== undefined).every((e) => e.conn === 0)).toBe(true);
  });

  it('lets the automatic customer pay a tickets sale', async () => {
    dir = tempFolder();
    sim = await startTickets(dir, { customer: 'auto' });
    writeRequest(dir, 'auto.azk', { type: 'venta', ticket: 'A-1', amount: 1250 });
    await waitEntry(sim, fileOut('auto.OK'), 'the .OK answer');
    const ok = readJson(join(dir, 'auto.OK'));
    expect(ok).toMatchObject({ ticket: 'A-1', amount: 1250 });
    expect(Number(ok['paid']) - Number(ok['change'])).toBe(1250);
  });

  it('refunds from the inventory and answers .OK with what was dispensed', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    const before = sim.getState().totals.recyclers;
    writeRequest(dir, 'refund-1.azk', { type: 'abono', ticket: 'R-1', amount: 350 });
    await waitEntry(sim, fileOut('refund-1.OK'), 'the .OK answer');
    expect(readJson(join(dir, 'refund-1.OK'))).toEqual({ ticket: 'R-1', amount: 350, dispensed: 350 });
    expect(sim.getState().totals.recyclers).toBe(before - 350);
  });

  it('answers .NOK cancelled when the customer cancels, with the money given back', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    writeRequest(dir, 'sale-2.azk', { type: 'venta', ticket: 'T-2', amount: 1500 });
    await waitOperation(sim, 'C');
    sim.insert([1000]);
    await waitState(sim, (s) => s.operation?.inserted === 1000, 'the note counted');
    sim.cancel();
    await waitEntry(sim, fileOut('sale-2.NOK'), 'the .NOK answer');
    const nok = readJson(join(dir, 'sale-2.NOK'));
    expect(nok).toMatchObject({ ticket: 'T-2', reason: 'cancelled', paid: 1000, change: 1000 });
    expect(typeof nok['message']).toBe('string');
  });
});

describe('a reset', () => {
  it('ends the request the machine runs without an answer, and leaves requests written before it unrun', async () => {
    dir = tempFolder();
    sim = await startTickets(dir);
    writeRequest(dir, 'running.azk', { type: 'venta', ticket: 'X-1', amount: 500 });
    await waitEntry(sim, fileIn('running.azk'), 'the sale read', 15_000);
    await waitOperation(sim, 'C');
    // Read and waiting for the machine, which runs the sale.
    writeRequest(dir, 'queued.azk', { type: 'abono', ticket: 'X-2', amount: 100 });
    await waitEntry(sim, fileIn('queued.azk'), 'the refund read', 15_000);
    // Never seen: CashlogyTickets is down when it is written.
    sim.armFault({ type: 'tickets-down' });
    writeRequest(dir, 'trigger.azk', { type: 'abono', ticket: 'X-4', amount: 100 });
    await waitEntry(sim, (e) => e.kind === 'fault' && e.data.startsWith('CashlogyTickets is not running'), 'CashlogyTickets down');
    writeRequest(dir, 'stale.azk', { type: 'abono', ticket: 'X-5', amount: 100 });
    sim.insert([200]);
    await waitState(sim, (s) => s.operation?.inserted === 200, 'the coin counted');
    await sim.reset();
    expect(sim.getState().operation).toBeNull();
    const events = sim.getTranscript().filter((e) => e.kind === 'file').map((e) => e.data);
    expect(events).toContain('ignored: the reset ended running.azk; no answer is written for it');
    expect(events).toContain('ignored: queued.azk was read before the reset; it is not run');
    expect(events).toContain('ignored: trigger.azk was written before the reset; it is not run');
    expect(events).toContain('ignored: stale.azk was written before the reset; it is not run');
    // The look-alike still works after the reset.
    writeRequest(dir, 'after.azk', { type: 'abono', ticket: 'X-3', amount: 100 });
    await waitEntry(sim, fileOut('after.OK'), 'an answer after the reset', 15_000);
    expect(existsSync(join(dir, 'running.OK')) || existsSync(join(dir, 'running.NOK'))).toBe(false);
    for (const name of ['queued', 'trigger', 'stale']) expect(existsSync(join(dir, `${name}.OK`)), name).toBe(false);
  });
});

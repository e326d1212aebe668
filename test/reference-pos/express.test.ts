import { afterEach, describe, expect, it } from 'vitest';
import { commands, startRig, waitUntil, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('reference POS, Express integration, against the simulator', () => {
  it('initialises at start-up with #I#', async () => {
    rig = await startRig('express');
    const outcome = await rig.pos.perform('startup');
    expect(outcome).toMatchObject({ outcome: 'completed' });
    expect(rig.sent()).toEqual(['#I#']);
    expect(rig.sim.getState().initialized).toBe(true);
  });

  it('recovers from #ER:BUSY# at start with #Z# then #I#', async () => {
    rig = await startRig('express', { sim: { faults: [{ type: 'busy', on: { command: 'I' } }] } });
    const outcome = await rig.pos.perform('startup');
    expect(outcome.outcome).toBe('completed');
    expect(rig.sent()).toEqual(['#I#', '#Z#', '#I#']);
    expect(rig.replies()[0]).toBe('#ER:BUSY#');
  });

  it('sells with change: full 11-parameter #C# in cents, net = auto + manual − returned', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'auto', pay: [2000] } } });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, change: 1010, owed: 0 });
    const charge = rig.sent().find((f) => f.startsWith('#C#'));
    expect(charge).toMatch(/^#C#\d+#1#990#0#0#0#0#0#1#0#0#$/);
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
  });

  it('uses a fresh operation number for every sale', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'auto', pay: [500] } } });
    await rig.pos.perform('startup');
    await rig.pos.perform('sale', { amount: 500 });
    await rig.pos.perform('sale', { amount: 500 });
    const ops = rig.sent().filter((f) => f.startsWith('#C#')).map((f) => f.split('#')[2]);
    expect(ops).toHaveLength(2);
    expect(ops[0]).not.toBe(ops[1]);
  });

  it('books a #WR:LEVEL# charge as paid, with a notice', async () => {
    rig = await startRig('express', {
      sim: { customer: { mode: 'auto', pay: [2000] } },
    });
    rig.sim.setInventory({ recyclers: { '1': 1, '2': 1, '5': 1 } });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(rig.replies().some((r) => r.startsWith('#WR:LEVEL#'))).toBe(true);
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    expect(outcome.message).toMatch(/WR:LEVEL/);
    expect(commands(rig.sent()).filter((c) => c === 'C')).toHaveLength(1);
  });

  it('books nothing when the customer cancels on the connector screen (#WR:CANCEL#)', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'C', 'the charge is open');
    rig.sim.insert([500]);
    await waitUntil(() => rig!.sim.getState().operation?.inserted === 500, 'the 5.00 note is taken');
    rig.sim.cancel();
    const outcome = await sale;
    expect(outcome).toMatchObject({ outcome: 'cancelled', paid: 0, change: 500, owed: 0 });
    expect(rig.replies().at(-1)).toMatch(/^#WR:CANCEL#500#500#/);
  });

  it('cancels a running charge from the POS with #!# (overlapping the pending #C#)', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await waitUntil(() => rig!.sim.getState().operation?.command === 'C', 'the charge is open');
    rig.sim.insert([500]);
    await waitUntil(() => rig!.sim.getState().operation?.inserted === 500, 'the 5.00 note is taken');
    const cancel = await rig.pos.perform('cancel');
    expect(cancel.outcome).toBe('cancelled');
    expect(await sale).toMatchObject({ outcome: 'cancelled', paid: 0 });
    const sent = rig.sent();
    expect(sent.indexOf('#!#')).toBeGreaterThan(sent.findIndex((f) => f.startsWith('#C#')));
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 500, dispensed: 500 });
    // The #!# reply was not taken as the reply to the next command.
    expect(await rig.pos.perform('shutdown')).toMatchObject({ outcome: 'completed' });
  });

  it('tells the cashier the change still owed when the machine gives short change', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'auto', pay: [2000] } } });
    // Without coins below 50 c, 10.10 cannot be made: the machine gives 10.00.
    rig.sim.setInventory({ recyclers: { '1': 0, '2': 0, '5': 0, '10': 0, '20': 0 } });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, owed: 10, change: 1000 });
    expect(outcome.message).toMatch(/0\.10 by hand/);
  });

  it('reads replies split over TCP segments whole', async () => {
    rig = await startRig('express', {
      sim: {
        customer: { mode: 'auto', pay: [2000] },
        faults: [
          { type: 'split', at: [3], on: { command: 'I' } },
          { type: 'split', at: [8], on: { command: 'C', times: 2 } },
        ],
      },
    });
    expect((await rig.pos.perform('startup')).outcome).toBe('completed');
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    expect(await rig.pos.perform('sale', { amount: 500 })).toMatchObject({ outcome: 'completed', paid: 500, change: 1500 });
  });

  it('re-initialises after #ER:ILLEGAL# and resends the charge only because nothing moved', async () => {
    rig = await startRig('express', { sim: { customer: { mode: 'auto', pay: [1000] } } });
    await rig.pos.perform('startup');
    rig.sim.armFault({ type: 'restart', on: { command: 'C' } });
    const first = await rig.pos.perform('sale', { amount: 1000 });
    const sent = rig.sent();
    const illegalAt = rig.sim.getTranscript().findIndex((e) => e.dir === 'out' && e.data.startsWith('#ER:ILLEGAL#'));
    expect(illegalAt).toBeGreaterThan(0);
    expect(commands(sent)).toEqual(['I', 'T', 'C', 'I', 'T', 'C']);
    expect(first).toMatchObject({ outcome: 'completed', paid: 1000 });
    expect(rig.sim.getState().ledger.inserted).toBe(1000);
    expect(await rig.pos.perform('sale', { amount: 1000 })).toMatchObject({ outcome: 'completed', paid: 1000 });
  });

  it('after a disconnect mid-charge, finds out from the totals and never charges twice', async () => {
    rig = await startRig('express', {
      sim: { customer: { mode: 'auto', pay: [2000] }, faults: [{ type: 'disconnect', on: { command: 'C' } }] },
    });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, owed: 0 });
    expect(outcome.message).toMatch(/went through/);
    expect(commands(rig.sent()).filter((c) => c === 'C')).toHaveLength(1);
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
  });

  it('after a connection reset (RST) on the charge reply, reconnects and books from the totals', async () => {
    rig = await startRig('express', {
      sim: { customer: { mode: 'auto', pay: [2000] }, faults: [{ type: 'reset', on: { command: 'C' } }] },
    });
    await rig.pos.perform('startup');
    const first = await rig.pos.perform('sale', { amount: 990 });
    expect(first).toMatchObject({ outcome: 'completed', paid: 990 });
    expect(first.message).toMatch(/went through/);
    expect(commands(rig.sent()).filter((c) => c === 'C')).toHaveLength(1);
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
  });

  it('does not charge again after a jam (#ER:GENERIC#)', async () => {
    rig = await startRig('express', {
      sim: { customer: { mode: 'auto', pay: [2000] }, faults: [{ type: 'note-jam', on: { command: 'C' } }] },
    });
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('sale', { amount: 990 });
    expect(rig.replies().some((r) => r.startsWith('#ER:GENERIC#'))).toBe(true);
    expect(['failed', 'completed', 'cancelled']).toContain(outcome.outcome);
    expect(commands(rig.sent()).filter((c) => c === 'C')).toHaveLength(1);
  });

  it('opens the backoffice with #G# and its 13 flags, waiting for the operator', async () => {
    rig = await startRig('express');
    await rig.pos.perform('startup');
    const backoffice = rig.pos.perform('backoffice');
    await waitUntil(() => rig!.sim.getState().operation?.command === 'G', 'the backoffice is open');
    rig.sim.closeBackoffice();
    expect(await backoffice).toMatchObject({ outcome: 'completed' });
    expect(rig.sent().find((f) => f.startsWith('#G#'))).toMatch(/^#G#([01]#){13}$/);
  });

  it.each(['refill', 'close-day'])('%s opens the connector backoffice (#G#), where Express does it', async (action) => {
    rig = await startRig('express');
    await rig.pos.perform('startup');
    const pending = rig.pos.perform(action);
    await waitUntil(() => rig!.sim.getState().operation?.command === 'G', 'the backoffice is open');
    rig.sim.closeBackoffice();
    expect(await pending).toMatchObject({ outcome: 'completed' });
    expect(commands(rig.sent())).toEqual(['I', 'T', 'G']);
  });

  it('ends the session with #E# at shutdown', async () => {
    rig = await startRig('express');
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('shutdown')).toMatchObject({ outcome: 'completed' });
    expect(rig.sent().at(-1)).toBe('#E#');
  });

  it('refuses refunds (Express has no refund command) without touching the machine', async () => {
    rig = await startRig('express');
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('refund', { amount: 100 })).toMatchObject({ outcome: 'failed', refunded: 0 });
    expect(rig.sent()).toEqual(['#I#']);
  });

  it('rejects a sale without an amount', async () => {
    rig = await startRig('express');
    await expect(rig.pos.perform('sale', {})).rejects.toThrow(/needs \{"amount"/);
    await expect(rig.pos.perform('sale', { amount: 9.9 })).rejects.toThrow(/positive integer number of cents/);
    await expect(rig.pos.perform('dance')).rejects.toThrow(/unknown action "dance"/);
  });
});

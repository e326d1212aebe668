import { afterEach, describe, expect, it } from 'vitest';
import { commands, startRig, waitUntil, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function openAcceptance(r: Rig, code = 'B'): Promise<void> {
  await waitUntil(() => r.sim.getState().operation?.command === code, `acceptance #${code}# is open`);
}

describe('reference POS, complete (no-screen) integration, against the simulator', () => {
  it('sells with change: #B#0#0#0#, #Q# polls, #J#, then #P# of the change from #J#', async () => {
    rig = await startRig('complete', { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await openAcceptance(rig);
    rig.sim.insert([2000]);
    expect(await sale).toMatchObject({ outcome: 'completed', paid: 990, change: 1010, owed: 0 });
    const sent = rig.sent();
    const cmds = commands(sent);
    expect(sent).toContain('#B#0#0#0#');
    expect(sent).toContain('#P#1010#0#0#0#');
    expect(cmds.indexOf('J')).toBeGreaterThan(cmds.indexOf('Q'));
    expect(cmds.indexOf('P')).toBeGreaterThan(cmds.indexOf('J'));
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
  });

  it('polls #?# at start-up and after #ER:GENERIC#, and reports a partial dispense as owed', async () => {
    rig = await startRig('complete', {
      sim: { customer: { mode: 'manual' }, faults: [{ type: 'partial-dispense', short: 10, on: { command: 'P' } }] },
    });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await openAcceptance(rig);
    rig.sim.insert([2000]);
    const outcome = await sale;
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, change: 1000, owed: 10 });
    expect(outcome.message).toMatch(/give the customer 0\.10 by hand/);
    const transcript = rig.sim.getTranscript().filter((e) => e.dir !== 'event');
    const generic = transcript.findIndex((e) => e.dir === 'out' && e.data.startsWith('#ER:GENERIC#'));
    expect(generic).toBeGreaterThan(0);
    expect(transcript.slice(generic).some((e) => e.dir === 'in' && e.data.startsWith('#?#'))).toBe(true);
    expect(commands(rig.sent()).filter((c) => c === 'P')).toHaveLength(1);
  });

  it('cancels a no-screen sale with #J# then #P# of everything inserted', async () => {
    rig = await startRig('complete', { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await openAcceptance(rig);
    rig.sim.insert([200, 200, 100]);
    await waitUntil(() => rig!.replies().includes('#0#500#'), 'the POS saw the 5.00 inserted');
    const cancel = await rig.pos.perform('cancel');
    expect(cancel.outcome).toBe('cancelled');
    expect(await sale).toMatchObject({ outcome: 'cancelled', paid: 0, change: 500, owed: 0 });
    const sent = rig.sent();
    expect(sent.indexOf('#P#500#0#0#0#')).toBeGreaterThan(sent.lastIndexOf('#J#'));
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 500, dispensed: 500 });
  });

  it('reads split #J# and #P# replies whole', async () => {
    rig = await startRig('complete', {
      sim: {
        customer: { mode: 'manual' },
        faults: [
          { type: 'split', at: [3], on: { command: 'J' } },
          { type: 'split', at: [3], on: { command: 'P' } },
        ],
      },
    });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await openAcceptance(rig);
    rig.sim.insert([2000]);
    expect(await sale).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
  });

  it('after a disconnect during #P#, reads the totals and does not pay the change twice', async () => {
    rig = await startRig('complete', {
      sim: { customer: { mode: 'manual' }, faults: [{ type: 'disconnect', on: { command: 'P' } }] },
    });
    await rig.pos.perform('startup');
    const sale = rig.pos.perform('sale', { amount: 990 });
    await openAcceptance(rig);
    rig.sim.insert([2000]);
    expect(await sale).toMatchObject({ outcome: 'completed', paid: 990, change: 1010, owed: 0 });
    expect(commands(rig.sent()).filter((c) => c === 'P')).toHaveLength(1);
    expect(rig.sim.getState().ledger).toMatchObject({ inserted: 2000, dispensed: 1010 });
  });

  it('re-initialises after #ER:ILLEGAL# on #B# and completes the sale', async () => {
    rig = await startRig('complete', { sim: { customer: { mode: 'auto', pay: [1000] } } });
    await rig.pos.perform('startup');
    rig.sim.armFault({ type: 'restart', on: { command: 'B' } });
    expect(await rig.pos.perform('sale', { amount: 1000 })).toMatchObject({ outcome: 'completed', paid: 1000 });
    const cmds = commands(rig.sent());
    expect(cmds.slice(0, 6)).toEqual(['I', '?', 'T', 'B', 'I', 'B']);
  });

  it('refunds with #P#<cents>#0#0#0#', async () => {
    rig = await startRig('complete');
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('refund', { amount: 1250 })).toMatchObject({ outcome: 'completed', refunded: 1250, owed: 0 });
    expect(rig.sent()).toContain('#P#1250#0#0#0#');
    expect(rig.sim.getState().ledger.dispensed).toBe(1250);
  });

  it('refills the float with #A#2#, #Q# and #J#', async () => {
    rig = await startRig('complete', { sim: { customer: { mode: 'manual' } } });
    await rig.pos.perform('startup');
    const refill = rig.pos.perform('refill', { amount: 1000 });
    await openAcceptance(rig, 'A');
    rig.sim.insert([1000]);
    expect(await refill).toMatchObject({ outcome: 'completed', added: 1000 });
    const cmds = commands(rig.sent());
    expect(cmds).toContain('A');
    expect(cmds).not.toContain('B');
    expect(cmds.at(-1)).toBe('J');
  });

  it('closes the day with #T# and #Y#', async () => {
    rig = await startRig('complete');
    await rig.pos.perform('startup');
    const outcome = await rig.pos.perform('close-day');
    expect(outcome.outcome).toBe('completed');
    expect(commands(rig.sent()).slice(-2)).toEqual(['T', 'Y']);
  });
});

describe('reference POS, mixed integration', () => {
  it('sells through the connector screen (#C#) and refunds with #P# when it declares "refund"', async () => {
    rig = await startRig('mixed', { features: ['refund'], sim: { customer: { mode: 'auto', pay: [2000] } } });
    await rig.pos.perform('startup');
    expect(await rig.pos.perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1010 });
    expect(await rig.pos.perform('refund', { amount: 990 })).toMatchObject({ outcome: 'completed', refunded: 990 });
    const cmds = commands(rig.sent());
    expect(cmds).toContain('C');
    expect(cmds).toContain('P');
    expect(cmds).not.toContain('B');
  });
});

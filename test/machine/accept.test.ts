/**
 * The simulated customer and the connector's Accept button (7th `#C#` flag): once the cash
 * covers the charge, the customer presses Accept as a person would, unless told not to; a
 * partial payment is never accepted by itself.
 */
import { describe, expect, it } from 'vitest';
import type { MachineHarness, MachineOutput } from '../../src/machine/index.js';
import { checkInvariants, machine } from './helpers.js';

const charge = (amount: number, acceptButton = 0, partial = 0) => `#C#7#1#${amount}#1#15360#0#${acceptButton}#${partial}#1#0#0#`;

function events(out: readonly MachineOutput[], kind: string): string[] {
  return out.flatMap((o) => (o.type === 'event' && o.kind === kind ? [o.text] : []));
}

const acceptPresses = (m: MachineHarness) => events(m.outputs, 'customer').filter((t) => /pressed Accept/.test(t));

describe('Accept button shown (#C# 7th flag = 1)', () => {
  it('the customer presses Accept once the inserted cash covers the amount; the press is a customer event', () => {
    const m = machine();
    const from = m.outputs.length;
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    expect(m.view().operation).toBeNull();
    const texts = m.outputs.slice(from).flatMap((o) => (o.type === 'event' ? [`${o.kind}: ${o.text}`] : []));
    const press = texts.findIndex((t) => t.startsWith('customer: customer pressed Accept'));
    expect(press).toBeGreaterThan(texts.findIndex((t) => t.startsWith('machine: IN: 20.00 €')));
    expect(texts[press]).toBe('customer: customer pressed Accept: 20.00 € inserted covers 9.90 €');
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('presses only when covered: a first insert short of the amount waits, the second one completes', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 500, phase: 'accepting' });
    expect(acceptPresses(m)).toEqual([]);
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1000#10#0#0#');
    expect(acceptPresses(m)).toHaveLength(1);
  });

  it('waits until every inserted piece is validated before pressing, so all of it counts', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [1000, 200] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1200#210#0#0#');
  });

  it('accept: false leaves the button alone; an explicit Accept then completes the charge', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    const out = m.send({ type: 'customer', insert: [2000], accept: false });
    expect(events(out, 'customer')).toEqual(['customer inserted 1 × 20.00 € (and will not press Accept)']);
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 2000, phase: 'confirming', waitingFor: 'customer' });
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    expect(acceptPresses(m)).toEqual([]);
    m.send({ type: 'customer', confirm: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    expect(acceptPresses(m)).toEqual(['customer pressed Accept']);
  });

  it('the last insert decides: accept: false after a plain insert still leaves the button alone', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [500] });
    m.send({ type: 'customer', insert: [500], accept: false });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ inserted: 1000, phase: 'confirming' });
  });

  it('an explicit Accept together with the insert is one press, not two', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [2000], confirm: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    expect(acceptPresses(m)).toEqual(['customer pressed Accept']);
  });

  it('without the button the charge completes by itself and nobody presses anything', () => {
    const m = machine();
    m.frame(1, charge(990, 0));
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    expect(acceptPresses(m)).toEqual([]);
  });
});

describe('partial charge allowed (#C# 8th flag = 1)', () => {
  it('is never auto-accepted short of the amount: the customer pays the whole amount, then presses Accept', () => {
    const m = machine();
    m.frame(1, charge(990, 1, 1));
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 500, waitingFor: 'customer' });
    expect(acceptPresses(m)).toEqual([]);
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1000#10#0#0#');
  });

  it('an explicit Accept with less still books the partial amount', () => {
    const m = machine();
    m.frame(1, charge(990, 1, 1));
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    m.send({ type: 'customer', confirm: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#500#0#0#0#');
  });
});

describe('automatic customer', () => {
  it('pays and presses Accept, visibly, when the button is shown', () => {
    const m = machine({ customer: { mode: 'auto' } });
    m.frame(1, charge(990, 1));
    m.runUntilIdle();
    // The smallest covering combination of 9.90 € is exact: no change.
    expect(m.replies(1).at(-1)).toMatch(/^#(0|WR:LEVEL)#990#0#0#0#$/);
    expect(acceptPresses(m)).toEqual(['customer pressed Accept: 9.90 € inserted covers 9.90 €']);
  });

  it('with a fixed "pay" list short of the amount it does not settle for a partial charge', () => {
    const m = machine({ customer: { mode: 'auto', pay: [500] } });
    m.frame(1, charge(990, 1, 1));
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 500, waitingFor: 'customer' });
    expect(acceptPresses(m)).toEqual([]);
  });

  it('set to auto while a charge is open: pays and presses Accept', () => {
    const m = machine();
    m.frame(1, charge(360, 1));
    m.send({ type: 'set-customer', customer: { mode: 'auto', pay: [500] } });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toMatch(/^#(0|WR:LEVEL)#500#140#0#0#$/);
    expect(acceptPresses(m)).toHaveLength(1);
  });
});

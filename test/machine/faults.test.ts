/**
 * Domain effects of faults, with a scripted fault engine (the real one lives in src/faults/).
 */
import { describe, expect, it } from 'vitest';
import { CHARGE_990, checkInvariants, exchange, machine, repliesSince, scriptedEngine } from './helpers.js';

describe('faults: consultation points', () => {
  it('consults command, progress and reply points, and emits a fault event for each firing', () => {
    const seen: string[] = [];
    const engine = scriptedEngine([]);
    const consult = engine.consult.bind(engine);
    engine.consult = (o, now) => {
      seen.push(o.point === 'progress' ? `progress:${o.phase}:${o.denomination}` : `${o.point}${'command' in o ? `:${o.command}` : ''}`);
      return consult(o, now);
    };
    const m = machine({ faults: engine });
    seen.length = 0;
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(seen).toEqual(['command:C', 'progress:accept:2000', 'progress:dispense:1000', 'progress:dispense:10', 'reply:C']);
  });

  it('a reply-point fault attaches its Delivery to the reply output', () => {
    const engine = scriptedEngine([{ type: 'stale-reply', delivery: { replaceWith: '#0#2.01#' } }]);
    const m = machine({ faults: engine });
    const out = m.frame(1, '#T#');
    const reply = out.find((o) => o.type === 'reply');
    expect(reply).toMatchObject({ frame: '#0#40900#10000#', delivery: { replaceWith: '#0#2.01#', faults: ['s1'] } });
    expect(out.some((o) => o.type === 'event' && o.kind === 'fault' && o.fault === 's1')).toBe(true);
  });

  it('a refuse fault at connect closes the connection', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'refuse' }]), init: false, conns: [] });
    const out = m.send({ type: 'connect', conn: 5 });
    expect(out).toContainEqual({ type: 'close', conn: 5, how: 'disconnect' });
  });
});

describe('faults: domain effects', () => {
  it('note-jam during a charge: #ER:GENERIC# with what went in, 1187 in #?#, cash commands fail until cleared', () => {
    const engine = scriptedEngine([{ type: 'note-jam', when: (o) => o.point === 'progress' && o.denomination === 2000 }]);
    const m = machine({ faults: engine });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [500, 2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#500#0#0#0#');
    expect(exchange(m, '#?#')).toEqual(['#0#1187#']);
    expect(exchange(m, '#GC#')[0]).toContain('2000:31');
    expect(exchange(m, CHARGE_990)).toEqual(['#ER:GENERIC#0#0#0#0#']);
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#ER:GENERIC#0#0#']);
    expect(exchange(m, '#T#')[0]).toMatch(/^#0#/);
    m.send({ type: 'clear-errors' });
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#0#100#0#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('coin-jam while paying change: the change stops, the reply says what came out; `for` clears it by itself', () => {
    const engine = scriptedEngine([{ type: 'coin-jam', spec: { for: '5s' }, when: (o) => o.point === 'progress' && o.phase === 'dispense' && !o.isNote }]);
    const m = machine({ faults: engine });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntil(() => m.replies(1).length > 1);
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#2000#1000#0#0#');
    expect(exchange(m, '#?#')).toEqual(['#0#1751#']);
    m.runUntilIdle();
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('note-jam in a #B# acceptance: #Q#/#J# answer #ER:GENERIC# with the amount taken', () => {
    const engine = scriptedEngine([{ type: 'note-jam', when: (o) => o.point === 'progress' && o.isNote }]);
    const m = machine({ faults: engine });
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [200, 1000] });
    m.runUntilIdle();
    expect(exchange(m, '#Q#')).toEqual(['#ER:GENERIC#200#']);
    expect(() => m.send({ type: 'customer', insert: [500] })).toThrow(/not taking cash/);
    expect(exchange(m, '#J#')).toEqual(['#ER:GENERIC#200#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('partial-dispense {short}: #P# comes out short and says exactly what came out (§13.11)', () => {
    const engine = scriptedEngine([{ type: 'partial-dispense', spec: { short: 500 } }]);
    const m = machine({ faults: engine });
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#P#1510#0#0#0#')).toEqual(['#ER:GENERIC#1010#0#']);
    expect(m.view().ledger.dispensed).toBe(1010);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('busy: the command gets #ER:BUSY#, the next one goes through', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'busy' }]) });
    expect(exchange(m, '#T#')).toEqual(['#ER:BUSY#']);
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
  });

  it('restart: #ER:ILLEGAL# for everything until #I#; the in-flight charge reply is lost, its money accounted (§13.18)', () => {
    const engine = scriptedEngine([{ type: 'restart', when: (o) => o.point === 'command' && o.conn === 2 }]);
    const m = machine({ faults: engine, conns: [1, 2] });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.advance(1600); // the note is in, the change not yet out
    const start = m.outputs.length;
    m.frame(2, '#Q#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[2, '#ER:ILLEGAL#']]);
    for (const frame of ['#T#', '#Z#', '#!#', '#?#']) expect(exchange(m, frame), frame).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
    expect(m.view().ledger).toMatchObject({ inserted: 2000 });
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('power-off: cash commands and #I# fail with #ER:GENERIC#, #?# reports 1075, until power returns', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'power-off', spec: { for: '10s' } }]) });
    // frame() without running timers: the power comes back only when the 10 s have passed.
    m.frame(1, '#T#');
    m.frame(1, '#I#');
    m.frame(1, '#?#');
    expect(m.replies(1).slice(-3)).toEqual(['#ER:GENERIC#', '#ER:GENERIC#', '#0#1075#']);
    m.advance(9_999);
    expect(m.view().errors).toEqual([1075]);
    m.advance(1);
    expect(m.view().errors).toEqual([]);
    expect(exchange(m, '#?#')).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#I#')).toEqual(['#0#2.01#']);
  });

  it('door-open: 1130 (coin door by default), money commands refused, queries answered', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'door-open' }, { type: 'door-open', spec: { door: 'note' } }]) });
    expect(exchange(m, '#B#0#0#0#')).toEqual(['#ER:GENERIC#']);
    expect(exchange(m, '#?#')).toEqual(['#0#1130,1131#']);
  });

  it('device-error: a warning code does not block, an error code does', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'device-error', spec: { code: 1315 } }]) });
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#0#100#0#']);
    expect(exchange(m, '#?#')).toEqual(['#0#1315#']);
    const n = machine({ faults: scriptedEngine([{ type: 'device-error', spec: { code: 1110 + 9000 } }]) });
    expect(exchange(n, '#P#100#0#0#0#')).toEqual(['#ER:GENERIC#0#0#']);
  });

  it('stacker-full: notes bound for the stacker are refused until #S#', () => {
    const m = machine({ faults: scriptedEngine([{ type: 'stacker-full' }]) });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [5000] });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ inserted: 0 });
    m.send({ type: 'customer', cancel: true });
    m.runUntilIdle();
    expect(exchange(m, '#GC#')[0]).toContain('STACKER:21');
    m.frame(1, '#S#2#');
    m.send({ type: 'operator', close: true });
    expect(exchange(m, '#?#')).toEqual(['#0##']);
  });
});

describe('faults: partial dispense precision', () => {
  it('comes out exactly `short` less when the stock allows it', () => {
    const engine = scriptedEngine([{ type: 'partial-dispense', spec: { short: 500 } }]);
    const m = machine({ faults: engine });
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    expect(exchange(m, '#P#1010#0#0#0#')).toEqual(['#ER:GENERIC#510#0#']);
  });

  it('#V# with notes to the stacker: the coins paid out come out `short` less, and the event says by how much', () => {
    const engine = scriptedEngine([{ type: 'partial-dispense', spec: { short: 50 } }]);
    const m = machine({ faults: engine });
    const coins = m.state.profile.coins.reduce((total, d) => total + d.value * (m.state.recyclers[String(d.value)] ?? 0), 0);
    exchange(m, '#V#0#1#');
    expect(m.view().ledger.dispensed).toBe(coins - 50);
    expect(m.replies(1).at(-1)).toMatch(/^#ER:GENERIC#/);
    expect(m.outputs.flatMap((o) => (o.type === 'event' && o.text.includes('short by') ? [o.text] : []))).toEqual(['dispense comes out short by 0.50 € (0.50 € asked)']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('during the change of a #C#: #ER:GENERIC#<inserted>#<returned># with returned short', () => {
    const engine = scriptedEngine([{ type: 'partial-dispense', spec: { short: 10 }, when: (o) => o.point === 'progress' && o.phase === 'dispense' }]);
    const m = machine({ faults: engine });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#2000#1000#0#0#');
    expect(checkInvariants(m.state)).toEqual([]);
  });
});

/**
 * Status rules, the Express and no-screen flows, change-making, management commands, the
 * simulated customer and operator — at the model level on virtual time.
 */
import { describe, expect, it } from 'vitest';
import { CertError, InvalidInputError } from '../../src/errors.js';
import { createMachineHarness, initialState, step, viewState, type MachineInput } from '../../src/machine/index.js';
import { loadProfile } from '../../src/server/load-profile.js';
import { CHARGE_990, checkInvariants, EUR, exchange, machine, repliesSince } from './helpers.js';

const charge = (amount: number, acceptButton = 0, partial = 0) => `#C#7#1#${amount}#1#15360#0#${acceptButton}#${partial}#1#0#0#`;

describe('status rules', () => {
  it('#ER:ILLEGAL# before #I#, for everything but #I# #Z# #E# #!#', () => {
    const m = machine({ init: false });
    for (const frame of ['#C#1#1#990#1#15360#0#0#0#1#0#0#', '#T#', '#Y#', '#Q#', '#?#', '#B#0#0#0#', '#GC#']) {
      expect(exchange(m, frame), frame).toEqual(['#ER:ILLEGAL#']);
    }
    expect(exchange(m, '#Z#')).toEqual(['#0#']);
    expect(exchange(m, '#E#')).toEqual(['#0#']);
    expect(exchange(m, '#!#')).toEqual(['#0#']);
  });

  it('#ER:BAD_DATA# comes before #ER:ILLEGAL#', () => {
    const m = machine({ init: false });
    expect(exchange(m, '#C#12.50#')).toEqual(['#ER:BAD_DATA#']);
    expect(exchange(m, '#XYZ#')).toEqual(['#ER:BAD_DATA#']);
  });

  it('global #I# (default): a later connection is initialised too (S-HC sends #I# once, #C# on new connections)', () => {
    const m = machine({ conns: [1, 2] });
    m.send({ type: 'disconnect', conn: 1 });
    m.send({ type: 'connect', conn: 3 });
    expect(exchange(m, '#T#', 3)).toEqual(['#0#40900#10000#']);
  });

  it('per-connection #I# (dialect option): another connection gets #ER:ILLEGAL#', () => {
    const m = machine({ conns: [1, 2], dialect: { initPerConnection: true } });
    expect(exchange(m, '#T#', 1)).toEqual(['#0#40900#10000#']);
    expect(exchange(m, '#T#', 2)).toEqual(['#ER:ILLEGAL#']);
    m.send({ type: 'disconnect', conn: 1 });
    m.send({ type: 'connect', conn: 1 });
    expect(exchange(m, '#T#', 1)).toEqual(['#ER:ILLEGAL#']);
  });

  it('#ER:BUSY# for any command but #!# while a blocking operation runs, from any connection', () => {
    const m = machine({ conns: [1, 2] });
    m.frame(1, CHARGE_990);
    for (const frame of ['#T#', '#I#', '#C#2#1#100#1#0#0#0#0#1#0#0#', '#Z#', '#Q#']) {
      expect(exchange(m, frame, 2), frame).toEqual(['#ER:BUSY#']);
      expect(exchange(m, frame, 1), frame).toEqual(['#ER:BUSY#']);
    }
    const start = m.outputs.length;
    m.frame(2, '#!#');
    m.runUntilIdle();
    // The cancelled charge's reply is the only one (cancelReply idle, the default).
    expect(repliesSince(m, start)).toEqual([[1, '#WR:CANCEL#0#0#0#0#']]);
  });

  it('#ER:BUSY# during a cold #I#', () => {
    const m = machine({ init: false, conns: [1, 2] });
    m.frame(1, '#I#');
    m.advance(5000);
    expect(exchange(m, '#T#', 2)).toEqual(['#ER:BUSY#']);
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    expect(exchange(m, '#T#', 2)).toEqual(['#0#40900#10000#']);
  });

  it('#Q#/#J# with nothing open → #ER:ILLEGAL#, also #Q# after #J# (§13.8)', () => {
    const m = machine();
    expect(exchange(m, '#Q#')).toEqual(['#ER:ILLEGAL#']);
    expect(exchange(m, '#J#')).toEqual(['#ER:ILLEGAL#']);
    exchange(m, '#B#0#0#0#');
    expect(exchange(m, '#J#')).toEqual(['#0#0#']);
    expect(exchange(m, '#Q#')).toEqual(['#ER:ILLEGAL#']);
  });

  it('an open acceptance refuses money commands with #ER:BUSY# but answers queries', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#ER:BUSY#']);
    expect(exchange(m, CHARGE_990)).toEqual(['#ER:BUSY#']);
    expect(exchange(m, '#B#0#0#0#')).toEqual(['#ER:BUSY#']);
    expect(exchange(m, '#T#')).toEqual(['#0#40900#10000#']);
  });

  it('#Z# resets: #I# is needed again; an open acceptance closes and its money stays', () => {
    const m = machine();
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [200] });
    m.runUntilIdle();
    expect(exchange(m, '#Z#')).toEqual(['#0#']);
    expect(exchange(m, '#Q#')).toEqual(['#ER:ILLEGAL#']);
    exchange(m, '#I#');
    expect(exchange(m, '#Q#')).toEqual(['#ER:ILLEGAL#']);
    expect(m.view().ledger.inserted).toBe(200);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('#WR:LEVEL# on queries that report levels once a recycler is near empty', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { recyclers: { '200': 8 } } });
    expect(exchange(m, '#Y#')[0]).toMatch(/^#WR:LEVEL#/);
    expect(exchange(m, '#T#')[0]).toMatch(/^#0#/);
    expect(exchange(m, '#GC#')).toEqual(['#0#1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:12;500:0,1000:0,2000:0,STACKER:0#']);
    m.send({ type: 'set-inventory', inventory: { recyclers: { '200': 0, '1': 390, '2': 320 } } });
    expect(exchange(m, '#GC#')).toEqual(['#0#1:21,2:22,5:0,10:0,20:0,50:0,100:0,200:11;500:0,1000:0,2000:0,STACKER:0#']);
  });
});

describe('Express #C#', () => {
  it('ten-parameter #C# is accepted by default (missing flags 0); the strict dialect refuses it', () => {
    const m = machine();
    m.frame(1, '#C#00000#1#990#15#15#0#0#1#0#0#');
    m.send({ type: 'customer', insert: [1000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1000#10#0#0#');
    const strict = machine({ dialect: { strictParameters: true } });
    expect(exchange(strict, '#C#00000#1#990#15#15#0#0#1#0#0#')).toEqual(['#ER:BAD_DATA#']);
  });

  it('accept button: waits for Accept once the amount is reached; more cash may still go in', () => {
    const m = machine();
    m.frame(1, charge(990, 1));
    m.send({ type: 'customer', insert: [500, 500], accept: false });
    m.runUntilIdle();
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 1000, waitingFor: 'customer', phase: 'confirming' });
    m.send({ type: 'customer', insert: [200], accept: false });
    m.send({ type: 'customer', confirm: true }); // pressed while the coin is still being validated
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1200#210#0#0#');
  });

  it('partial charge: Accept with less than the amount completes with what was inserted, no change', () => {
    const m = machine();
    m.frame(1, charge(990, 0, 1));
    m.send({ type: 'customer', insert: [500] });
    m.runUntilIdle();
    m.send({ type: 'customer', confirm: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#500#0#0#0#');
  });

  it('Accept with too little and no partial charge is ignored', () => {
    const m = machine();
    m.frame(1, charge(990, 1, 0));
    m.send({ type: 'customer', insert: [500] });
    m.send({ type: 'customer', confirm: true });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ command: 'C', inserted: 500 });
    m.send({ type: 'customer', insert: [500] });
    m.send({ type: 'customer', confirm: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#1000#10#0#0#');
  });

  it('customer cancel returns what was inserted: #WR:CANCEL#inserted#returned#0#0#', () => {
    const m = machine();
    m.frame(1, charge(990));
    m.send({ type: 'customer', insert: [500, 200] });
    m.runUntilIdle();
    m.send({ type: 'customer', cancel: true });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:CANCEL#700#700#0#0#');
    expect(m.view().ledger).toMatchObject({ inserted: 700, dispensed: 700 });
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('#!# from the POS cancels too; only the charge answers (cancelReply idle, the default)', () => {
    const m = machine();
    m.frame(1, charge(990));
    m.send({ type: 'customer', insert: [200] });
    m.runUntilIdle();
    const start = m.outputs.length;
    m.frame(1, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[1, '#WR:CANCEL#200#200#0#0#']]);
    expect(exchange(m, '#!#')).toEqual(['#0#']);
  });

  it('cancelReply ack: the charge answers first, then #!# gets #0#', () => {
    const m = machine({ dialect: { cancelReply: 'ack' } });
    m.frame(1, charge(990));
    m.send({ type: 'customer', insert: [200] });
    m.runUntilIdle();
    const start = m.outputs.length;
    m.frame(1, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([
      [1, '#WR:CANCEL#200#200#0#0#'],
      [1, '#0#'],
    ]);
  });

  it('cancelReply none: #!# gets no reply of its own', () => {
    const m = machine({ dialect: { cancelReply: 'none' } });
    m.frame(1, charge(990));
    const start = m.outputs.length;
    m.frame(1, '#!#');
    m.runUntilIdle();
    expect(repliesSince(m, start)).toEqual([[1, '#WR:CANCEL#0#0#0#0#']]);
    expect(exchange(m, '#!#')).toEqual([]);
  });

  it('pieces inserted beyond the amount are handed back, not counted', () => {
    const m = machine();
    m.frame(1, charge(500));
    m.send({ type: 'customer', insert: [500, 2000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#0#500#0#0#0#');
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('notes that are not recycled go to the stacker; the change comes from the recyclers', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [5000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toMatch(/^#(0|WR:LEVEL)#5000#4010#0#0#$/);
    expect(m.view().inventory.stacker['5000']).toBe(3);
    expect(m.view().inventory.recyclers['5000']).toBe(0);
  });

  it('a full stacker refuses notes bound for it; the customer gets them back', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { stacker: { '5000': 500 } } });
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [5000] });
    m.runUntilIdle();
    expect(m.view().operation).toMatchObject({ inserted: 0 });
    expect(m.outputs.some((o) => o.type === 'event' && /stacker is full/.test(o.text))).toBe(true);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('not enough change: pays what it can, #ER:GENERIC# with what really came out, 1110 in #?#', () => {
    const m = machine();
    const coinsOut = Object.fromEntries(['1', '2', '5', '10', '20', '50', '100', '200', '500', '1000'].map((k) => [k, 0]));
    m.send({ type: 'set-inventory', inventory: { recyclers: { ...coinsOut, '2000': 1 } } });
    m.frame(1, charge(990));
    m.send({ type: 'customer', insert: [5000] });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#ER:GENERIC#5000#2000#0#0#');
    expect(exchange(m, '#?#')).toEqual(['#0#1110#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });
});

describe('change-making', () => {
  it('fewest pieces with limited stock where greedy fails (60 c = 3 × 20 c, not 50 c + …)', () => {
    const m = machine();
    const none = Object.fromEntries(['1', '2', '5', '10', '100', '200', '500', '1000', '2000'].map((k) => [k, 0]));
    m.send({ type: 'set-inventory', inventory: { recyclers: { ...none, '20': 3, '50': 1 } } });
    expect(exchange(m, '#P#60#0#0#0#')).toEqual(['#WR:LEVEL#60#0#']);
    expect(m.view().inventory.recyclers['20']).toBe(0);
    expect(m.view().inventory.recyclers['50']).toBe(1);
  });

  it('never dispenses what is not there: #ER:GENERIC#<dispensed># on a partial dispense (§13.11)', () => {
    const m = machine();
    const none = Object.fromEntries(['1', '2', '5', '10', '50', '100', '200', '500', '1000', '2000'].map((k) => [k, 0]));
    m.send({ type: 'set-inventory', inventory: { recyclers: { ...none, '20': 3 } } });
    expect(exchange(m, '#P#50#0#0#0#')).toEqual(['#ER:GENERIC#40#0#']);
    expect(m.view().inventory.recyclers['20']).toBe(1);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('only-coins flag keeps notes in the recyclers', () => {
    const m = machine();
    expect(exchange(m, '#P#1200#0#0#1#')).toEqual(['#0#1200#0#']);
    expect(m.view().inventory.recyclers['1000']).toBe(6);
    expect(m.view().inventory.recyclers['200']).toBe(24);
  });

  it('pywebdriver three-parameter #P#<cents>#0#<onlyCoins>#', () => {
    const m = machine();
    expect(exchange(m, '#P#1000#0#1#')).toEqual(['#0#1000#0#']);
    expect(m.view().inventory.recyclers['1000']).toBe(6);
  });

  it('dispensing blocks for a duration per piece', () => {
    const m = machine();
    m.frame(1, '#P#1010#0#0#0#');
    expect(m.pendingTimers()).toEqual([{ id: 'op', atMs: m.now + 1000 }]);
    m.advance(1000);
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    m.advance(200);
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#1010#0#');
  });
});

describe('management and accounting commands', () => {
  it('#X# #X2# #T2# #Y2# #GC2# #GI# #GV# #W# #INFO#', () => {
    const m = machine();
    expect(exchange(m, '#X#2000#')).toEqual(['#0#8#0#']);
    expect(exchange(m, '#X#5000#')).toEqual(['#0#0#2#']);
    expect(exchange(m, '#X#300#')).toEqual(['#ER:BAD_DATA#']);
    expect(exchange(m, '#X2#5000#')).toEqual(['#0#0#0#2#0#']);
    expect(exchange(m, '#T2#')).toEqual(['#0#40900#0#10000#0#']);
    expect(exchange(m, '#Y2#')[0]).toMatch(/^#0#1:50,.*#1:0,.*#1:0,.*5000:2,.*#1:0,.*#$/);
    expect(exchange(m, '#GC2#')).toEqual([
      '#0#1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:0;500:0,1000:0,2000:0,STACKER:0#1:13,2:14,5:17,10:20,20:23,50:24,100:27,200:25;500:22,1000:13,2000:18,STACKER:0#',
    ]);
    expect(exchange(m, '#GI#')).toEqual(['#0#CL1500EU000123#1:3,2:3,5:3,10:3,20:3,50:3,100:3,200:3;500:3,1000:3,2000:3,5000:1,10000:1,20000:1,50000:1#']);
    expect(JSON.parse(exchange(m, '#GV#SOFTWARE#')[0]?.slice(3, -1) ?? '')).toMatchObject({ protocol: '2.01' });
    expect(exchange(m, '#W#0#')).toEqual(['#0#41250#']);
    expect(exchange(m, '#W#1#')).toEqual(['#0#']);
    expect(exchange(m, '#W#0#')).toEqual(['#0#50000#']);
    expect(JSON.parse(exchange(m, '#INFO#')[0]?.slice(3, -1) ?? '')).toMatchObject({ errors: [] });
  });

  it('#U# dispenses by denomination; notes to the stacker with the flag', () => {
    const m = machine();
    m.send({ type: 'set-inventory', inventory: { recyclers: { '1000': 20 } } });
    // Replies list every denomination, zeros included (dialect dispenseList all, the default).
    const zeros = '1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:0';
    expect(exchange(m, '#U#;2000:3,1000:1#1#0#0#')).toEqual([`#0#${zeros};500:0,1000:1,2000:3,5000:0,10000:0,20000:0,50000:0#`]);
    expect(m.view().inventory.stacker['2000']).toBe(3);
    expect(m.view().ledger.dispensed).toBe(0);
    expect(exchange(m, '#U#50:1;#0#0#0#')).toEqual(['#0#1:0,2:0,5:0,10:0,20:0,50:1,100:0,200:0;500:0,1000:0,2000:0,5000:0,10000:0,20000:0,50000:0#']);
    expect(m.view().ledger.dispensed).toBe(50);
    expect(exchange(m, '#U#;5000:1#0#0#0#')).toEqual([`#WR:LEVEL#${zeros};500:0,1000:0,2000:0,5000:0,10000:0,20000:0,50000:0#`]);
    expect(exchange(m, '#U#500:1;#0#0#0#')).toEqual(['#ER:BAD_DATA#']);
    expect(exchange(m, '#U2#;2000:1#2#0#0#')).toEqual(['#ER:BAD_DATA#']);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('#V# empties the recyclers', () => {
    const m = machine();
    expect(exchange(m, '#V#1##')).toEqual(['#0#40900#']);
    expect(m.view().totals.recyclers).toBe(0);
    expect(m.view().ledger.dispensed).toBe(40900);
    const n = machine();
    expect(exchange(n, '#V2#2#1##1#')).toEqual(['#0#13900#']);
    expect(n.view().totals.recyclers).toBe(27000);
  });

  it('#S# waits for the operator to remove the stacker; #K# sets coins to zero', () => {
    const m = machine();
    m.frame(1, '#S#2#');
    m.runUntilIdle();
    expect(m.replies(1)).toEqual(['#0#2.01#']);
    m.send({ type: 'operator', close: true });
    expect(m.replies(1).at(-1)).toBe('#0#10000#');
    expect(exchange(m, '#K#2#')).toEqual(['#0#40900#27000#']);
    expect(m.view().ledger.removed).toBe(23900);
    expect(checkInvariants(m.state)).toEqual([]);
  });

  it('screen shortcuts block until the operator closes them; #H#a# is BAD_DATA', () => {
    const m = machine();
    for (const code of ['D', 'H', 'R', 'M', 'N', 'O', 'L']) {
      m.frame(1, `#${code}#1#`);
      expect(m.view().operation, code).toMatchObject({ command: code, waitingFor: 'operator' });
      m.send({ type: 'operator', close: true });
      expect(m.replies(1).at(-1), code).toBe('#0#50900#50900#0#0#0#0#');
    }
    expect(exchange(m, '#H#a#')).toEqual(['#ER:BAD_DATA#']);
  });

  it('#?# details: code|type|title|main|additional|video|image', () => {
    const m = machine();
    const [reply] = exchange(m, '#?#1110,1130#1#');
    expect(reply).toMatch(/^#0#1110\|0\|[^#|]+\|[^#|]+\|[^#|]+\|Media\/Videos\/1110\.mp4\|Media\/Images\/1110\.png#1130\|1\|/);
  });
});

describe('customer, operator and control inputs', () => {
  it('auto customer pays the smallest covering combination after its delay', () => {
    const m = machine({ customer: { mode: 'auto', delayMs: 500 } });
    m.frame(1, CHARGE_990);
    expect(m.pendingTimers()).toContainEqual({ id: 'customer', atMs: m.now + 500 });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toMatch(/^#(0|WR:LEVEL)#990#0#0#0#$/);
  });

  it('auto customer with a fixed pay list, also for #B#', () => {
    const m = machine({ customer: { mode: 'auto', pay: [2000] } });
    m.frame(1, CHARGE_990);
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toBe('#WR:LEVEL#2000#1010#0#0#');
    exchange(m, '#B#0#0#0#');
    m.runUntilIdle();
    expect(exchange(m, '#J#')).toEqual(['#WR:LEVEL#2000#']);
  });

  it('switching to auto while a charge waits makes the customer pay', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'set-customer', customer: { mode: 'auto', pay: [1000] } });
    m.runUntilIdle();
    expect(m.replies(1).at(-1)).toMatch(/#1000#10#0#0#$/);
  });

  it('inserting, cancelling or closing with nothing open throws NOTHING_OPEN; the state is unchanged', () => {
    const m = machine();
    const before = m.state;
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const inputs: MachineInput[] = [
      { type: 'customer', insert: [2000] },
      { type: 'customer', cancel: true },
      { type: 'customer', confirm: true },
      { type: 'operator', close: true },
    ];
    for (const input of inputs) {
      const err = thrown(() => m.send(input));
      expect(err).toBeInstanceOf(CertError);
      expect((err as CertError).code).toBe('NOTHING_OPEN');
    }
    expect(m.state).toBe(before);
    m.frame(1, '#P#1010#0#0#0#');
    expect((thrown(() => m.send({ type: 'customer', insert: [200] })) as CertError).code).toBe('NOTHING_OPEN');
  });

  it('unknown denominations and bad inventory are InvalidInputError', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    expect(() => m.send({ type: 'customer', insert: [300] })).toThrow(InvalidInputError);
    expect(() => m.send({ type: 'set-inventory', inventory: { recyclers: { '300': 1 } } })).toThrow(/not a denomination/);
    expect(() => m.send({ type: 'set-inventory', inventory: { recyclers: { '5000': 1 } } })).toThrow(/not recycled/);
    expect(() => m.send({ type: 'set-inventory', inventory: { recyclers: { '200': -1 } } })).toThrow(/non-negative/);
  });

  it('reset returns to the profile state and clears timers', () => {
    const m = machine();
    m.frame(1, CHARGE_990);
    m.send({ type: 'customer', insert: [2000] });
    const result = m.send({ type: 'reset' });
    expect(result.some((o) => o.type === 'event' && o.kind === 'control')).toBe(true);
    expect(m.pendingTimers()).toEqual([]);
    expect(m.view()).toMatchObject({ initialized: false, operation: null, ledger: { inserted: 0, dispensed: 0 } });
    expect(m.view().inventory.recyclers['1000']).toBe(6);
  });

  it('step never mutates the state it is given', () => {
    const s0 = initialState(EUR);
    const snapshot = JSON.stringify(viewState(s0));
    const r1 = step(s0, { type: 'connect', conn: 1 }, 0);
    const r2 = step(r1.state, { type: 'frame', conn: 1, frame: '#I#' }, 0);
    step(r2.state, { type: 'timer', id: 'op' }, 8000);
    expect(JSON.stringify(viewState(s0))).toBe(snapshot);
    expect(r2.state.operation?.kind).toBe('init');
  });

  it('a stale timer is ignored', () => {
    const m = machine();
    const out = m.send({ type: 'timer', id: 'op' });
    expect(out).toEqual([]);
  });
});

describe('profiles are data', () => {
  it('the USD profile: $ amounts, strict dialect, per-connection #I#', () => {
    const usd = loadProfile('usd-pos1500');
    const m = createMachineHarness(usd);
    m.send({ type: 'connect', conn: 1 });
    m.frame(1, '#I#');
    m.runUntilIdle();
    m.frame(1, '#C#1#1#1375#0#0#0#0#0#1#0#0#');
    m.send({ type: 'customer', insert: [2000] });
    m.runUntilIdle();
    expect(m.replies(1)).toEqual(['#0#2.01#', '#0#2000#625#0#0#']);
    expect(m.outputs.some((o) => o.type === 'event' && o.text.includes('$13.75'))).toBe(true);
    expect(exchange(m, '#B#0#')).toEqual(['#ER:BAD_DATA#']);
    m.send({ type: 'connect', conn: 2 });
    expect(exchange(m, '#T#', 2)).toEqual(['#ER:ILLEGAL#']);
  });
});

describe('maintenance counter', () => {
  it('counts accepted notes down; at 0, warning 1315 until #W#2# records the maintenance', () => {
    const m = machine();
    exchange(m, '#W#1#');
    const profile = { ...m.state.profile, maintenance: { notesBetweenService: 2, notesLeft: 2 } };
    m.state = { ...m.state, profile, maintenanceNotesLeft: 2 };
    exchange(m, '#B#0#0#0#');
    m.send({ type: 'customer', insert: [500, 500] });
    m.runUntilIdle();
    expect(exchange(m, '#W#0#')).toEqual(['#0#0#']);
    expect(exchange(m, '#J#')).toEqual(['#0#1000#']);
    expect(exchange(m, '#?#')).toEqual(['#0#1315#']);
    expect(exchange(m, '#P#100#0#0#0#')).toEqual(['#0#100#0#']); // a warning does not block
    expect(exchange(m, '#W#2#')).toEqual(['#0#']);
    expect(exchange(m, '#?#')).toEqual(['#0##']);
    expect(exchange(m, '#W#0#')).toEqual(['#0#2#']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../src/checklist/types.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import {
  evaluateCaptured,
  evaluateMachine,
  evaluateNeverSends,
  evaluateOneCommandAtATime,
  evaluateOutcome,
  evaluateSends,
  evaluateSendsInOrder,
  sentAnyCommand,
  type WireContext,
} from '../../src/runner/expect.js';

const pos = (at: number, data: string, conn = 1): TranscriptEntry => ({ at, conn, dir: 'in', data });
const cx = (at: number, data: string, conn = 1): TranscriptEntry => ({ at, conn, dir: 'out', data });
const closed = (at: number, conn: number): TranscriptEntry => ({ at, conn, dir: 'event', kind: 'connection', data: `connection ${conn} closed` });

const sale: TranscriptEntry[] = [
  pos(10, '#I#'),
  cx(20, '#0#2.01#'),
  pos(100, '#C#7#1#990#1#15360#0#0#0#1#0#0#'),
  { at: 150, conn: 0, dir: 'event', kind: 'customer', data: 'customer inserted 2000' },
  cx(900, '#WR:LEVEL#2000#1010#0#0#'),
];

const ctx = (entries: TranscriptEntry[], over: Partial<WireContext> = {}): WireContext => ({ entries, now: 1000, final: false, captures: {}, ...over });
const start = { index: 0, at: 0 };
type Sends = Extract<Expectation, { type: 'sends' }>;

describe('sends', () => {
  it('passes as soon as a matching frame is seen, and captures', () => {
    const e: Sends = { type: 'sends', pattern: '#C#{op}#*#{amount}#...', withinMs: 5000 };
    const r = evaluateSends(e, start, ctx(sale, { amount: 990 }));
    expect(r.status).toBe('passed');
    expect(r.captures).toEqual({ op: '7' });
    expect(r.actual).toContain('#C#7#1#990#');
  });

  it('is pending while the window is open, failed once it closed, naming what was sent instead', () => {
    const e: Sends = { type: 'sends', pattern: '#E#', withinMs: 5000 };
    expect(evaluateSends(e, start, ctx(sale)).status).toBe('pending');
    const r = evaluateSends(e, start, ctx(sale, { now: 6000 }));
    expect(r.status).toBe('failed');
    expect(r.actual).toContain('#I#, #C#7#1#990#');
    expect(r.why).toBe('the POS never sent #E#');
  });

  it('ignores frames after the window and before the window start', () => {
    const e: Sends = { type: 'sends', pattern: '#I#', withinMs: 50 };
    expect(evaluateSends(e, { index: 1, at: 20 }, ctx(sale, { final: true })).status).toBe('failed');
    expect(evaluateSends({ ...e, pattern: '#C#...' }, start, ctx(sale, { final: true })).status).toBe('failed');
  });

  it('a count with atMost waits for the window to close and fails on too many', () => {
    const twice = [...sale, pos(950, '#C#8#1#990#1#15360#0#0#0#1#0#0#')];
    const e: Sends = { type: 'sends', pattern: '#C#...', withinMs: 5000, count: { atMost: 1 } };
    expect(evaluateSends(e, start, ctx(sale)).status).toBe('pending');
    expect(evaluateSends(e, start, ctx(sale, { now: 5001 })).status).toBe('pending');
    expect(evaluateSends(e, start, ctx(sale, { now: 9000, final: true })).status).toBe('passed');
    const r = evaluateSends(e, start, ctx(twice));
    expect(r.status).toBe('failed');
    expect(r.why).toContain('sent 2 matching frames, at most 1');
    const late = [...sale, pos(7000, '#C#8#1#990#1#15360#0#0#0#1#0#0#')];
    expect(evaluateSends(e, start, ctx(late, { now: 9000, final: true })).status).toBe('failed');
  });

  it('afterReply counts only frames after the first matching reply', () => {
    const e: Sends = { type: 'sends', pattern: '#C#...', afterReply: '#0#2.01#' };
    expect(evaluateSends(e, start, ctx(sale, { final: true })).status).toBe('passed');
    const r = evaluateSends({ ...e, afterReply: '#WR:CANCEL#...' }, start, ctx(sale, { final: true }));
    expect(r.status).toBe('errored');
    expect(r.actual).toContain('never answered #WR:CANCEL#...');
  });
});

describe('neverSends', () => {
  it('until: the machine used again after an error is caught only before the errors are read (#?#)', () => {
    const e = { type: 'neverSends', pattern: { regex: '^#(B|C|P|A|U2?|V2?|G)#' }, afterReply: '#ER:GENERIC#...', until: '#?#...' } as const;
    const jam = [pos(0, '#P#1010#0#0#0#'), cx(10, '#ER:GENERIC#1000#0#')];
    // Read at once, or at the start of the next operation: both correct.
    expect(evaluateNeverSends(e, start, ctx([...jam, pos(20, '#?#'), cx(21, '#0#1101#'), pos(30, '#T#'), pos(40, '#B#0#0#0#')], { final: true })).status).toBe('passed');
    expect(evaluateNeverSends(e, start, ctx([...jam, pos(30, '#T#'), cx(31, '#0#1#2#'), pos(35, '#?#'), pos(40, '#B#0#0#0#')], { final: true })).status).toBe('passed');
    // The machine used again first: a defect.
    const r = evaluateNeverSends(e, start, ctx([...jam, pos(30, '#T#'), pos(40, '#B#0#0#0#'), pos(50, '#?#')], { final: true }));
    expect(r.status).toBe('failed');
    expect(r.why).toContain('#B#0#0#0#');
  });
  it('fails on the first matching frame', () => {
    const r = evaluateNeverSends({ type: 'neverSends', pattern: '#C#...' }, start, ctx(sale));
    expect(r.status).toBe('failed');
    expect(r.why).toContain('#C#7#1#990#');
  });
  it('passes only when the item is over', () => {
    const e = { type: 'neverSends', pattern: '#B#...' } as const;
    expect(evaluateNeverSends(e, start, ctx(sale)).status).toBe('pending');
    expect(evaluateNeverSends(e, start, ctx(sale, { final: true })).status).toBe('passed');
  });
  it('afterReply: a charge resent after WR:CANCEL is caught, one before it is not', () => {
    const cancelled = [pos(0, '#C#1#1#990#'), cx(10, '#WR:CANCEL#0#0#0#0#'), pos(20, '#C#1#1#990#')];
    const e = { type: 'neverSends', pattern: '#C#...', afterReply: '#WR:CANCEL#...' } as const;
    expect(evaluateNeverSends(e, start, ctx(cancelled, { final: true })).status).toBe('failed');
    expect(evaluateNeverSends(e, start, ctx([...cancelled.slice(0, 2), pos(30, '#E#')], { final: true })).status).toBe('passed');
    // No WR:CANCEL at all: the premise of the check never happened.
    expect(evaluateNeverSends(e, start, ctx(cancelled.slice(0, 1), { final: true })).status).toBe('errored');
  });
});

describe('sendsInOrder', () => {
  const nsale = [pos(0, '#B#0#0#0#'), cx(1, '#0#'), pos(2, '#Q#'), cx(3, '#0#2000#'), pos(4, '#J#'), cx(5, '#0#2000#'), pos(6, '#P#1010#0#0#0#'), cx(7, '#0#1010#0#')];
  it('finds the patterns in order with frames between', () => {
    const r = evaluateSendsInOrder({ type: 'sendsInOrder', patterns: ['#B#...', '#J#', '#P#{change}#...'], withinMs: 100 }, start, ctx(nsale));
    expect(r.status).toBe('passed');
    expect(r.captures).toEqual({ change: '1010' });
  });
  it('fails when the order is wrong, saying what came first', () => {
    const r = evaluateSendsInOrder({ type: 'sendsInOrder', patterns: ['#J#', '#B#...'] }, start, ctx(nsale, { final: true }));
    expect(r.status).toBe('failed');
    expect(r.why).toBe('the POS never sent #B#... after #J#');
  });
});

describe('oneCommandAtATime', () => {
  it('passes a strictly serial POS across connections', () => {
    const serial = [pos(0, '#I#', 1), cx(1, '#0#2.01#', 1), pos(2, '#T#', 2), cx(3, '#0#100#', 2)];
    expect(evaluateOneCommandAtATime(ctx(serial, { final: true })).status).toBe('passed');
  });
  it('allows #!# while a command is pending', () => {
    const cancel = [pos(0, '#C#1#1#990#'), pos(1, '#!#'), cx(2, '#0#'), cx(3, '#WR:CANCEL#0#0#0#0#'), pos(4, '#E#'), cx(5, '#0#')];
    expect(evaluateOneCommandAtATime(ctx(cancel, { final: true })).status).toBe('passed');
  });
  it('catches pipelining on the same connection and on another one', () => {
    const same = [pos(0, '#Y#'), pos(1, '#Y#'), cx(2, '#0#;#')];
    expect(evaluateOneCommandAtATime(ctx(same, { final: true })).status).toBe('failed');
    const other = [pos(0, '#C#1#1#990#', 1), pos(1, '#Q#', 2)];
    const r = evaluateOneCommandAtATime(ctx(other, { final: true }));
    expect(r.status).toBe('failed');
    expect(r.why).toBe('the POS sent #Q# before the connector had answered #C#1#1#990#');
  });
  it('a closed connection no longer holds a command open', () => {
    const reconnect = [pos(0, '#C#1#1#990#', 1), closed(1, 1), pos(2, '#I#', 2), cx(3, '#0#2.01#', 2)];
    expect(evaluateOneCommandAtATime(ctx(reconnect, { final: true })).status).toBe('passed');
  });
});

describe('captured, outcome, machine', () => {
  it('compares captures', () => {
    const e = { type: 'captured', values: { op2: { notEquals: '{op1}' } } } as const;
    expect(evaluateCaptured(e, { captures: { op1: '1', op2: '2' } }).status).toBe('passed');
    const r = evaluateCaptured(e, { captures: { op1: '1', op2: '1' } });
    expect(r.status).toBe('failed');
    expect(r.why).toContain('expected anything but "1"');
    expect(evaluateCaptured(e, { captures: { op1: '1' } }).why).toContain('{op2} was never captured');
  });

  it('checks the outcome of an action with {amount} of that action', () => {
    const e = { type: 'outcome', fields: { outcome: 'completed', paid: '{amount}', owed: 0 } } as const;
    const action = { label: 'sale 990', amount: 990, outcome: { outcome: 'completed' as const, paid: 990, owed: 0 } };
    expect(evaluateOutcome(e, action, { captures: {} }).status).toBe('passed');
    const gross = evaluateOutcome(e, { ...action, outcome: { outcome: 'completed', paid: 2000, owed: 0 } }, { captures: {} });
    expect(gross.status).toBe('failed');
    expect(gross.why).toBe('paid: expected 990, got 2000');
    const none = evaluateOutcome(e, { label: 'sale', error: 'exit code 1' }, { captures: {} });
    expect(none.actual).toContain('exit code 1');
    // No outcome to judge: not a failure of the POS's booking; the wire checks decide.
    expect(none.status).toBe('errored');
    expect(evaluateOutcome(e, undefined, { captures: {} }).status).toBe('failed');
  });

  describe('acceptUncertain (docs/runner.md, Drivers)', () => {
    const e = { type: 'outcome', fields: { outcome: 'completed', paid: '{amount}' }, acceptUncertain: true } as const;
    const judge = (outcome: Record<string, unknown>, exp: Extract<Expectation, { type: 'outcome' }> = e) =>
      evaluateOutcome(exp, { label: 'sale 990', amount: 990, outcome: outcome as never }, { captures: {} });

    it('passes a sale booked once from the machine', () => {
      expect(judge({ outcome: 'completed', paid: 990 }).status).toBe('passed');
    });
    it('passes an uncertain outcome that booked nothing and tells the cashier what to check', () => {
      const r = judge({ outcome: 'failed', paid: 0, uncertain: true, message: 'the customer probably paid 9.90 €: check before charging again' });
      expect(r.status).toBe('passed');
      expect(judge({ outcome: 'cancelled', uncertain: true, message: 'check the connector' }).status).toBe('passed');
    });
    it('fails an uncertain outcome that booked money, claims completion or says nothing', () => {
      expect(judge({ outcome: 'failed', paid: 990, uncertain: true, message: 'x' }).why).toContain('booked 990');
      expect(judge({ outcome: 'completed', paid: 0, uncertain: true, message: 'x' }).status).toBe('failed');
      expect(judge({ outcome: 'failed', paid: 0, uncertain: true }).why).toContain('no message');
    });
    it('fails a plain failed or cancelled outcome (no uncertain) and a wrong amount', () => {
      expect(judge({ outcome: 'failed', paid: 0, message: 'communication error' }).status).toBe('failed');
      expect(judge({ outcome: 'cancelled', paid: 0 }).status).toBe('failed');
      expect(judge({ outcome: 'completed', paid: 2000 }).status).toBe('failed');
    });
    it('without acceptUncertain an uncertain outcome is judged like any other', () => {
      const strict = { type: 'outcome', fields: { outcome: 'completed' } } as const;
      expect(judge({ outcome: 'failed', uncertain: true, message: 'check' }, strict).status).toBe('failed');
    });
  });

  it('compares machine deltas since the item start', () => {
    const before = { inventory: { recyclers: { '2000': 1, '10': 5 }, stacker: {} }, ledger: { inserted: 100, dispensed: 0 } };
    const after = { inventory: { recyclers: { '2000': 2, '10': 4 }, stacker: {} }, ledger: { inserted: 2100, dispensed: 1010 } };
    const e = { type: 'machine', inserted: 2000, dispensed: 1010, recyclers: { '2000': 1, '10': -1 } } as const;
    expect(evaluateMachine(e, before, after, { captures: {} }).status).toBe('passed');
    const r = evaluateMachine({ ...e, dispensed: 1000 }, before, after, { captures: {} });
    expect(r.status).toBe('failed');
    expect(r.why).toBe('dispensed: expected 1000, got 1010');
  });

  it('knows whether a command under test was sent', () => {
    expect(sentAnyCommand(sale, ['C'])).toBe(true);
    expect(sentAnyCommand(sale, ['P', 'B'])).toBe(false);
    expect(sentAnyCommand(sale, [])).toBe(true);
  });
});

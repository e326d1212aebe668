/**
 * The engine on a virtual clock: every trigger field, their combinations, windows, delivery
 * merging and replay from a seed. Opportunities are built by hand the way the machine model
 * and the session report them.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { InvalidInputError } from '../../src/errors.js';
import { createFaultBook } from '../../src/faults/book.js';
import type { FaultOpportunity, FiredFault } from '../../src/faults/engine-types.js';
import { createRandom } from '../../src/random.js';

const command = (code: string, conn = 1): FaultOpportunity => ({ point: 'command', conn, command: code, frame: `#${code}#` });
const reply = (code: string, frame: string, conn = 1): FaultOpportunity => ({ point: 'reply', conn, command: code, frame });
const connect = (conn: number): FaultOpportunity => ({ point: 'connect', conn });
const piece = (
  code: string,
  progress: number,
  options: { isNote?: boolean; denomination?: number; phase?: 'accept' | 'dispense'; elapsedMs?: number; conn?: number } = {},
): FaultOpportunity => ({
  point: 'progress',
  conn: options.conn ?? 1,
  command: code,
  phase: options.phase ?? 'accept',
  progress,
  elapsedMs: options.elapsedMs ?? progress * 10_000,
  denomination: options.denomination ?? (options.isNote === false ? 50 : 2000),
  isNote: options.isNote ?? true,
});
const ids = (fired: FiredFault[]) => fired.map((f) => f.id);

describe('createFaultBook: arming', () => {
  it('numbers faults f1, f2… and lists them with remaining and fired counts', () => {
    const book = createFaultBook(1);
    expect(book.arm({ type: 'busy' })).toBe('f1');
    expect(book.arm({ type: 'latency', ms: 800, on: { times: 3 } })).toBe('f2');
    expect(book.list()).toEqual([
      { id: 'f1', spec: { type: 'busy' }, remaining: 1, fired: 0, description: 'answer #ER:BUSY# to the next command' },
      {
        id: 'f2',
        spec: { type: 'latency', ms: 800, jitter: 0, on: { times: 3 } },
        remaining: 3,
        fired: 0,
        description: 'add 800ms of latency to the reply to the next command, up to 3 times',
      },
    ]);
    book.consult(command('Q'), 0);
    book.consult(reply('Q', '#0#0#'), 0);
    expect(book.list().map((s) => [s.id, s.remaining, s.fired])).toEqual([
      ['f1', 0, 1],
      ['f2', 2, 1],
    ]);
  });

  it('refuses an invalid spec with a typed error naming every problem', () => {
    const book = createFaultBook(1);
    let error: unknown;
    try {
      book.arm({ type: 'latensy', on: { nth: 0 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(exitCodeForError(invalid)).toBe(2);
    expect(invalid.message).toBe(
      'invalid fault: type: unknown fault type "latensy" (did you mean "latency"?); on.nth: must be at least 1, got 0',
    );
    expect(invalid.issues.map((i) => i.path)).toEqual(['type', 'on.nth']);
    expect(book.list()).toEqual([]);
  });

  it('disarms by id and says whether it knew the id', () => {
    const book = createFaultBook(1);
    const id = book.arm({ type: 'busy' });
    expect(book.disarm('f9')).toBe(false);
    expect(book.disarm(id)).toBe(true);
    expect(book.consult(command('I'), 0)).toEqual([]);
  });

  it('the list cannot be used to change an armed fault', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'busy', on: { command: 'C' } });
    book.list()[0]!.spec.on!.command = 'Q';
    expect(ids(book.consult(command('C'), 0))).toEqual(['f1']);
  });
});

describe('createFaultBook: triggers', () => {
  it('a fault without a trigger fires on the next command, once', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'busy' });
    const fired = book.consult(command('I'), 0);
    expect(fired).toEqual([
      { id: 'f1', type: 'busy', spec: { type: 'busy' }, sentence: 'answered #ER:BUSY# on the initialisation (#I#)' },
    ]);
    expect(book.consult(command('I'), 0)).toEqual([]);
  });

  it('a transport fault without a trigger fires on the next reply; refuse on the next connection', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'silence' });
    book.arm({ type: 'refuse' });
    expect(ids(book.consult(command('I'), 0))).toEqual([]);
    expect(ids(book.consult(reply('I', '#0#2.01#'), 0))).toEqual(['f1']);
    expect(book.consult(connect(2), 0).map((f) => f.sentence)).toEqual(['refused connection 2']);
    expect(book.consult(connect(3), 0)).toEqual([]);
  });

  it('command: only the named command counts', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'disconnect', on: { command: 'C' } });
    expect(book.consult(command('I'), 0)).toEqual([]);
    expect(book.consult(reply('I', '#0#2.01#'), 0)).toEqual([]);
    book.consult(command('C'), 0);
    const fired = book.consult(reply('C', '#0#2000#1010#0#0#'), 0);
    expect(fired.map((f) => f.sentence)).toEqual(['closed the connection instead of replying to #C#']);
  });

  it('nth: the nth matching command since arming, then the following ones while times remain', () => {
    const book = createFaultBook(1);
    book.consult(command('Q'), 0); // before arming: not counted
    book.arm({ type: 'busy', on: { command: 'Q', nth: 3, times: 2 } });
    const pattern: string[] = [];
    for (const code of ['Q', 'T', 'Q', 'Q', 'T', 'Q', 'Q']) pattern.push(`${code}:${book.consult(command(code), 0).length}`);
    expect(pattern).toEqual(['Q:0', 'T:0', 'Q:0', 'Q:1', 'T:0', 'Q:1', 'Q:0']);
  });

  it('nth without command counts every command; for a reply fault it is the reply to that command', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'split', at: [2], on: { nth: 2 } });
    book.consult(command('I'), 0);
    expect(book.consult(reply('I', '#0#2.01#'), 0)).toEqual([]);
    book.consult(command('T'), 0);
    const fired = book.consult(reply('T', '#0#1000#500#'), 0);
    expect(fired[0]?.delivery).toEqual({ splitAt: [2] });
    expect(fired[0]?.sentence).toBe('split the reply to #T# at byte 2');
  });

  it('nth on connections for refuse', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'refuse', on: { nth: 2 } });
    expect(book.consult(connect(1), 0)).toEqual([]);
    expect(ids(book.consult(connect(2), 0))).toEqual(['f1']);
  });

  it('after a percentage: the first matching piece at or past that progress, once per operation', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'note-jam', on: { command: 'C', after: '40%', times: 2 } });
    book.consult(command('C'), 0);
    expect(book.consult(piece('C', 0, { isNote: true }), 0)).toEqual([]);
    expect(book.consult(piece('C', 0.45, { isNote: false }), 0)).toEqual([]); // a coin: not a note jam
    const fired = book.consult(piece('C', 0.5, { isNote: true, denomination: 2000 }), 0);
    expect(fired.map((f) => f.sentence)).toEqual(['jammed a 20 € note going in at 50 % of the charge (#C#); the operator must clear it']);
    expect(book.consult(piece('C', 0.9, { isNote: true }), 0)).toEqual([]); // same operation
    book.consult(command('C'), 0);
    expect(ids(book.consult(piece('C', 0.4), 0))).toEqual(['f1']); // 40 % exactly counts
    expect(book.list()[0]?.remaining).toBe(0);
  });

  it('after a duration: machine time into the operation', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'coin-jam', for: '3s', on: { after: '1500ms' } });
    book.consult(command('P'), 0);
    expect(book.consult(piece('P', 0.1, { isNote: false, elapsedMs: 1000, phase: 'dispense' }), 0)).toEqual([]);
    const fired = book.consult(piece('P', 0.2, { isNote: false, elapsedMs: 1500, phase: 'dispense', denomination: 10 }), 0);
    expect(fired.map((f) => f.sentence)).toEqual(['jammed a 0.10 € coin coming out at 20 % of the dispense (#P#); it clears by itself after 3s']);
  });

  it('a jam without a trigger waits for the next operation that moves its kind of piece', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'coin-jam', denomination: 200, during: 'dispense' });
    book.consult(command('C'), 0);
    expect(book.consult(piece('C', 0.1, { isNote: false, denomination: 200, phase: 'accept' }), 0)).toEqual([]);
    expect(book.consult(piece('C', 0.6, { isNote: false, denomination: 100, phase: 'dispense' }), 0)).toEqual([]);
    expect(ids(book.consult(piece('C', 0.8, { isNote: false, denomination: 200, phase: 'dispense' }), 0))).toEqual(['f1']);
  });

  it('partial-dispense fires only while cash comes out', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'partial-dispense', short: 50 });
    book.consult(command('C'), 0);
    expect(book.consult(piece('C', 0.5, { phase: 'accept' }), 0)).toEqual([]);
    const fired = book.consult(piece('C', 0, { phase: 'dispense' }), 0);
    expect(fired.map((f) => f.sentence)).toEqual(['made the charge (#C#) come out 0.50 € short (at 0 % of the dispense)']);
  });

  it('a fault that can act on a command or mid-operation does the latter only with "after"', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'restart' });
    book.arm({ type: 'restart', on: { command: 'C', after: '50%' } });
    book.consult(command('B'), 0);
    // f1 fired on #B#; f2 ignores commands and waits for 50 % of a #C#.
    book.consult(command('C'), 0);
    expect(ids(book.consult(piece('C', 0.2), 0))).toEqual([]);
    expect(book.consult(piece('C', 0.5), 0).map((f) => f.sentence)).toEqual(['the connector restarted at 50 % of the charge (#C#)']);
    expect(book.list().map((s) => s.fired)).toEqual([1, 1]);
  });

  it('a fault armed while its command is already running counts that command', () => {
    const book = createFaultBook(1);
    book.consult(command('C'), 0);
    book.arm({ type: 'reset', midReply: 4, on: { command: 'C' } });
    const fired = book.consult(reply('C', '#0#2000#1010#0#0#'), 0);
    expect(fired[0]?.delivery).toEqual({ drop: 'reset', dropAfterBytes: 4 });
    expect(fired[0]?.sentence).toBe('reset the connection (RST) after 4 bytes of the reply to #C#');
  });

  it('times: fires that many times, then stays listed with nothing remaining', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'busy', on: { times: 3 } });
    const counts = Array.from({ length: 5 }, () => book.consult(command('Q'), 0).length);
    expect(counts).toEqual([1, 1, 1, 0, 0]);
    expect(book.list()[0]).toMatchObject({ remaining: 0, fired: 3 });
  });

  it('probability 0 never fires, 1 always does, in between it follows the seed', () => {
    const book = createFaultBook(5);
    book.arm({ type: 'busy', on: { probability: 0, times: 1000 } });
    book.arm({ type: 'busy', on: { probability: 1, times: 1000 } });
    book.arm({ type: 'busy', on: { probability: 0.3, times: 1000 } });
    const counts = [0, 0, 0];
    for (let i = 0; i < 500; i++) for (const f of book.consult(command('Q'), 0)) counts[Number(f.id.slice(1)) - 1]! += 1;
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBe(500);
    expect(counts[2]).toBeGreaterThan(100);
    expect(counts[2]).toBeLessThan(200);
  });

  it('draws only when everything else matches, so unrelated traffic does not change decisions', () => {
    const decisions = (noise: number) => {
      const book = createFaultBook(11);
      book.arm({ type: 'busy', on: { command: 'C', probability: 0.5, times: 100 } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        for (let k = 0; k < noise; k++) book.consult(command('Q'), 0);
        out.push(book.consult(command('C'), 0).length);
      }
      return out;
    };
    expect(decisions(3)).toEqual(decisions(0));
    expect(decisions(0)).toContain(0);
    expect(decisions(0)).toContain(1);
  });

  it('all trigger fields together', () => {
    const book = createFaultBook(3);
    book.arm({ type: 'note-jam', for: '2s', on: { command: 'C', nth: 2, after: '50%', probability: 1, times: 2 } });
    const run = () => {
      book.consult(command('C'), 0);
      return [0.25, 0.5, 0.75].map((p) => book.consult(piece('C', p), 0).length);
    };
    expect(run()).toEqual([0, 0, 0]); // 1st #C#
    expect(run()).toEqual([0, 1, 0]); // 2nd
    expect(run()).toEqual([0, 1, 0]); // 3rd (times: 2)
    expect(run()).toEqual([0, 0, 0]); // used up
  });

  it('two faults can fire at the same opportunity, in arm order, each at most once', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'latency', ms: 100 });
    book.arm({ type: 'split' });
    book.consult(command('Q'), 0);
    expect(ids(book.consult(reply('Q', '#0#500#'), 0))).toEqual(['f1', 'f2']);
  });
});

describe('createFaultBook: windows ("for") are wall-clock', () => {
  it('refuse for 5s refuses every connection for 5 s of wall time, whatever the time scale', () => {
    const book = createFaultBook(1, { timeScale: 0.01 });
    book.arm({ type: 'refuse', for: '5s' });
    // Simulated ms; at time scale 0.01, 5 s of wall time is 500 000 simulated ms.
    const first = book.consult(connect(1), 1000);
    expect(first.map((f) => [f.sentence, f.continuing])).toEqual([['refused connection 1', undefined]]);
    const again = book.consult(connect(2), 400_000);
    expect(again.map((f) => [f.sentence, f.continuing])).toEqual([['refused connection 2 (still active, 1.0s left)', true]]);
    expect(book.consult(connect(3), 501_000)).toEqual([]);
    expect(book.list()[0]).toMatchObject({ remaining: 0, fired: 1 });
  });

  it('busy for 2s answers every command in the window, not only the one that opened it', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'busy', for: '2s', on: { command: 'I' } });
    expect(book.consult(command('Q'), 0)).toEqual([]);
    expect(ids(book.consult(command('I'), 100))).toEqual(['f1']);
    expect(book.consult(command('Q'), 1500).map((f) => f.continuing)).toEqual([true]);
    expect(book.consult(command('Z'), 2100)).toEqual([]);
  });

  it('silence and latency with "for" act on every reply in the window', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'latency', ms: 300, for: '1s' });
    book.consult(command('Q'), 0);
    expect(book.consult(reply('Q', '#0#0#'), 0)[0]?.delivery).toEqual({ delayMs: 300 });
    book.consult(command('Q'), 900);
    expect(book.consult(reply('Q', '#0#0#'), 900)[0]?.sentence).toBe('delayed the reply to #Q# by 300ms (still active, 100ms left)');
    book.consult(command('Q'), 1000);
    expect(book.consult(reply('Q', '#0#0#'), 1000)).toEqual([]);
  });
});

describe('createFaultBook: transport deliveries', () => {
  const fire = (spec: unknown, frame = '#0#2000#1010#0#0#', seed = 1) => {
    const book = createFaultBook(seed);
    book.arm(spec);
    book.consult(command('C'), 0);
    const fired = book.consult(reply('C', frame), 0);
    return { book, fired, delivery: book.deliveryFor(fired, frame, undefined) };
  };

  it('split: middle by default, given offsets, "every" byte', () => {
    expect(fire({ type: 'split' }).delivery).toEqual({ splitAt: [8], faults: ['f1'] });
    expect(fire({ type: 'split', at: [3, 7, 99] }).delivery).toEqual({ splitAt: [3, 7], faults: ['f1'] });
    expect(fire({ type: 'split', at: 'every' }, '#0#5#').delivery?.splitAt).toEqual([1, 2, 3, 4]);
    expect(fire({ type: 'split', at: 'every' }, '#0#5#').fired[0]?.sentence).toBe('split the reply to #C# into single bytes');
    // Offsets all past the end of a short reply: cut in the middle rather than not at all.
    expect(fire({ type: 'split', at: [40] }, '#0#').delivery?.splitAt).toEqual([1]);
  });

  it('latency: fixed, or with seeded jitter that replays', () => {
    expect(fire({ type: 'latency', ms: 800 }).delivery).toEqual({ delayMs: 800, faults: ['f1'] });
    const a = fire({ type: 'latency', ms: 800, jitter: 200 }, '#0#', 7).delivery?.delayMs ?? -1;
    const b = fire({ type: 'latency', ms: 800, jitter: 200 }, '#0#', 7).delivery?.delayMs ?? -1;
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(600);
    expect(a).toBeLessThanOrEqual(1000);
    const spread = new Set(Array.from({ length: 20 }, (_, seed) => fire({ type: 'latency', ms: 800, jitter: 200 }, '#0#', seed).delivery?.delayMs));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('corrupt: replaces bytes deterministically from the seed, or with given text', () => {
    const frame = '#0#2000#1010#0#0#';
    const one = fire({ type: 'corrupt', bytes: 2 }, frame, 3);
    const damaged = one.delivery?.replaceWith ?? '';
    expect(damaged).toHaveLength(frame.length);
    expect([...damaged].filter((ch, i) => ch !== frame[i])).toHaveLength(2);
    expect(fire({ type: 'corrupt', bytes: 2 }, frame, 3).delivery?.replaceWith).toBe(damaged);
    expect(fire({ type: 'corrupt', bytes: 2 }, frame, 4).delivery?.replaceWith).not.toBe(damaged);
    expect(one.fired[0]?.sentence).toBe(`corrupted the reply to #C#: ${frame} became ${damaged}`);
    expect(fire({ type: 'corrupt', with: '#ER:XYZ#' }).delivery).toEqual({ replaceWith: '#ER:XYZ#', faults: ['f1'] });
    expect(fire({ type: 'corrupt', bytes: 50 }, '#0#').delivery?.replaceWith).toMatch(/^[^#][^0][^#]$/);
  });

  it('disconnect and reset: before the reply or mid-reply', () => {
    expect(fire({ type: 'disconnect' }).delivery).toEqual({ drop: 'disconnect', dropAfterBytes: 0, faults: ['f1'] });
    expect(fire({ type: 'disconnect', midReply: 5 }).delivery).toEqual({ drop: 'disconnect', dropAfterBytes: 5, faults: ['f1'] });
    expect(fire({ type: 'reset', midReply: 500 }, '#0#').delivery).toEqual({ drop: 'reset', dropAfterBytes: 3, faults: ['f1'] });
    expect(fire({ type: 'silence' }).delivery).toEqual({ drop: 'silence', faults: ['f1'] });
  });

  it('stale-reply: answers with the previous reply on that connection, and waits until there is one', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'stale-reply' });
    book.consult(command('B', 2), 0);
    expect(book.consult(reply('B', '#0#', 2), 0)).toEqual([]); // no previous reply on conn 2
    book.consult(command('Q', 1), 0);
    expect(book.consult(reply('Q', '#0#0#', 1), 0)).toEqual([]); // nor on conn 1
    book.consult(command('Q', 2), 0);
    const fired = book.consult(reply('Q', '#0#500#', 2), 0);
    expect(fired[0]?.sentence).toBe('answered #Q# with the previous reply #0# instead of #0#500#');
    expect(book.deliveryFor(fired, '#0#500#', '#0#')).toEqual({ replaceWith: '#0#', faults: ['f1'] });
  });

  it('merges several transport faults into one delivery', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'disconnect', midReply: 6 });
    book.arm({ type: 'latency', ms: 200 });
    book.arm({ type: 'split', at: [2, 4] });
    book.arm({ type: 'silence' });
    book.arm({ type: 'latency', ms: 50 });
    book.consult(command('Q'), 0);
    const fired = book.consult(reply('Q', '#0#1500#'), 0);
    expect(book.deliveryFor(fired, '#0#1500#', undefined)).toEqual({
      delayMs: 250,
      splitAt: [2, 4],
      drop: 'disconnect',
      dropAfterBytes: 6,
      faults: ['f3', 'f2', 'f5', 'f4', 'f1'],
    });
  });

  it('has nothing to deliver for domain faults only', () => {
    const book = createFaultBook(1);
    book.arm({ type: 'busy' });
    const fired = book.consult(command('Q'), 0);
    expect(fired).toHaveLength(1);
    expect(book.deliveryFor(fired, '#ER:BUSY#', undefined)).toBeUndefined();
    expect(book.deliveryFor([], '#0#', undefined)).toBeUndefined();
  });

  it('works out a delivery for a fired fault that came without one', () => {
    const book = createFaultBook(1);
    const delivery = book.deliveryFor(
      [{ id: 'x1', type: 'split', spec: { type: 'split', at: [1] }, sentence: 'scripted' }],
      '#0#',
      undefined,
    );
    expect(delivery).toEqual({ splitAt: [1], faults: ['x1'] });
  });
});

describe('createFaultBook: replay', () => {
  /** A long random session: traffic from its own seeded source, faults decided by the book's seed. */
  function session(bookSeed: number, trafficSeed = 2024): string[] {
    const traffic = createRandom(trafficSeed);
    const book = createFaultBook(bookSeed, { timeScale: 0.01 });
    book.arm({ type: 'busy', on: { probability: 0.2, times: 1000 } });
    book.arm({ type: 'note-jam', on: { after: '30%', probability: 0.3, times: 1000 } });
    book.arm({ type: 'coin-jam', on: { probability: 0.1, times: 1000 } });
    book.arm({ type: 'partial-dispense', short: 20, on: { command: 'P', probability: 0.5, times: 1000 } });
    book.arm({ type: 'latency', ms: 100, jitter: 90, on: { probability: 0.25, times: 1000 } });
    book.arm({ type: 'corrupt', on: { command: 'Q', probability: 0.2, times: 1000 } });
    book.arm({ type: 'split', at: 'every', on: { probability: 0.1, times: 1000 } });
    book.arm({ type: 'refuse', for: '1s', on: { probability: 0.05, times: 1000 } });
    const codes = ['I', 'C', 'Q', 'B', 'J', 'P', 'T', 'Y', '?'];
    const log: string[] = [];
    let now = 0;
    let conn = 1;
    for (let i = 0; i < 1500; i++) {
      now += traffic.int(5000);
      if (traffic.next() < 0.05) conn += 1;
      const record = (fired: FiredFault[]) => {
        for (const f of fired) log.push(`${i}:${f.id}:${f.sentence}`);
        return fired;
      };
      record(book.consult(connect(conn), now));
      const code = codes[traffic.int(codes.length)] ?? 'Q';
      record(book.consult(command(code, conn), now));
      if (code === 'C' || code === 'P' || code === 'B') {
        for (let k = 0; k < 5; k++) {
          record(book.consult(piece(code, k / 5, { isNote: traffic.next() < 0.5, phase: code === 'P' ? 'dispense' : 'accept', conn }), now + k * 300));
        }
      }
      const frame = `#0#${traffic.int(10_000)}#`;
      const fired = record(book.consult(reply(code, frame, conn), now));
      const delivery = book.deliveryFor(fired, frame, undefined);
      if (delivery !== undefined) log.push(`${i}:delivery:${JSON.stringify(delivery)}`);
    }
    return log;
  }

  it('the same seed and the same traffic give the same decisions', () => {
    const a = session(77);
    expect(a.length).toBeGreaterThan(500);
    expect(session(77)).toEqual(a);
  });

  it('a different seed gives different decisions', () => {
    expect(session(78)).not.toEqual(session(77));
  });

  it('reset disarms everything and replays from the seed', () => {
    const book = createFaultBook(9);
    const run = () => {
      book.arm({ type: 'busy', on: { probability: 0.5, times: 100 } });
      return Array.from({ length: 30 }, () => book.consult(command('Q'), 0).length);
    };
    const first = run();
    book.reset();
    expect(book.list()).toEqual([]);
    expect(run()).toEqual(first);
    expect(book.list()[0]?.id).toBe('f1');
  });
});

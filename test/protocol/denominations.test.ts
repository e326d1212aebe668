/** Denomination parameters as clients write them (protocol.md §5.10, §5.13, §6.2). */
import { describe, expect, it } from 'vitest';
import { parseDenominations, parseFrame } from '../../src/protocol/codec.js';

describe('parseDenominations', () => {
  it('reads both sides, one side without ";", and plain values when counts are optional', () => {
    expect(parseDenominations('50:1;2000:2', { separator: 'required', counts: 'required' })).toEqual({ ok: true, list: { coins: [[50, 1]], notes: [[2000, 2]], unsided: [] } });
    expect(parseDenominations('200:5', { separator: 'optional', counts: 'required' })).toEqual({ ok: true, list: { coins: [], notes: [], unsided: [[200, 5]] } });
    expect(parseDenominations('50,100;500', { separator: 'optional', counts: 'optional' })).toEqual({ ok: true, list: { coins: [[50, null], [100, null]], notes: [[500, null]], unsided: [] } });
    expect(parseDenominations('50,100,200', { separator: 'optional', counts: 'optional' })).toMatchObject({ ok: true, list: { unsided: [[50, null], [100, null], [200, null]] } });
  });

  it('says what is wrong', () => {
    expect(parseDenominations('200:5', { separator: 'required', counts: 'required' })).toEqual({ ok: false, problem: 'expected exactly one ";" between coins and notes in "200:5"' });
    expect(parseDenominations('50;;', { separator: 'optional', counts: 'optional' })).toMatchObject({ ok: false, problem: expect.stringContaining('at most one ";"') });
    expect(parseDenominations('50', { separator: 'optional', counts: 'required' })).toEqual({ ok: false, problem: 'entry "50" is not value:quantity' });
    expect(parseDenominations('50,STACKER:1', { separator: 'optional', counts: 'optional' })).toEqual({ ok: false, problem: 'entry "STACKER:1" is not a value or value:quantity' });
  });
});

describe('parseFrame: denomination parameters', () => {
  it('#V2# takes the forms S-HIT sends, in every dialect', () => {
    for (const frame of ['#V2#2##50,100,200#1#', '#V2#2##50,100;500#1#', '#V2#2##200:1;500:1#1#', '#V2#2#1##1#']) {
      expect(parseFrame(frame).ok, frame).toBe(true);
      expect(parseFrame(frame, { strict: true }).ok, frame).toBe(true);
    }
    const bad = parseFrame('#V2#2##50,abc#1#');
    expect(bad.ok ? '' : bad.problem).toBe('#V2# parameter 3 (denominations) is not a list of denominations: entry "abc" is not a value or value:quantity in "#V2#2##50,abc#1#"');
  });

  it('#U2# without ";": accepted by default, refused by the strict dialect with the reason', () => {
    expect(parseFrame('#U2#200:5#0#0#0#').ok).toBe(true);
    const strict = parseFrame('#U2#200:5#0#0#0#', { strict: true });
    expect(strict.ok ? '' : strict.problem).toContain('expected exactly one ";" between coins and notes');
  });
});

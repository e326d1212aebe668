import { describe, expect, it } from 'vitest';
import { commandCode, matchFrame, matchValue, type MatchContext } from '../../src/runner/patterns.js';

const none: MatchContext = { captures: {} };

describe('matchFrame', () => {
  it.each([
    ['#I#', '#I#', true],
    ['#I#', '#I#x#', false],
    ['#C#...', '#C#1#1#990#1#15360#0#0#0#1#0#0#', true],
    ['#C#...#', '#C#1#1#990#', true],
    ['#C#...', '#B#0#0#0#', false],
    ['#C#*#*#990#...', '#C#1#1#990#1#15360#0#0#0#1#0#0#', true],
    ['#C#*#*#990#...', '#C#1#1#99000#1#15360#0#0#0#1#0#0#', false],
    ['#C#*#*#990#...', '#C#1#990#', false],
    ['#P#*#0#0#0#', '#P#1010#0#0#0#', true],
    ['#P#*#0#0#0#', '#P#1010#0#0#', false],
    ['#Q#', '#Q#\r', false],
  ])('%s vs %s → %s', (pattern, frame, ok) => {
    expect(matchFrame(pattern, frame, none).ok).toBe(ok);
  });

  it('captures a field and binds it for later patterns', () => {
    const first = matchFrame('#C#{op}#...', '#C#17#1#990#', none);
    expect(first).toEqual({ ok: true, captures: { op: '17' } });
    if (!first.ok) return;
    expect(matchFrame('#C#{op}#...', '#C#17#1#500#', { captures: first.captures }).ok).toBe(true);
    expect(matchFrame('#C#{op}#...', '#C#18#1#500#', { captures: first.captures }).ok).toBe(false);
  });

  it('the same capture twice in one pattern must agree', () => {
    expect(matchFrame('#X#{a}#{a}#', '#X#1#1#', none).ok).toBe(true);
    expect(matchFrame('#X#{a}#{a}#', '#X#1#2#', none).ok).toBe(false);
  });

  it('{amount} is the amount of the last action, never a capture', () => {
    expect(matchFrame('#C#*#*#{amount}#...', '#C#1#1#990#0#', { captures: {}, amount: 990 }).ok).toBe(true);
    expect(matchFrame('#C#*#*#{amount}#...', '#C#1#1#12.50#0#', { captures: {}, amount: 1250 }).ok).toBe(false);
    expect(matchFrame('#C#*#*#{amount}#...', '#C#1#1#990#0#', none).ok).toBe(false);
  });

  it('regex patterns match the whole frame and named groups capture', () => {
    const m = matchFrame({ regex: '^#C#(?<op>\\d+)#' }, '#C#42#1#990#', none);
    expect(m).toEqual({ ok: true, captures: { op: '42' } });
    expect(matchFrame({ regex: '^#C#(?<op>\\d+)#' }, '#C#42#', { captures: { op: '41' } }).ok).toBe(false);
    expect(matchFrame({ regex: '([' }, '#C#', none).ok).toBe(false);
  });

  it('reads command codes', () => {
    expect(commandCode('#C#1#')).toBe('C');
    expect(commandCode('#GC2#')).toBe('GC2');
    expect(commandCode('garbage')).toBeUndefined();
  });
});

describe('matchValue', () => {
  const ctx: MatchContext = { captures: { op1: '17' }, amount: 990 };
  it.each([
    [990, 990, true],
    [990, '990', true],
    ['990', 990, true],
    ['completed', 'completed', true],
    ['completed', 'cancelled', false],
    ['{amount}', 990, true],
    ['{amount}', 2000, false],
    [{ notEquals: '{op1}' }, '18', true],
    [{ notEquals: '{op1}' }, '17', false],
    [{ atLeast: 1, atMost: 10 }, 10, true],
    [{ atLeast: 1 }, 0, false],
    [{ atLeast: 1 }, 'x', false],
    [{ matches: '^owed' }, 'owed 10', true],
    [{ oneOf: ['completed', 'cancelled'] }, 'cancelled', true],
    [{ oneOf: ['completed'] }, 'failed', false],
    [{ exists: false }, undefined, true],
    [{ notEquals: 5 }, undefined, false],
    [{ exists: true }, undefined, false],
    [0, undefined, false],
    [true, true, true],
  ] as const)('%j vs %j → %s', (matcher, actual, ok) => {
    expect(matchValue(matcher as never, actual, ctx).ok).toBe(ok);
  });

  it('explains a missing capture', () => {
    const r = matchValue({ notEquals: '{op9}' }, '1', ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toContain('{op9} was never captured');
  });
});

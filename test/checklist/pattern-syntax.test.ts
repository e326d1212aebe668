import { describe, expect, it } from 'vitest';
import { capturesOf, commandOf, parseFramePattern, referencesIn, usesAmount } from '../../src/checklist/pattern-syntax.js';

describe('frame pattern syntax', () => {
  it('splits fields and recognises *, ..., captures and literals', () => {
    expect(parseFramePattern('#C#{op}#*#{amount}#...')).toEqual({
      ok: true,
      fields: [
        { type: 'literal', text: 'C' },
        { type: 'capture', name: 'op' },
        { type: 'any' },
        { type: 'capture', name: 'amount' },
        { type: 'rest' },
      ],
    });
    expect(parseFramePattern('#I#')).toEqual({ ok: true, fields: [{ type: 'literal', text: 'I' }] });
    expect(parseFramePattern('#V#1##')).toEqual({ ok: true, fields: [{ type: 'literal', text: 'V' }, { type: 'literal', text: '1' }, { type: 'literal', text: '' }] });
    expect(parseFramePattern('#C#...#')).toEqual(parseFramePattern('#C#...'));
  });

  it.each([
    ['C#...', /must start with "#"/],
    ['#C', /must start with "#"/],
    ['#...#', /needs a command code/],
    ['#C#...#*#', /"\.\.\." must be the last field/],
    ['#C#{op#', /bad capture/],
    ['#C#{1op}#', /bad capture/],
  ])('rejects %s', (text, message) => {
    const parsed = parseFramePattern(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });

  it('answers the questions the loader asks', () => {
    expect(capturesOf('#C#{op}#*#{amount}#...')).toEqual(['op']);
    expect(usesAmount('#C#*#*#{amount}#...')).toBe(true);
    expect(usesAmount({ regex: '{amount}' })).toBe(false);
    expect(commandOf('#?#...')).toBe('?');
    expect(commandOf({ regex: '^#G#([01]#){13}$' })).toBe('G');
    expect(commandOf({ regex: '^#\\?#' })).toBe('?');
    expect(commandOf('#*#...')).toBeUndefined();
    expect(referencesIn('{op1} and {amount}')).toEqual(['op1', 'amount']);
  });
});

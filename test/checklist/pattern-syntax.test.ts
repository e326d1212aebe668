import { describe, expect, it } from 'vitest';
import { capturesOf, commandOf, compileFramePattern, frameMatcher, parseFramePattern, referencesIn, usesAmount } from '../../src/checklist/pattern-syntax.js';

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

describe('compiled frame patterns (one parser for the loader and the runner)', () => {
  it('a compiled pattern matches as the runner matches', () => {
    const compiled = compileFramePattern('#C#{op}#*#{amount}#...');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.pattern.match('#C#17#1#990#0#', { captures: {}, amount: 990 })).toEqual({ ok: true, captures: { op: '17' } });
    expect(compiled.pattern.match('#C#17#1#990#0#', { captures: { op: '16' }, amount: 990 }).ok).toBe(false);
    expect(compiled.pattern.match('C#17#1#990#', { captures: {}, amount: 990 }).ok).toBe(false);
    const exact = compileFramePattern('#V#1##');
    expect(exact.ok && exact.pattern.match('#V#1##', { captures: {} }).ok).toBe(true);
    expect(exact.ok && exact.pattern.match('#V#1#0#', { captures: {} }).ok).toBe(false);
    expect(exact.ok && exact.pattern.match('#V#1###', { captures: {} }).ok).toBe(false);
  });

  it('rejects what the loader rejects, with the same message', () => {
    const bad = compileFramePattern('#C#{op#');
    expect(bad).toEqual(parseFramePattern('#C#{op#'));
    expect(compileFramePattern({ regex: '([' }).ok).toBe(false);
  });

  it('frameMatcher compiles each pattern once; a malformed frame pattern is a CertError naming it', () => {
    expect(frameMatcher('#I#')).toBe(frameMatcher('#I#'));
    expect(frameMatcher({ regex: '^#C#' })).toBe(frameMatcher({ regex: '^#C#' }));
    expect(() => frameMatcher('C#...')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('"C#..."') }));
    expect(frameMatcher({ regex: '([' }).match('#C#', { captures: {} }).ok).toBe(false);
  });
});

/**
 * parseFrame reads a frame's parameters without splitting a copy of it: what it reads must be
 * what `frame.slice(1, -1).split('#')` gives (empty parameters included), for every command and
 * every parameter count; and encodeReply builds `#status#field#…#` in one pass, refusing what
 * the protocol cannot carry.
 */
import { describe, expect, it } from 'vitest';
import { encodeReply, parseFrame } from '../../src/protocol/codec.js';
import { COMMAND_CODES } from '../../src/protocol/commands.js';

const VALUES = ['', '0', '1', '2', '12', '990', 'SHOW', 'a b', '1:0;500:1', '1001,1002', 'ALL', 'x'];

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('parseFrame parameters', () => {
  it('are the fields between the #, empty ones included, for every command and parameter count', () => {
    const next = generator(42);
    let checked = 0;
    for (const code of COMMAND_CODES) {
      for (let count = 0; count <= 12; count++) {
        for (let round = 0; round < 6; round++) {
          const params = Array.from({ length: count }, () => VALUES[Math.floor(next() * VALUES.length)] as string);
          const frame = `#${code}#${params.map((p) => `${p}#`).join('')}`;
          const expected = frame.slice(1, -1).split('#').slice(1);
          expect(expected).toEqual(params);
          const result = parseFrame(frame);
          if (result.ok) {
            expect(result.command.code).toBe(code);
            expect(result.command.given).toBe(count);
            // #P# and #C# rewrite older layouts; every other command keeps its fields in place.
            if (code !== 'P' && code !== 'C') expect(result.command.params.slice(0, count)).toEqual(params);
            checked++;
          } else {
            expect(result.code).toBe(code);
            const got = /, got (\d+) in /.exec(result.problem)?.[1];
            if (got !== undefined) expect(Number(got)).toBe(count);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('reads the edge cases as before: no code, trailing empty parameters', () => {
    expect(parseFrame('###')).toEqual({ ok: false, problem: 'empty command code in "###"' });
    const t = parseFrame('#T##');
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.problem).toMatch(/got 1 in "#T##"/);
    const v = parseFrame('#Z#');
    expect(v.ok && v.command.given).toBe(0);
  });
});

describe('encodeReply', () => {
  it('writes the status and the fields between #, numbers as text', () => {
    expect(encodeReply('0')).toBe('#0#');
    expect(encodeReply('0', [123450, 0])).toBe('#0#123450#0#');
    expect(encodeReply('WR:LEVEL', [2000, '1:0;5:1', '', -0])).toBe('#WR:LEVEL#2000#1:0;5:1##0#');
  });

  it('refuses a field with # or a number that is not finite, naming it', () => {
    expect(() => encodeReply('0', [1, 'a#b'])).toThrow(/cannot contain "#": "a#b"/);
    expect(() => encodeReply('0#', [])).toThrow(/cannot contain "#"/);
    expect(() => encodeReply('0', [Number.NaN])).toThrow(/finite number, got NaN/);
    expect(() => encodeReply('0', [1, Number.POSITIVE_INFINITY])).toThrow(/finite number, got Infinity/);
  });
});

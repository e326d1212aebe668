import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFramer, type FramerItem } from '../../src/protocol/framer.js';

/** Push the whole stream at once, then flush (the session's idle gap). */
function frameAll(stream: string, maxFrameBytes?: number): FramerItem[] {
  const framer = createFramer(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  return [...framer.push(Buffer.from(stream, 'latin1')), ...framer.flush()];
}

/** Push the stream cut at the given offsets, no flush in between, then flush. */
function frameInPieces(stream: string, cuts: number[], maxFrameBytes?: number): FramerItem[] {
  const framer = createFramer(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  const out: FramerItem[] = [];
  let last = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...framer.push(Buffer.from(stream.slice(last, cut), 'latin1')));
    last = cut;
  }
  out.push(...framer.push(Buffer.from(stream.slice(last), 'latin1')));
  return [...out, ...framer.flush()];
}

const frames = (...list: string[]): FramerItem[] => list.map((frame) => ({ type: 'frame', frame }));

// Hand-typed wire examples (protocol.md §2, §7, §13) → the frames a session must see.
const CASES: Array<[string, string, FramerItem[]]> = [
  ['bare #I#', '#I#', frames('#I#')],
  ['#I# with CRLF (S-VAL, S-SCO)', '#I#\r\n', frames('#I#')],
  ['trailing space as in LogCom', '#C#1#1#990#1#15360#0#0#0#1#0#0# ', frames('#C#1#1#990#1#15360#0#0#0#1#0#0#')],
  ['two bare frames in one segment', '#Q##Q#', frames('#Q#', '#Q#')],
  ['three different frames', '#Y##Y##T#', frames('#Y#', '#Y#', '#T#')],
  ['S-VB pipelines #A#2# then #B#0#0#0#', '#A#2##B#0#0#0#', frames('#A#2#', '#B#0#0#0#')],
  ['CRLF between frames', '#I#\r\n#T#\r\n', frames('#I#', '#T#')],
  ['LF only', '#I#\n#T#\n', frames('#I#', '#T#')],
  ['extra parameter stays in the frame', '#T#1#', frames('#T#1#')],
  ['extra parameter then another frame', '#T#1##Q#', frames('#T#1#', '#Q#')],
  ['empty parameters (pywebdriver #V#1##)', '#V#1##', frames('#V#1##')],
  ['empty parameters then CRLF', '#V#1##\r\n', frames('#V#1##')],
  ['empty parameters then a frame', '#V#1###Q#', frames('#V#1##', '#Q#')],
  ['ten-parameter #C# (pywebdriver)', '#C#00000#1#990#15#15#1#1#1#0#0#', frames('#C#00000#1#990#15#15#1#1#1#0#0#')],
  ['ten-parameter #C# then #Q#', '#C#00000#1#990#15#15#1#1#1#0#0##Q#', frames('#C#00000#1#990#15#15#1#1#1#0#0#', '#Q#')],
  ['#B#0# (pywebdriver) then #Q#', '#B#0##Q#', frames('#B#0#', '#Q#')],
  ['cancel pipelined behind a charge', '#C#1#1#990#1#15360#0#0#0#1#0#0##!#', frames('#C#1#1#990#1#15360#0#0#0#1#0#0#', '#!#')],
  ['euros instead of cents is still one frame', '#C#12.50#', frames('#C#12.50#')],
  ['literal "a" as a parameter', '#H#a#', frames('#H#a#')],
  ['unknown command', '#XYZ#1#', frames('#XYZ#1#')],
  ['unknown command then a known one', '#XYZ##I#', frames('#XYZ#', '#I#')],
  ['Latin-1 text parameter', '#C#caf\xe9#1#990#1#0#0#0#0#1#0#0#', frames('#C#caf\xe9#1#990#1#0#0#0#0#1#0#0#')],
  ['spaces inside a parameter', '#C#OP 1#TPV 2#990#1#0#0#0#0#1#0#0#', frames('#C#OP 1#TPV 2#990#1#0#0#0#0#1#0#0#')],
  ['extended command codes', '#GC2##INFO##?#', frames('#GC2#', '#INFO#', '#?#')],
  ['#?# with codes', '#?#1110,1130#1#', frames('#?#1110,1130#1#')],
  [
    'garbage before a frame',
    'hello#I#',
    [{ type: 'error', reason: 'garbage', raw: 'hello' }, ...frames('#I#')],
  ],
  ['garbage line', 'GET / HTTP/1.1\r\n', [
    { type: 'error', reason: 'garbage', raw: 'GET' },
    { type: 'error', reason: 'garbage', raw: '/' },
    { type: 'error', reason: 'garbage', raw: 'HTTP/1.1' },
  ]],
  ['unterminated frame at silence', '#C#1#1#990', [{ type: 'error', reason: 'garbage', raw: '#C#1#1#990' }]],
  ['a lone # before a frame', '##I#', [{ type: 'error', reason: 'garbage', raw: '#' }, ...frames('#I#')]],
  ['only whitespace', '\r\n \r\n', []],
];

describe('framer: hand-typed wire examples', () => {
  it.each(CASES)('%s', (_name, stream, expected) => {
    expect(frameAll(stream)).toEqual(expected);
  });

  it.each(CASES)('%s — same frames when split at every byte offset', (_name, stream, expected) => {
    for (let cut = 0; cut <= stream.length; cut++) {
      if (cutsAfterLongestForm(stream, cut)) continue;
      expect(frameInPieces(stream, [cut]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it.each(CASES.filter(([, stream]) => !stream.startsWith('#T#1#')))(
    '%s — same frames when pushed one byte at a time',
    (_name, stream, expected) => {
      const cuts = Array.from({ length: stream.length }, (_, i) => i + 1);
      expect(frameInPieces(stream, cuts)).toEqual(expected);
    },
  );

  it('the one cut that changes the frames: an over-long frame cut right after its longest valid form', () => {
    // #T# takes no parameter: once "#T#" has arrived it is answered; the late "1#" is garbage.
    const items = frameInPieces('#T#1#', [3]);
    expect(items[0]).toEqual({ type: 'frame', frame: '#T#' });
    expect(items.slice(1).every((i) => i.type === 'error')).toBe(true);
  });
});

describe('framer: when frames come out', () => {
  it('answers a frame at its longest form at once, holds a shorter valid form until the idle flush', () => {
    const framer = createFramer();
    expect(framer.push(Buffer.from('#T#'))).toEqual(frames('#T#'));
    expect(framer.push(Buffer.from('#B#0#'))).toEqual([]); // may still grow into #B#0#0#0#
    expect(framer.pending()).toBe(5);
    expect(framer.flush()).toEqual(frames('#B#0#'));
    expect(framer.push(Buffer.from('#B#0#'))).toEqual([]);
    expect(framer.push(Buffer.from('0#0#'))).toEqual(frames('#B#0#0#0#'));
    expect(framer.pending()).toBe(0);
  });

  it('keeps extra parameters that arrive with the frame, so the codec refuses it whole', () => {
    const framer = createFramer();
    expect(framer.push(Buffer.from('#T#1'))).toEqual([]);
    expect(framer.push(Buffer.from('#'))).toEqual(frames('#T#1#'));
    expect(framer.flush()).toEqual([]);
  });

  it('emits a frame as soon as CR/LF or the next frame arrives, without flush', () => {
    const framer = createFramer();
    expect(framer.push(Buffer.from('#I#\r'))).toEqual(frames('#I#'));
    expect(framer.push(Buffer.from('\n#Q##'))).toEqual(frames('#Q#'));
    expect(framer.push(Buffer.from('J#'))).toEqual(frames('#J#'));
    expect(framer.push(Buffer.from('#V#1##'))).toEqual([]); // "##" may be an empty parameter or a new frame
    expect(framer.push(Buffer.from('Q#'))).toEqual(frames('#V#1#', '#Q#'));
    expect(framer.flush()).toEqual([]);
  });

  it('a frame cut in the middle of a parameter waits for the rest', () => {
    const framer = createFramer();
    expect(framer.push(Buffer.from('#P#10'))).toEqual([]);
    expect(framer.push(Buffer.from('10#0#0#0#\r\n'))).toEqual(frames('#P#1010#0#0#0#'));
  });

  it('settle(): an arrival that ends on an accepted form ends the frame; anything else stays pending', () => {
    const framer = createFramer();
    // Shorter forms a command accepts, strictly (#?#) or leniently (#B#0#).
    expect(framer.push(Buffer.from('#?#'))).toEqual([]);
    expect(framer.settle()).toEqual(frames('#?#'));
    expect(framer.pending()).toBe(0);
    expect(framer.push(Buffer.from('#B#0#'))).toEqual([]);
    expect(framer.settle()).toEqual(frames('#B#0#'));
    // pywebdriver's #V#1## with its empty last parameter is whole too.
    expect(framer.push(Buffer.from('#V#1##'))).toEqual([]);
    expect(framer.settle()).toEqual(frames('#V#1##'));
    // Cut inside a parameter, at a count no command accepts, an unknown code: left for more
    // bytes or the quiet flush, untouched.
    for (const partial of ['#P#10', '#C#1#1#990#', '#XYZ#1#']) {
      const f = createFramer();
      expect(f.push(Buffer.from(partial))).toEqual([]);
      expect(f.settle(), partial).toEqual([]);
      expect(f.pending(), partial).toBe(partial.length);
    }
    const f = createFramer();
    f.push(Buffer.from('#C#1#1#990#'));
    f.settle();
    expect(f.push(Buffer.from('0#0#0#0#0#1#0#0#'))).toEqual(frames('#C#1#1#990#0#0#0#0#0#1#0#0#'));
    // Nothing pending, nothing to do.
    expect(f.settle()).toEqual([]);
  });

  it('decodes Latin-1: one byte is one character', () => {
    const framer = createFramer();
    framer.push(Buffer.from([0x23, 0x43, 0x23, 0xe9, 0x23])); // "#C#é#"
    expect(framer.flush()).toEqual(frames('#C#\u00e9#'));
  });
});

describe('framer: maximum frame length', () => {
  const long = `#C#${'9'.repeat(5000)}#1#990#1#0#0#0#0#1#0#0#`;

  it('a frame over maxFrameBytes is a too-long error, then everything is discarded', () => {
    const items = frameAll(`#I#\r\n${long}#Q#`);
    expect(items[0]).toEqual({ type: 'frame', frame: '#I#' });
    expect(items[1]).toMatchObject({ type: 'error', reason: 'too-long' });
    expect(items).toHaveLength(2);
  });

  it('memory stays bounded when the frame never ends', () => {
    const framer = createFramer({ maxFrameBytes: 64 });
    const out: FramerItem[] = [];
    for (let i = 0; i < 1000; i++) {
      out.push(...framer.push(Buffer.from('#C#' + 'x'.repeat(50))));
      expect(framer.pending()).toBeLessThanOrEqual(64 + 8);
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'error', reason: 'too-long' });
    expect(framer.push(Buffer.from('#I#'))).toEqual([]);
  });

  it('garbage longer than the limit is too-long as well', () => {
    const items = frameAll('x'.repeat(100), 32);
    expect(items).toEqual([{ type: 'error', reason: 'too-long', raw: 'x'.repeat(80) }]);
  });

  it('a frame of exactly maxFrameBytes is accepted, one byte more is not', () => {
    const exact = `#C#${'1'.repeat(28)}#`; // 32 bytes
    expect(exact).toHaveLength(32);
    expect(frameAll(exact, 32)).toEqual(frames(exact));
    expect(frameAll(`#C#${'1'.repeat(29)}#`, 32)[0]).toMatchObject({ type: 'error', reason: 'too-long' });
    // Lookahead bytes of the next frame do not count against the current one.
    for (let cut = 0; cut <= 40; cut++) expect(frameInPieces(`${exact}#Q#`, [cut], 32)).toEqual(frames(exact, '#Q#'));
  });

  it('the too-long decision does not depend on how the bytes were cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: long.length }), { maxLength: 8 }), (cuts) => {
        const items = frameInPieces(`#T#${long}`, cuts, 4096);
        expect(items.map((i) => (i.type === 'error' ? i.reason : i.frame))).toEqual(['#T#', 'too-long']);
      }),
      { numRuns: 50 },
    );
  });
});

describe('framer: seeded fuzz', () => {
  const alphabet = ['#', '#', '#', 'C', 'Q', 'I', 'T', 'GC', 'V', '!', '0', '1', '9', '.', ' ', '\r', '\n', 'a', '\xe9', '#Q#', '#I#'];
  const streamArb = fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((parts) => parts.join(''));

  it('never throws, and splitting never changes the frames', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 6 }), (stream, rawCuts) => {
        const whole = frameAll(stream);
        const cuts = rawCuts.map((c) => c % (stream.length + 1)).filter((c) => !cutsAfterLongestForm(stream, c));
        expect(frameInPieces(stream, cuts)).toEqual(whole);
      }),
      { seed: 20261129, numRuns: 2000 },
    );
  });

  it('every byte that is not whitespace ends up in exactly one item, in order', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const items = frameAll(stream);
        const text = items.map((i) => (i.type === 'frame' ? i.frame : i.raw)).join('');
        expect(text).toBe(stream.replace(/[\r\n \t]/g, (m, offset: number) => (insideParameter(stream, offset) ? m : '')));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});

/** Spaces inside a parameter belong to the frame; this mirrors the framer's rule for the byte-accounting check. */
function insideParameter(stream: string, offset: number): boolean {
  const items = frameAll(stream);
  let pos = 0;
  for (const item of items) {
    const text = item.type === 'frame' ? item.frame : item.raw;
    const at = stream.indexOf(text, pos);
    if (at <= offset && offset < at + text.length) return true;
    pos = at + text.length;
  }
  return false;
}

/**
 * True where a cut may land right after a complete longest-form frame that goes on with more
 * parameter bytes (the documented exception to split-invariance). Over-approximates: any cut
 * just after a '#' that is followed by a parameter byte.
 */
function cutsAfterLongestForm(stream: string, cut: number): boolean {
  const next = stream[cut];
  return stream[cut - 1] === '#' && next !== undefined && next !== '#' && !/\s/.test(next);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_CODES, COMMANDS } from '../../src/protocol/commands.js';
import { decodeReply, encodeCommand, encodeReply, formatVpd, parseFrame, parseVpd } from '../../src/protocol/codec.js';

// Frames real clients send (protocol.md §5, §7, §13) → code and the full parameter list.
const ACCEPTED: Array<[string, string, string[]]> = [
  ['#I#', 'I', []],
  ['#E#', 'E', []],
  ['#C#1#1#990#1#15360#0#0#0#1#0#0#', 'C', ['1', '1', '990', '1', '15360', '0', '0', '0', '1', '0', '0']],
  ['#C#OP001#POS_MAIN#1250#0#0#0#1#1#0#0#0#', 'C', ['OP001', 'POS_MAIN', '1250', '0', '0', '0', '1', '1', '0', '0', '0']],
  // pywebdriver's ten-parameter layout is the eleven-parameter one without the second-screen flag.
  ['#C#00000#1#990#15#15#1#1#1#0#0#', 'C', ['00000', '1', '990', '0', '15', '15', '1', '1', '1', '0', '0']],
  // S-SCO's ten values only make sense with the last flag missing: that reading is the fallback.
  ['#C#1#1#990#1#17000#1500#0#1#0#0#', 'C', ['1', '1', '990', '1', '17000', '1500', '0', '1', '0', '0', '0']],
  ['#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', 'G', ['1', '1', '1', '1', '1', '1', '1', '1', '1', '0', '1', '1', '1', '0', '0']],
  ['#G#1#1#1#1#1#1#1#1#1#1#1#1#1#0#0#', 'G', ['1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '0', '0']],
  ['#B#0#0#0#', 'B', ['0', '0', '0']],
  ['#B#0#', 'B', ['0', '0', '0']],
  ['#Q#', 'Q', []],
  ['#J#', 'J', []],
  ['#P#1010#0#0#0#', 'P', ['1010', '0', '0', '0']],
  ['#P#1010#0#0#1#', 'P', ['1010', '0', '0', '1']],
  // pywebdriver's three-parameter #P#<cents>#0#<onlyCoins>#: the third value is "only coins".
  ['#P#1010#0#1#', 'P', ['1010', '0', '0', '1']],
  ['#!#', '!', []],
  ['#A#2#', 'A', ['2']],
  ['#U#;2000:3,1000:1#1#0#0#', 'U', [';2000:3,1000:1', '1', '0', '0']],
  ['#U#50:1;#0#0#0#', 'U', ['50:1;', '0', '0', '0']],
  ['#U2#50:2;500:1#1#0#0#', 'U2', ['50:2;500:1', '1', '0', '0']],
  ['#S#2#', 'S', ['2']],
  ['#F#1#', 'F', ['1']],
  ['#V#1##', 'V', ['1', '', '0']],
  ['#V#2#1#1#', 'V', ['2', '1', '1']],
  ['#V2#2###1#', 'V2', ['2', '', '', '1']],
  ['#T#', 'T', []],
  ['#T2#', 'T2', []],
  ['#Y#', 'Y', []],
  ['#Y2#', 'Y2', []],
  ['#X#200#', 'X', ['200']],
  ['#X2#2000#', 'X2', ['2000']],
  ['#GC#', 'GC', []],
  ['#GC2#', 'GC2', []],
  ['#GI#', 'GI', []],
  ['#GV#', 'GV', ['0']],
  ['#GV#ALL#', 'GV', ['ALL']],
  ['#W#0#', 'W', ['0']],
  ['#K#2#', 'K', ['2']],
  ['#RI#0#0#2#', 'RI', ['0', '0', '2']],
  ['#INFO#', 'INFO', []],
  ['#?#', '?', ['0', '0']],
  ['#?#SHOW#', '?', ['SHOW', '0']],
  ['#?#1110,1130#1#', '?', ['1110,1130', '1']],
  ['#Z#', 'Z', []],
  ['#D#1#', 'D', ['1']],
  ['#H#0#', 'H', ['0']],
  ['#R#1#', 'R', ['1']],
  ['#M#1#', 'M', ['1']],
  ['#N#1#', 'N', ['1']],
  ['#O#1#', 'O', ['1']],
  ['#L#1#', 'L', ['1']],
];

// Frames the connector answers with #ER:BAD_DATA#, and the part of the problem text that names the culprit.
const REFUSED: Array<[string, string]> = [
  ['#C#12.50#', '#C# takes 11 parameters (10 accepted), got 1'],
  ['#C#1#1#12.50#1#15360#0#0#0#1#0#0#', 'parameter 3 (amount) must be integer cents (digits only), got "12.50"'],
  ['#C#1#1#-990#1#15360#0#0#0#1#0#0#', 'parameter 3 (amount) must be integer cents (digits only), got "-990"'],
  ['#C#1#1##1#15360#0#0#0#1#0#0#', 'parameter 3 (amount) is empty'],
  ['#C#1#1#990#2#15360#0#0#0#1#0#0#', 'parameter 4 (secondScreen) must be 0 or 1, got "2"'],
  ['#C#1#1#990#1#15360#0#0#0#1#0#0#0#', '#C# takes 11 parameters (10 accepted), got 12'],
  ['#H#a#', '#H# parameter 1 (onTop) must be 0 or 1, got "a"'],
  ['#T#1#', '#T# takes no parameters, got 1'],
  ['#I#1#', '#I# takes no parameters, got 1'],
  ['#P#10,10#0#0#0#', 'parameter 1 (amount) must be integer cents'],
  ['#P#1010#', '#P# takes 4 parameters (3 accepted), got 1'],
  ['#A#5#', 'parameter 1 (screenMode) must be one of 0, 1, 2, got "5"'],
  ['#U#50:1;;#0#0#0#', 'is not a coins;notes list'],
  ['#U#50:x;#0#0#0#', 'entry "50:x" is not value:quantity'],
  ['#GV#EVERYTHING#', 'must be one of GENERAL, SOFTWARE, HARDWARE, ALL'],
  ['#?#1110#', '#?# with one parameter must be #?#SHOW#'],
  ['#XYZ#', 'unknown command #XYZ#'],
  ['#i#', 'unknown command #i#'],
  ['##', 'not a frame'],
  ['#I', 'not a frame'],
  ['I#', 'not a frame'],
  ['', 'not a frame'],
];

describe('codec: parse', () => {
  it.each(ACCEPTED)('%s', (frame, code, params) => {
    const result = parseFrame(frame);
    expect(result).toMatchObject({ ok: true, command: { code, params, frame } });
  });

  it.each(REFUSED)('%s → BAD_DATA', (frame, problem) => {
    const result = parseFrame(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it('names the offending frame in the problem', () => {
    const result = parseFrame('#C#12.50#');
    expect(result.ok ? '' : result.problem).toContain('"#C#12.50#"');
  });

  it('the strict dialect refuses the shorter forms real drivers send', () => {
    for (const frame of ['#C#00000#1#990#15#15#1#1#1#0#0#', '#B#0#', '#P#1010#0#1#', '#V#1#']) {
      expect(parseFrame(frame, { strict: true }).ok, frame).toBe(false);
      expect(parseFrame(frame).ok, frame).toBe(true);
    }
    expect(parseFrame('#C#1#1#990#1#15360#0#0#0#1#0#0#', { strict: true }).ok).toBe(true);
    expect(parseFrame('#V#1##', { strict: true }).ok).toBe(false);
    expect(parseFrame('#V#1###', { strict: true }).ok).toBe(true);
  });

  it('the command table and COMMAND_CODES cover every command of protocol.md §5', () => {
    const expected = ['I', 'C', 'G', 'E', 'B', 'Q', 'J', 'P', '!', 'A', 'U', 'S', 'F', 'V', 'T', 'Y', 'X', 'GC', 'GI', 'GV', 'W', 'K', 'RI', 'INFO', '?', 'Z', 'D', 'H', 'R', 'M', 'N', 'O', 'L', 'T2', 'Y2', 'X2', 'GC2', 'U2', 'V2'];
    expect([...COMMAND_CODES].sort()).toEqual([...expected].sort());
    for (const spec of COMMANDS) {
      expect(spec.counts.every((n) => n <= spec.params.length), spec.code).toBe(true);
    }
  });

  it('never throws on arbitrary text (seeded fuzz)', () => {
    const pieces = fc.constantFrom('#', 'C', 'P', '?', 'SHOW', 'GV', 'ALL', '1', '0', '990', '12.50', ';', ':', ',', 'x', '\xe9', '');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), fc.boolean(), (parts, strict) => {
        const frame = parts.join('');
        const result = parseFrame(frame, { strict });
        if (result.ok) {
          expect(result.command.params.length).toBe(result.command.spec.params.length);
        } else {
          expect(result.problem.length).toBeGreaterThan(0);
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        expect(() => parseFrame(text)).not.toThrow();
        expect(() => parseFrame(`#${text}#`)).not.toThrow();
      }),
      { seed: 43, numRuns: 2000 },
    );
  });
});

describe('codec: encode and decode', () => {
  it.each<[string, Array<string | number>, string]>([
    ['0', ['2.01'], '#0#2.01#'],
    ['WR:LEVEL', [2000, 1010, 0, 0], '#WR:LEVEL#2000#1010#0#0#'],
    ['WR:CANCEL', [0, 0, 0, 0], '#WR:CANCEL#0#0#0#0#'],
    ['0', [546247, 546247, 965, 965, 0, 0], '#0#546247#546247#965#965#0#0#'],
    ['ER:BUSY', [], '#ER:BUSY#'],
    ['0', [''], '#0##'],
  ])('encodeReply(%s, %j) = %s', (status, fields, frame) => {
    expect(encodeReply(status, fields)).toBe(frame);
    expect(decodeReply(frame)).toEqual({ status, fields: fields.map(String) });
  });

  it('encodeCommand builds client frames', () => {
    expect(encodeCommand('C', [1, 1, 990, 1, 15360, 0, 0, 0, 1, 0, 0])).toBe('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    expect(encodeCommand('I')).toBe('#I#');
  });

  it('refuses a field containing "#" (the protocol has no escaping)', () => {
    expect(() => encodeReply('0', ['a#b'])).toThrow(/cannot contain "#"/);
  });

  it('decodeReply tolerates a trailing CR/LF and rejects non-frames', () => {
    expect(decodeReply('#0#2.01#\r\n')).toEqual({ status: '0', fields: ['2.01'] });
    expect(decodeReply('0#2.01')).toBeUndefined();
  });
});

describe('codec: denomination lists (coins;notes)', () => {
  it('parses the §6.2 example with named entries', () => {
    const result = parseVpd('1:0,2:0,5:1,10:1,20:0,50:1,100:4,200:0;500:1,1000:0,2000:0,STACKER:21');
    expect(result).toEqual({
      ok: true,
      vpd: {
        coins: [[1, 0], [2, 0], [5, 1], [10, 1], [20, 0], [50, 1], [100, 4], [200, 0]],
        notes: [[500, 1], [1000, 0], [2000, 0]],
        extras: [['STACKER', 21]],
      },
    });
  });

  it('either side may be empty', () => {
    expect(parseVpd(';2000:3,1000:1')).toMatchObject({ ok: true, vpd: { coins: [], notes: [[2000, 3], [1000, 1]] } });
    expect(parseVpd('50:1;')).toMatchObject({ ok: true, vpd: { coins: [[50, 1]], notes: [] } });
    expect(parseVpd(';')).toMatchObject({ ok: true, vpd: { coins: [], notes: [] } });
  });

  it('refuses lists without exactly one ";" or with malformed entries', () => {
    expect(parseVpd('50:1').ok).toBe(false);
    expect(parseVpd('50:1;;').ok).toBe(false);
    expect(parseVpd('50=1;').ok).toBe(false);
    expect(parseVpd('50:-1;').ok).toBe(false);
  });

  it('formatVpd round-trips', () => {
    const text = formatVpd([[1, 3], [200, 0]], [[2000, 1], ['STACKER', 0]]);
    expect(text).toBe('1:3,200:0;2000:1,STACKER:0');
    expect(parseVpd(text)).toMatchObject({ ok: true, vpd: { coins: [[1, 3], [200, 0]], notes: [[2000, 1]], extras: [['STACKER', 0]] } });
  });
});

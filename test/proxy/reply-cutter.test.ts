/**
 * The reply cutter (pure): the connector's bytes cut into whole replies by the commands the POS
 * is waiting on, whatever TCP did to them; nothing changed, nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { createReplyCutter } from '../../src/proxy/reply-cutter.js';

const cut = (sent: string[], chunks: string[], final = true) => {
  const c = createReplyCutter();
  for (const frame of sent) c.sent(frame);
  const out = chunks.flatMap((chunk) => c.push(chunk));
  if (final) out.push(...c.flush());
  return { replies: out, cutter: c };
};

describe('reply cutter', () => {
  it('cuts by the field count of each waiting command, however the bytes arrive', () => {
    const whole = '#0#2.01##0#41890#10000##0#0#';
    const expected = [
      { raw: '#0#2.01#', frame: '#0#2.01#', command: 'I' },
      { raw: '#0#41890#10000#', frame: '#0#41890#10000#', command: 'T' },
      { raw: '#0#0#', frame: '#0#0#', command: 'Q' },
    ];
    for (let k = 1; k < whole.length; k++) {
      const { replies } = cut(['#I#', '#T#', '#Q#'], [whole.slice(0, k), whole.slice(k)], false);
      expect(replies, `cut at ${k}`).toEqual(expected);
    }
  });

  it('a success reply split mid-way waits for the rest (no reply before its last field)', () => {
    const { replies, cutter } = cut(['#C#1#1#990#0#0#0#0#0#0#0#0#'], ['#0#2000#', '1010#0#'], false);
    expect(replies).toEqual([]);
    expect(cutter.pending()).toBe('#0#2000#1010#0#'.length);
    expect(cutter.push('0#')).toEqual([{ raw: '#0#2000#1010#0#0#', frame: '#0#2000#1010#0#0#', command: 'C' }]);
  });

  it('a short error reply is whole when the next reply starts, or when the connector goes quiet', () => {
    const pipelined = cut(['#I#', '#T#'], ['#ER:BUSY##0#1#2#'], false).replies;
    expect(pipelined.map((r) => [r.command, r.frame])).toEqual([
      ['I', '#ER:BUSY#'],
      ['T', '#0#1#2#'],
    ]);
    const quiet = cut(['#C#1#1#990#0#0#0#0#0#0#0#0#'], ['#ER:GENERIC#'], false);
    expect(quiet.replies).toEqual([]);
    expect(quiet.cutter.flush()).toEqual([{ raw: '#ER:GENERIC#', frame: '#ER:GENERIC#', command: 'C' }]);
    // An error reply with the full field count is whole at once.
    expect(cut(['#C#1#1#990#0#0#0#0#0#0#0#0#'], ['#ER:GENERIC#0#0#0#0#'], false).replies.map((r) => r.frame)).toEqual(['#ER:GENERIC#0#0#0#0#']);
  });

  it('whitespace after a reply travels with it; the transcript frame is trimmed', () => {
    expect(cut(['#I#'], ['#0#2.01#\r\n'], false).replies).toEqual([{ raw: '#0#2.01#\r\n', frame: '#0#2.01#', command: 'I' }]);
  });

  it('a #!# that cancelled a charge: its own #0# is matched when it comes, forgotten when the POS moves on', () => {
    const ack = cut(['#C#1#1#500#0#0#0#0#0#0#0#0#', '#!#'], ['#WR:CANCEL#0#0#0#0##0#'], false).replies;
    expect(ack.map((r) => [r.command, r.frame])).toEqual([
      ['C', '#WR:CANCEL#0#0#0#0#'],
      ['!', '#0#'],
    ]);
    const c = createReplyCutter();
    c.sent('#C#1#1#500#0#0#0#0#0#0#0#0#');
    c.sent('#!#');
    expect(c.push('#WR:CANCEL#0#0#0#0#').map((r) => r.command)).toEqual(['C']);
    c.sent('#Q#');
    expect(c.push('#0#500#')).toEqual([{ raw: '#0#500#', frame: '#0#500#', command: 'Q' }]);
    expect(c.waiting()).toEqual([]);
  });

  it('an unknown command or no waiting command: what came is one reply once the connector is quiet', () => {
    const unknown = cut(['#NOPE#'], ['#ER:BAD_DATA#'], false);
    expect(unknown.replies).toEqual([]);
    expect(unknown.cutter.flush().map((r) => [r.command, r.frame])).toEqual([['NOPE', '#ER:BAD_DATA#']]);
    const stray = cut([], ['#0#1#'], false);
    expect(stray.replies).toEqual([]);
    expect(stray.cutter.flush()).toEqual([{ raw: '#0#1#', frame: '#0#1#', command: '' }]);
  });

  it('bytes that are no reply are passed on as they are, and a run past the bound is not held', () => {
    expect(cut([], ['hello #0#'], true).replies.map((r) => r.raw).join('')).toBe('hello #0#');
    const c = createReplyCutter(64);
    c.sent('#T#');
    const long = `#0#${'9'.repeat(100)}`;
    const out = c.push(long);
    expect(out.map((r) => r.raw).join('')).toBe(long);
    expect(c.pending()).toBe(0);
  });
});

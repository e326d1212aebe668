/**
 * Judging the wire when `#!#` gets no reply of its own once it cancelled something (dialect
 * cancelReply idle, the default; protocol.md §5.26): a later bare `#0#` answers the POS's next
 * command, never the old cancel.
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { exchanges } from '../../src/runner/consistency.js';
import { evaluateOneCommandAtATime } from '../../src/runner/expect.js';

const wire = (...frames: Array<[TranscriptEntry['dir'], string]>): TranscriptEntry[] => frames.map(([dir, data], i) => ({ at: i, conn: 1, dir, data }));

const IDLE = wire(
  ['in', '#C#1#1#990#1#15360#0#0#0#1#0#0#'],
  ['in', '#!#'],
  ['out', '#WR:CANCEL#0#0#0#0#'],
  ['in', '#A#2#'],
  ['out', '#0#'],
  ['in', '#J#'],
  ['out', '#0#0#'],
);
const ACK = wire(
  ['in', '#C#1#1#990#1#15360#0#0#0#1#0#0#'],
  ['in', '#!#'],
  ['out', '#WR:CANCEL#0#0#0#0#'],
  ['out', '#0#'],
  ['in', '#A#2#'],
  ['out', '#0#'],
);

describe('a cancel answered by the cancelled command alone', () => {
  it('exchanges pair the next #0# with the next command (idle), and still skip an acknowledgement (ack)', () => {
    expect(exchanges(IDLE, 0, IDLE.length).map((x) => [x.command.data, x.reply?.data])).toEqual([
      ['#C#1#1#990#1#15360#0#0#0#1#0#0#', '#WR:CANCEL#0#0#0#0#'],
      ['#A#2#', '#0#'],
      ['#J#', '#0#0#'],
    ]);
    expect(exchanges(ACK, 0, ACK.length).map((x) => [x.command.data, x.reply?.data])).toEqual([
      ['#C#1#1#990#1#15360#0#0#0#1#0#0#', '#WR:CANCEL#0#0#0#0#'],
      ['#A#2#', '#0#'],
    ]);
  });

  it('one-command-at-a-time: #J# after an answered #A#2# is not an overlap', () => {
    const ctx = { entries: IDLE, now: 10, final: true, captures: {} };
    expect(evaluateOneCommandAtATime(ctx as never)).toMatchObject({ status: 'passed' });
  });
});

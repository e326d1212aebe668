/**
 * The replay's pure core on a virtual clock: a transcript becomes a script per connection,
 * answers go out causally (after the recorded frame they followed, that long after, scaled),
 * and a POS that parts from the recording is named at the right connection, frame and index.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { createMatcher, MAX_DIVERGENCES } from '../../src/replay/matcher.js';
import { parseRecording, selectItem } from '../../src/replay/recording.js';
import { buildScript, planActions } from '../../src/replay/script.js';

const frame = (at: number, conn: number, dir: 'in' | 'out', data: string): TranscriptEntry => ({ at, conn, dir, data });
const ev = (at: number, conn: number, kind: TranscriptEntry['kind'], data: string): TranscriptEntry => ({ at, conn, dir: 'event', kind, data });

/** A sale with a connector that closes instead of replying, then a reconnect (EXP-12's shape). */
const LOST_REPLY: TranscriptEntry[] = [
  ev(0.6, 0, 'control', 'customer set to auto paying 1 × 20.00 €'),
  ev(1, 7, 'connection', 'connection 7 from 127.0.0.1:5000'),
  frame(2, 7, 'in', '#I#'),
  frame(84, 7, 'out', '#0#2.01#'),
  frame(87, 7, 'in', '#T#'),
  frame(87.1, 7, 'out', '#0#40900#10000#'),
  frame(87.6, 7, 'in', '#C#111#1#990#0#0#0#0#0#1#0#0#'),
  ev(127.3, 7, 'fault', 'connection 7 closed (FIN) instead of the reply to #C#'),
  ev(129.3, 8, 'connection', 'connection 8 from 127.0.0.1:5001'),
  frame(130.3, 8, 'in', '#T#'),
  frame(130.4, 8, 'out', '#0#41890#10000#'),
];

describe('buildScript', () => {
  it('groups frames per connection in order of appearance, with the answers after each frame and the connector closes', () => {
    const script = buildScript(LOST_REPLY);
    expect(script.connections.map((c) => c.conn)).toEqual([7, 8]);
    const [first, second] = script.connections;
    expect(first?.frames.map((f) => [f.n, f.data, f.index])).toEqual([
      [1, '#I#', 2],
      [2, '#T#', 4],
      [3, '#C#111#1#990#0#0#0#0#0#1#0#0#', 6],
    ]);
    expect(first?.answers.map((list) => list.map((a) => a.kind))).toEqual([[], ['send'], ['send'], ['close']]);
    expect(first?.answers[1]?.[0]).toMatchObject({ data: '#0#2.01#', delayMs: 82, anchor: 0 });
    expect(second?.answers[1]?.[0]).toMatchObject({ data: '#0#41890#10000#', anchor: 3 });
  });

  it('replays the closes a proxy capture records: the real connector closing, or down and the POS connection reset', () => {
    const script = buildScript([
      frame(1, 1, 'in', '#I#'),
      frame(2, 1, 'out', '#0#2.01#'),
      frame(3, 1, 'in', '#E#'),
      ev(4, 1, 'connection', 'connection 1: the connector closed the connection'),
      frame(5, 2, 'in', '#I#'),
      ev(6, 2, 'connection', 'connection 2: the connector at 127.0.0.1:8092 closed the connection mid-reply; resetting the POS connection as a dead connector would'),
      ev(7, 3, 'connection', 'connection 3 closed'),
    ]);
    expect(script.connections[0]?.answers[2]).toEqual([expect.objectContaining({ kind: 'close', how: 'disconnect' })]);
    expect(script.connections[1]?.answers[1]).toEqual([expect.objectContaining({ kind: 'close', how: 'reset' })]);
    // The POS closing its side is not the connector's doing: nothing to replay, no connection to play.
    expect(script.connections).toHaveLength(2);
  });

  it("leaves the answers to bytes that are no frame to the connection layer (it sends #ER:BAD_DATA# itself)", () => {
    const script = buildScript([frame(1, 1, 'in', 'hello'), frame(1, 1, 'out', '#ER:BAD_DATA#'), frame(2, 1, 'in', '#T#1#'), frame(2, 1, 'out', '#ER:BAD_DATA#')]);
    expect(script.connections[0]?.frames.map((f) => f.data)).toEqual(['hello', '#T#1#']);
    // `#T#1#` is a frame the connector's codec refused: that #ER:BAD_DATA# is the recording's to replay.
    expect(script.connections[0]?.answers.map((l) => l.map((a) => (a.kind === 'send' ? a.data : a.kind)))).toEqual([[], [], ['#ER:BAD_DATA#']]);
  });
});

describe('the matcher', () => {
  it('answers as recorded, each answer the recorded delay after its frame, scaled', () => {
    const m = createMatcher(buildScript(LOST_REPLY), { timeScale: 0.5, startMs: 1000 });
    expect(m.connect(1, 1000).status).toBe('matched');
    expect(m.frame(1, '#I#', 1010).status).toBe('matched');
    expect(m.due(1010)).toEqual([]);
    expect(m.nextDueAt()).toBe(1010 + 82 * 0.5);
    expect(m.due(1051).map((d) => (d.answer.kind === 'send' ? d.answer.data : d.answer.kind))).toEqual(['#0#2.01#']);
    m.frame(1, '#T#', 1060);
    expect(m.due(1060.05).map((d) => d.answer.kind === 'send' && d.answer.data)).toEqual(['#0#40900#10000#']);
    // Another clock value for the operation number: the POS chooses it.
    expect(m.frame(1, '#C#999#1#990#0#0#0#0#0#1#0#0#', 1070).status).toBe('matched');
    const close = m.due(1070 + 39.7 * 0.5);
    expect(close).toEqual([{ conn: 1, answer: expect.objectContaining({ kind: 'close', how: 'disconnect' }) }]);
    m.closed(1);
    m.connect(2, 1100);
    m.frame(2, '#T#', 1110);
    expect(m.complete()).toBe(true);
    expect(m.finish()).toEqual([]);
  });

  it('names the first diverging frame: connection, frame number, transcript index, expected, got and the recorded context', () => {
    const m = createMatcher(buildScript(LOST_REPLY), { timeScale: 1, startMs: 0 });
    m.connect(1, 0);
    m.frame(1, '#I#', 1);
    m.frame(1, '#T#', 2);
    const result = m.frame(1, '#C#5#1#9.90#0#0#0#0#0#1#0#0#', 3);
    expect(result.status).toBe('diverged');
    expect(result.divergence).toMatchObject({
      reason: 'different-frame',
      conn: 1,
      recordedConn: 7,
      frame: 3,
      index: 6,
      expected: '#C#111#1#990#0#0#0#0#0#1#0#0#',
      got: '#C#5#1#9.90#0#0#0#0#0#1#0#0#',
    });
    expect(result.divergence?.context.map((e) => e.data)).toEqual(['#I#', '#0#2.01#', '#T#', '#0#40900#10000#']);
    // The diverged connection gets no more answers, and its later frames are not judged again.
    expect(m.due(10_000)).toEqual([]);
    expect(m.frame(1, '#E#', 4).status).toBe('ignored');
    expect(m.complete()).toBe(false);
  });

  it('keeps operation numbers one to one: a POS that reuses one where the recording had a new one diverges', () => {
    const t = [frame(1, 1, 'in', '#C#A#1#100#0#0#0#0#0#1#0#0#'), frame(2, 1, 'out', '#0#100#0#0#0#'), frame(3, 1, 'in', '#C#B#1#100#0#0#0#0#0#1#0#0#'), frame(4, 1, 'out', '#0#100#0#0#0#')];
    const reuse = createMatcher(buildScript(t), { timeScale: 1, startMs: 0 });
    reuse.connect(1, 0);
    expect(reuse.frame(1, '#C#7#1#100#0#0#0#0#0#1#0#0#', 1).status).toBe('matched');
    const second = reuse.frame(1, '#C#7#1#100#0#0#0#0#0#1#0#0#', 5);
    expect(second.divergence).toMatchObject({ reason: 'operation-number', frame: 2, index: 2 });
    expect(second.divergence?.message).toMatch(/reused operation number 7/);

    const fresh = createMatcher(buildScript(t), { timeScale: 1, startMs: 0 });
    fresh.connect(1, 0);
    fresh.frame(1, '#C#7#1#100#0#0#0#0#0#1#0#0#', 1);
    expect(fresh.frame(1, '#C#8#1#100#0#0#0#0#0#1#0#0#', 5).status).toBe('matched');
    expect(fresh.complete()).toBe(true);
  });

  it('holds an answer recorded after a frame on another connection until that frame arrives (causal order)', () => {
    // A #C# on connection 1 answered only after a #!# came in on connection 2.
    const t = [frame(0, 1, 'in', '#C#1#1#990#0#0#0#0#0#1#0#0#'), frame(50, 2, 'in', '#!#'), frame(51, 2, 'out', '#0#'), frame(60, 1, 'out', '#WR:CANCEL#0#0#0#0#')];
    const m = createMatcher(buildScript(t), { timeScale: 1, startMs: 0 });
    m.connect(1, 0);
    m.frame(1, '#C#1#1#990#0#0#0#0#0#1#0#0#', 0);
    expect(m.due(1_000_000)).toEqual([]);
    expect(m.nextDueAt()).toBeUndefined();
    m.connect(2, 2000);
    m.frame(2, '#!#', 2000);
    const due = m.due(2000 + 10).map((d) => [d.conn, d.answer.kind === 'send' && d.answer.data]);
    expect(due).toEqual([
      [1, '#WR:CANCEL#0#0#0#0#'],
      [2, '#0#'],
    ]);
  });

  it('reports the frames the POS never sent, and a connection the recording does not have', () => {
    const m = createMatcher(buildScript(LOST_REPLY), { timeScale: 1, startMs: 0 });
    m.connect(1, 0);
    m.frame(1, '#I#', 0);
    const missing = m.finish();
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatchObject({ reason: 'missing-frame', conn: 1, recordedConn: 7, frame: 2, index: 4, expected: '#T#' });
    expect(missing[0]?.got).toBeUndefined();
    expect(missing[1]).toMatchObject({ reason: 'missing-frame', conn: 0, recordedConn: 8, frame: 1, expected: '#T#' });
    expect(missing[1]?.message).toMatch(/never opened this connection/);

    const extra = createMatcher(buildScript([frame(0, 1, 'in', '#I#')]), { timeScale: 1, startMs: 0 });
    extra.connect(1, 0);
    expect(extra.connect(2, 0).divergence).toMatchObject({ reason: 'extra-connection', conn: 2 });
  });

  it('keeps at most MAX_DIVERGENCES divergences and counts the rest (a POS opening connections in a loop)', () => {
    const m = createMatcher(buildScript([frame(0, 1, 'in', '#I#')]), { timeScale: 1, startMs: 0 });
    m.connect(1, 0);
    for (let c = 2; c < MAX_DIVERGENCES + 52; c++) m.connect(c, 0);
    expect(m.divergences()).toHaveLength(MAX_DIVERGENCES);
    expect(m.droppedDivergences()).toBe(50);
  });
});

describe('planActions', () => {
  it('waits for the actions that had ended, and starts an overlapping one (cancel during sale) from the start it followed', () => {
    const plan = planActions([
      { action: 'startup', startedAt: 0.2, durationMs: 86 },
      { action: 'sale', amount: 990, startedAt: 85.8, durationMs: 2222 },
      { action: 'cancel', startedAt: 2293, durationMs: 16 },
    ]);
    expect(plan[1]).toMatchObject({ waitsFor: [0], anchor: { action: 0, edge: 'end' }, delayMs: 0 });
    expect(plan[2]).toMatchObject({ waitsFor: [0], anchor: { action: 1, edge: 'start' } });
    expect(plan[2]?.delayMs).toBeCloseTo(2293 - 85.8, 5);
  });
});

describe('parseRecording', () => {
  it('names the JSON path, line and column of a bad transcript entry', () => {
    const text = '[\n  {"at": 1, "conn": 1, "dir": "in", "data": "#I#"},\n  {"at": 2, "conn": 1, "dir": "sideways", "data": "#0#"}\n]\n';
    let error: unknown;
    try {
      parseRecording(text, 'capture.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const issue = (error as InvalidInputError).issues[0];
    expect(issue).toMatchObject({ path: '[1].dir', line: 3 });
    expect(issue?.message).toMatch(/^\[1\]\.dir: .*sideways/);
  });

  it('reads a bare transcript, a recording object and a result; --item picks the item', () => {
    const entries = JSON.stringify(LOST_REPLY);
    expect(parseRecording(entries, 'a.json').items[0]?.transcript).toHaveLength(LOST_REPLY.length);
    expect(parseRecording(`{"transcript": ${entries}}`, 'b.json').items[0]?.path).toBe('transcript');
    expect(() => selectItem(parseRecording(entries, 'a.json'), 'EXP-01')).toThrow(UsageError);
  });
});

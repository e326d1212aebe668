/**
 * The replay connector's brain (pure, on whatever clock the caller passes as `nowMs`): which
 * recorded connection a live one plays, whether the POS's frame is the one recorded, and which
 * recorded answers are due when.
 *
 *   connect(live, now)        a new POS connection plays the next recorded one
 *   frame(live, data, now)    the POS's frame: matched (answers may become due) or a divergence
 *   due(now) / nextDueAt()    answers whose time has come, in order per connection
 *   finish()                  the recording's frames the POS never sent (missing-frame divergences),
 *                             when nothing diverged before
 *
 * Frames match byte for byte except the operation number of `#C#` (its first parameter): a POS
 * picks it (often from a clock), so it matches any value as long as the mapping stays one to one
 * — the same recorded number is always the same live one, and two recorded numbers stay two.
 * A POS that reuses an operation number where the recording had a fresh one diverges.
 *
 * After a connection diverges the matcher ignores it (the adapter closes it); the first
 * divergence of each connection is kept, at most MAX_DIVERGENCES in all (then counted).
 */
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { ReplayScript, ScriptAnswer, ScriptFrame } from './script.js';

export const MAX_DIVERGENCES = 100;
/** Recorded entries of the diverging connection shown before the expected frame. */
const CONTEXT_ENTRIES = 4;

export type DivergenceReason = 'different-frame' | 'extra-frame' | 'missing-frame' | 'extra-connection' | 'operation-number';

export interface Divergence {
  reason: DivergenceReason;
  /** The live connection (numbered from 1 in the order the POS connected). */
  conn: number;
  /** The recorded connection it plays (absent for a connection the recording does not have). */
  recordedConn?: number;
  /** 1-based number of the frame among the POS frames of that connection. */
  frame: number;
  /** Index of the expected entry in the recorded transcript (absent past its end). */
  index?: number;
  /** The recorded frame; absent when the recording had nothing more there. */
  expected?: string;
  /** What the POS sent; absent when it sent nothing (missing frame). */
  got?: string;
  /** One sentence. */
  message: string;
  /** The recorded entries of that connection just before the expected frame. */
  context: TranscriptEntry[];
}

export interface DueAnswer {
  conn: number;
  answer: ScriptAnswer;
}

export interface MatchResult {
  status: 'matched' | 'diverged' | 'ignored';
  divergence?: Divergence;
}

interface Slot {
  slot: number;
  live: number;
  /** Frames matched on this connection. */
  next: number;
  /** The next answer not yet released: group (answers after frame group-1) and position. */
  group: number;
  pos: number;
  dueAt: number | undefined;
  lastDue: number;
  broken: boolean;
}

export interface ReplayMatcher {
  connect(live: number, nowMs: number): MatchResult;
  frame(live: number, data: string, nowMs: number): MatchResult;
  /** The POS closed its side: later answers to this connection are not sent. */
  closed(live: number): void;
  due(nowMs: number): DueAnswer[];
  nextDueAt(): number | undefined;
  /** Missing frames, one per connection (the first not received), once the run is over. */
  finish(): Divergence[];
  divergences(): Divergence[];
  /** Divergences past MAX_DIVERGENCES, counted only. */
  droppedDivergences(): number;
  /** Every recorded POS frame was received, in order, and nothing diverged. */
  complete(): boolean;
  progress(): { matched: number; total: number };
}

export function createMatcher(script: ReplayScript, options: { timeScale: number; startMs: number }): ReplayMatcher {
  const scale = options.timeScale;
  const slots = new Map<number, Slot>();
  const bySlot: Slot[] = [];
  const matchedAt = new Map<number, number>();
  const opRecordedToLive = new Map<string, string>();
  const opLiveToRecorded = new Map<string, string>();
  const found: Divergence[] = [];
  let dropped = 0;
  let matched = 0;
  let finished = false;

  const record = (d: Divergence): Divergence => {
    if (found.length < MAX_DIVERGENCES) found.push(d);
    else dropped++;
    return d;
  };

  const context = (slotIndex: number, beforeIndex: number): TranscriptEntry[] => {
    const conn = script.connections[slotIndex]?.conn;
    const out: TranscriptEntry[] = [];
    for (let i = Math.min(beforeIndex, script.transcript.length) - 1; i >= 0 && out.length < CONTEXT_ENTRIES; i--) {
      const e = script.transcript[i] as TranscriptEntry;
      if (e.conn === conn && e.dir !== 'event') out.unshift(e);
    }
    return out;
  };

  const diverge = (s: Slot, reason: DivergenceReason, got: string | undefined, message: string): Divergence => {
    s.broken = true;
    const c = script.connections[s.slot];
    const expected = c?.frames[s.next];
    const index = expected?.index ?? c?.answers.at(-1)?.at(-1)?.index ?? c?.frames.at(-1)?.index;
    return record({
      reason,
      conn: s.live,
      ...(c !== undefined ? { recordedConn: c.conn } : {}),
      frame: s.next + 1,
      ...(expected !== undefined ? { index: expected.index, expected: expected.data } : {}),
      ...(got !== undefined ? { got } : {}),
      message,
      context: context(s.slot, index === undefined ? script.transcript.length : expected !== undefined ? index : index + 1),
    });
  };

  /** Compares a live frame with the recorded one; the operation number of #C# by mapping. */
  const compare = (recorded: ScriptFrame, got: string): { ok: true; bind?: [string, string] } | { ok: false; reason: DivergenceReason; why: string } => {
    if (got === recorded.data) {
      const op = operationOf(got);
      if (op === undefined) return { ok: true };
      const bound = opRecordedToLive.get(op);
      if (bound !== undefined && bound !== op) return { ok: false, reason: 'operation-number', why: `operation number ${op} stands for ${bound} in this replay` };
      return { ok: true, bind: [op, op] };
    }
    const a = recorded.data.split('#');
    const b = got.split('#');
    if (a[1] !== 'C' || b[1] !== 'C' || a.length !== b.length) return { ok: false, reason: 'different-frame', why: '' };
    for (let i = 0; i < a.length; i++) if (i !== 2 && a[i] !== b[i]) return { ok: false, reason: 'different-frame', why: '' };
    const rec = a[2] as string;
    const live = b[2] as string;
    const liveBound = opRecordedToLive.get(rec);
    if (liveBound !== undefined && liveBound !== live) {
      return { ok: false, reason: 'operation-number', why: `the recording used operation number ${rec} again here, the POS sent ${live} instead of ${liveBound}` };
    }
    const recBound = opLiveToRecorded.get(live);
    if (recBound !== undefined && recBound !== rec) {
      return { ok: false, reason: 'operation-number', why: `the POS reused operation number ${live} (already used for the recorded ${recBound}) where the recording had a new one, ${rec}` };
    }
    return { ok: true, bind: [rec, live] };
  };

  const releaseReady = (s: Slot, nowMs: number, out: DueAnswer[]): void => {
    const c = script.connections[s.slot];
    if (c === undefined) return;
    for (;;) {
      if (s.broken) return;
      const group = c.answers[s.group];
      if (group === undefined) return;
      if (s.pos >= group.length) {
        // The next group opens once its frame has been matched.
        if (s.group + 1 >= c.answers.length || s.next < s.group + 1) return;
        s.group++;
        s.pos = 0;
        continue;
      }
      const answer = group[s.pos] as ScriptAnswer;
      if (s.dueAt === undefined) {
        const anchorAt = answer.anchor < 0 ? options.startMs : matchedAt.get(answer.anchor);
        if (anchorAt === undefined) return;
        s.dueAt = Math.max(s.lastDue, anchorAt + answer.delayMs * scale);
      }
      if (s.dueAt > nowMs) return;
      s.lastDue = s.dueAt;
      s.dueAt = undefined;
      s.pos++;
      out.push({ conn: s.live, answer });
      if (answer.kind === 'close') s.broken = true;
    }
  };

  const matcher: ReplayMatcher = {
    connect(live, nowMs) {
      const slotIndex = bySlot.length;
      const s: Slot = { slot: slotIndex, live, next: 0, group: 0, pos: 0, dueAt: undefined, lastDue: nowMs, broken: false };
      slots.set(live, s);
      bySlot.push(s);
      if (slotIndex >= script.connections.length) {
        const d = diverge(s, 'extra-connection', undefined, `connection ${live}: the recording has ${script.connections.length} connection${script.connections.length === 1 ? '' : 's'}, the POS opened one more`);
        return { status: 'diverged', divergence: d };
      }
      return { status: 'matched' };
    },

    frame(live, data, nowMs) {
      const s = slots.get(live);
      if (s === undefined || s.broken || finished) return { status: 'ignored' };
      const c = script.connections[s.slot];
      const expected = c?.frames[s.next];
      if (c === undefined || expected === undefined) {
        const d = diverge(s, 'extra-frame', data, `connection ${live} (recorded ${c?.conn ?? '?'}): the POS sent ${data} after the recording's last frame on this connection`);
        return { status: 'diverged', divergence: d };
      }
      const verdict = compare(expected, data);
      if (!verdict.ok) {
        const head = `connection ${live} (recorded ${c.conn}), frame ${s.next + 1}: expected ${expected.data}, got ${data}`;
        const d = diverge(s, verdict.reason, data, verdict.why === '' ? head : `${head} (${verdict.why})`);
        return { status: 'diverged', divergence: d };
      }
      if (verdict.bind !== undefined) {
        opRecordedToLive.set(verdict.bind[0], verdict.bind[1]);
        opLiveToRecorded.set(verdict.bind[1], verdict.bind[0]);
      }
      s.next++;
      matched++;
      matchedAt.set(expected.seq, nowMs);
      return { status: 'matched' };
    },

    closed(live) {
      // Answers still due to a connection the POS closed can no longer go out; its missing frames, if any, show in finish().
      const s = slots.get(live);
      if (s !== undefined) s.broken = true;
    },

    due(nowMs) {
      const out: DueAnswer[] = [];
      for (const s of bySlot) releaseReady(s, nowMs, out);
      return out;
    },

    nextDueAt() {
      let next: number | undefined;
      for (const s of bySlot) {
        if (s.broken) continue;
        const at = s.dueAt ?? pendingDueAt(s);
        if (at !== undefined && (next === undefined || at < next)) next = at;
      }
      return next;
    },

    finish() {
      if (finished) return [];
      finished = true;
      // After a divergence the frames the POS left out are its consequence, not news: the first divergence is the answer.
      if (found.length > 0) return [];
      const out: Divergence[] = [];
      script.connections.forEach((c, slotIndex) => {
        const s = bySlot[slotIndex];
        if (s !== undefined && found.some((d) => d.conn === s.live)) return;
        const next = s?.next ?? 0;
        const expected = c.frames[next];
        if (expected === undefined) return;
        const who = s !== undefined ? `connection ${s.live} (recorded ${c.conn})` : `recorded connection ${c.conn}`;
        const never = s === undefined ? 'the POS never opened this connection' : 'the POS never sent it';
        out.push(
          record({
            reason: 'missing-frame',
            conn: s?.live ?? 0,
            recordedConn: c.conn,
            frame: next + 1,
            index: expected.index,
            expected: expected.data,
            message: `${who}, frame ${next + 1}: expected ${expected.data}, ${never}`,
            context: context(slotIndex, expected.index),
          }),
        );
      });
      return out;
    },

    divergences: () => [...found],
    droppedDivergences: () => dropped,

    complete: () => matched === script.frames.length && found.length === 0 && dropped === 0,

    progress: () => ({ matched, total: script.frames.length }),
  };

  /** The due time of a slot's next answer if it is ready to be timed (its anchor was matched). */
  function pendingDueAt(s: Slot): number | undefined {
    const c = script.connections[s.slot];
    if (c === undefined) return undefined;
    let group = s.group;
    let pos = s.pos;
    for (;;) {
      const list = c.answers[group];
      if (list === undefined) return undefined;
      if (pos < list.length) break;
      if (group + 1 >= c.answers.length || s.next < group + 1) return undefined;
      group++;
      pos = 0;
    }
    const answer = (c.answers[group] as ScriptAnswer[])[pos] as ScriptAnswer;
    const anchorAt = answer.anchor < 0 ? options.startMs : matchedAt.get(answer.anchor);
    if (anchorAt === undefined) return undefined;
    return Math.max(s.lastDue, anchorAt + answer.delayMs * scale);
  }

  return matcher;
}

/** The operation number of a `#C#` frame (its first parameter). */
function operationOf(frame: string): string | undefined {
  const parts = frame.split('#');
  return parts[1] === 'C' ? parts[2] : undefined;
}

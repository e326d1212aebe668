/**
 * A recorded transcript turned into what a replay connector must do (pure).
 *
 * Per connection, in the order connections first appear: the POS frames expected, in order,
 * and after each one the connector's recorded answers (frames, and a close when the recorded
 * connector closed the connection: a disconnect or reset fault, a refused connection, or in a
 * proxy capture the real connector closing or being down).
 *
 * Timing is causal, not absolute: each answer is anchored on the last POS frame the recording
 * shows before it, on any connection, and goes out that long after that frame arrives (scaled
 * by the time scale). A `#C#` reply that came after a `#!#` therefore waits for the `#!#`, and a
 * reply on one connection recorded after a frame on another waits for that frame too.
 *
 * What the replay connector does not answer itself: bytes that are no frame get `#ER:BAD_DATA#`
 * from the connection layer (as in the simulator), so those recorded replies are not scripted.
 */
import { isCommandCode } from '../protocol/commands.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { RecordedAction } from './recording.js';

export interface ScriptFrame {
  /** Position in the recorded transcript (its JSON index). */
  index: number;
  /** Order among every POS frame of the recording (all connections). */
  seq: number;
  /** 1-based number among the POS frames of its connection. */
  n: number;
  data: string;
  at: number;
}

export type ScriptAnswer =
  | { kind: 'send'; data: string; index: number; at: number; anchor: number; delayMs: number; fault?: string }
  | { kind: 'close'; how: 'disconnect' | 'reset'; index: number; at: number; anchor: number; delayMs: number; why: string };

export interface ScriptConnection {
  /** The connection id in the recording. */
  conn: number;
  frames: ScriptFrame[];
  /** answers[k]: what the connector did after the POS's k-th frame (answers[0]: before any frame). */
  answers: ScriptAnswer[][];
}

export interface ReplayScript {
  connections: ScriptConnection[];
  /** Every POS frame, by seq. */
  frames: { slot: number; frame: ScriptFrame }[];
  /** The whole recorded transcript, for the context of a divergence. */
  transcript: readonly TranscriptEntry[];
}

const CLOSE_SENTENCE = /^connection \d+ (reset \(RST\)|closed \(FIN\))/;
const REFUSED_SENTENCE = /^refused connection \d+/;
/** A proxy capture: the real connector closed the connection, or was down and the proxy reset it. */
const PROXY_CLOSED = /^connection \d+: the connector closed the connection/;
const PROXY_RESET = /^connection \d+: the connector.*; resetting the POS connection/;
const BAD_DATA_ANSWER = /^#ER:BAD_DATA#( ×\d+)?$/;

/** Bytes the connection layer answers by itself (no command code it knows). */
export function isNoFrame(data: string): boolean {
  if (/ \(\d+ bytes that are no frame/.test(data)) return true;
  const m = /^#([^#]*)#/.exec(data);
  return m === null || !data.endsWith('#') || !isCommandCode(m[1] as string);
}

export function buildScript(transcript: readonly TranscriptEntry[]): ReplayScript {
  const bySlot = new Map<number, ScriptConnection>();
  const connections: ScriptConnection[] = [];
  const frames: ReplayScript['frames'] = [];
  const lastInWasNoFrame = new Map<number, boolean>();
  let lastFrame: ScriptFrame | undefined;
  const slotOf = (conn: number): ScriptConnection => {
    let c = bySlot.get(conn);
    if (c === undefined) {
      c = { conn, frames: [], answers: [[]] };
      bySlot.set(conn, c);
      connections.push(c);
    }
    return c;
  };
  const timing = (at: number) => ({ anchor: lastFrame?.seq ?? -1, delayMs: Math.max(0, at - (lastFrame?.at ?? 0)) });

  transcript.forEach((entry, index) => {
    if (entry.conn <= 0) return;
    if (entry.dir === 'in') {
      const c = slotOf(entry.conn);
      const frame: ScriptFrame = { index, seq: frames.length, n: c.frames.length + 1, data: entry.data, at: entry.at };
      c.frames.push(frame);
      c.answers.push([]);
      frames.push({ slot: connections.indexOf(c), frame });
      lastFrame = frame;
      lastInWasNoFrame.set(entry.conn, isNoFrame(entry.data));
      return;
    }
    if (entry.dir === 'out') {
      const c = slotOf(entry.conn);
      if (lastInWasNoFrame.get(entry.conn) === true && BAD_DATA_ANSWER.test(entry.data)) {
        lastInWasNoFrame.set(entry.conn, false);
        return;
      }
      const answer: ScriptAnswer = { kind: 'send', data: entry.data, index, at: entry.at, ...timing(entry.at), ...(entry.fault !== undefined ? { fault: entry.fault } : {}) };
      (c.answers[c.answers.length - 1] as ScriptAnswer[]).push(answer);
      return;
    }
    if (entry.kind === 'connection' && /^connection \d+ from /.test(entry.data)) {
      slotOf(entry.conn);
      return;
    }
    const closedByFault = entry.kind === 'fault' && (CLOSE_SENTENCE.test(entry.data) || REFUSED_SENTENCE.test(entry.data));
    const closedUpstream = entry.kind === 'connection' && (PROXY_CLOSED.test(entry.data) || PROXY_RESET.test(entry.data));
    if (closedByFault || closedUpstream) {
      const c = slotOf(entry.conn);
      const how = /reset \(RST\)|resetting the POS connection/.test(entry.data) ? 'reset' : 'disconnect';
      (c.answers[c.answers.length - 1] as ScriptAnswer[]).push({ kind: 'close', how, index, at: entry.at, ...timing(entry.at), why: entry.data });
    }
  });
  return { connections, frames, transcript };
}

/** How many POS frames and connector answers the script holds (for the listening line and the summary). */
export function scriptSize(script: ReplayScript): { connections: number; frames: number; answers: number } {
  let answers = 0;
  for (const c of script.connections) for (const list of c.answers) answers += list.length;
  return { connections: script.connections.length, frames: script.frames.length, answers };
}

/**
 * When each recorded action starts, relative to the others: an action that started after earlier
 * ones had ended waits for them to end again; one that started while another still ran (a
 * `cancel` during a `sale`) starts that long after the latest start or end before it. The
 * delays are the runner's own waits (wall clock), so they are not scaled.
 */
export interface PlannedAction {
  action: RecordedAction;
  /** Indexes of earlier actions that must have ended first. */
  waitsFor: number[];
  /** The event the delay counts from: an earlier action's start or end, or the replay's start. */
  anchor: { action: number; edge: 'start' | 'end' } | undefined;
  delayMs: number;
}

/** Times in a result are rounded: this much must not turn "after" into "during". */
const ROUNDING_MS = 0.5;

export function planActions(actions: readonly RecordedAction[]): PlannedAction[] {
  return actions.map((action, i) => {
    const waitsFor: number[] = [];
    let anchor: PlannedAction['anchor'];
    let anchorAt = 0;
    for (let j = 0; j < i; j++) {
      const earlier = actions[j] as RecordedAction;
      const end = earlier.startedAt + earlier.durationMs;
      if (end <= action.startedAt + ROUNDING_MS) {
        waitsFor.push(j);
        if (end >= anchorAt) {
          anchorAt = end;
          anchor = { action: j, edge: 'end' };
        }
      } else if (earlier.startedAt + ROUNDING_MS >= anchorAt) {
        // Started (as recorded, give or take the rounding) after the last event so far: a later action in order wins a tie.
        anchorAt = earlier.startedAt;
        anchor = { action: j, edge: 'start' };
      }
    }
    return { action, waitsFor, anchor, delayMs: Math.max(0, action.startedAt - anchorAt) };
  });
}

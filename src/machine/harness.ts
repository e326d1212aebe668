/**
 * Drive the machine model on virtual time, without sockets: the same loop the server runs,
 * with timers kept in a list instead of setTimeout. For tests and property checks.
 *
 *   const m = createMachineHarness(loadProfile('eur-pos1500'));
 *   m.frame(1, '#I#');  m.runUntilIdle();          // → m.replies(1) = ['#0#2.01#']
 */
import type { MachineInput, MachineOutput } from './api.js';
import { initialState, step, type InitialStateOptions } from './machine.js';
import type { MachineProfile } from './profile.js';
import type { MachineState } from './state.js';
import { viewState, type MachineView } from './view.js';

export interface MachineHarness {
  state: MachineState;
  readonly now: number;
  /** Every output so far, in order. */
  readonly outputs: MachineOutput[];
  send(input: MachineInput): MachineOutput[];
  frame(conn: number, frame: string): MachineOutput[];
  /** Fire due timers in time order up to `now + ms`. */
  advance(ms: number): MachineOutput[];
  /** Fire timers until none is left or `limitMs` of virtual time passed (default 1 h). */
  runUntilIdle(limitMs?: number): MachineOutput[];
  /** Fire timers until `done()` holds (checked after each step); false if it never did within limitMs. */
  runUntil(done: () => boolean, limitMs?: number): boolean;
  /** Reply frames sent to `conn` so far (all connections when omitted). */
  replies(conn?: number): string[];
  view(): MachineView;
  pendingTimers(): Array<{ id: string; atMs: number }>;
}

export interface HarnessOptions extends InitialStateOptions {
  startMs?: number;
  /**
   * Deep-freeze every state the harness keeps (the profile aside: it is shared and read-only),
   * so a step that writes to the state it was given throws instead of silently changing it.
   * For tests of the model's purity; it costs a walk of the state at every step.
   */
  freeze?: boolean;
}

export function createMachineHarness(profile: MachineProfile, options: HarnessOptions = {}): MachineHarness {
  const keep = (s: MachineState): MachineState => (options.freeze === true ? deepFreeze(s) : s);
  let state = keep(initialState(profile, options));
  let now = options.startMs ?? 0;
  const timers = new Map<string, number>();
  const outputs: MachineOutput[] = [];

  const apply = (input: MachineInput): MachineOutput[] => {
    const result = step(state, input, now);
    state = keep(result.state);
    for (const t of result.timers) {
      if (t.type === 'set') timers.set(t.id, t.atMs);
      else timers.delete(t.id);
    }
    outputs.push(...result.outputs);
    return result.outputs;
  };

  const nextTimer = (): [string, number] | undefined => {
    let best: [string, number] | undefined;
    for (const entry of timers) if (!best || entry[1] < best[1]) best = entry;
    return best;
  };

  const fireNext = (deadline: number): MachineOutput[] | undefined => {
    const next = nextTimer();
    if (!next || next[1] > deadline) return undefined;
    timers.delete(next[0]);
    if (next[1] > now) now = next[1];
    return apply({ type: 'timer', id: next[0] });
  };

  const harness: MachineHarness = {
    get state() {
      return state;
    },
    set state(s: MachineState) {
      state = keep(s);
    },
    get now() {
      return now;
    },
    outputs,
    send: apply,
    frame: (conn, frame) => apply({ type: 'frame', conn, frame }),
    advance(ms) {
      const deadline = now + ms;
      const out: MachineOutput[] = [];
      for (let fired = fireNext(deadline); fired; fired = fireNext(deadline)) out.push(...fired);
      now = deadline;
      return out;
    },
    runUntilIdle(limitMs = 3_600_000) {
      const deadline = now + limitMs;
      const out: MachineOutput[] = [];
      for (let fired = fireNext(deadline); fired; fired = fireNext(deadline)) out.push(...fired);
      return out;
    },
    runUntil(done, limitMs = 3_600_000) {
      const deadline = now + limitMs;
      if (done()) return true;
      while (fireNext(deadline)) if (done()) return true;
      return done();
    },
    replies(conn) {
      return outputs.flatMap((o) => (o.type === 'reply' && (conn === undefined || o.conn === conn) ? [o.frame] : []));
    },
    view: () => viewState(state),
    pendingTimers: () => [...timers].map(([id, atMs]) => ({ id, atMs })).sort((a, b) => a.atMs - b.atMs),
  };
  return harness;
}

function deepFreeze(s: MachineState): MachineState {
  const seen = new Set<object>([s.profile]);
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return;
    seen.add(value);
    for (const v of Object.values(value)) walk(v);
    Object.freeze(value);
  };
  walk(s);
  return s;
}

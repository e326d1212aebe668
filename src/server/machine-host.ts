/**
 * The adapter between real time and the pure machine model.
 *
 *   socket / control API / library ──input──► dispatch() ──step(state, input, simNow)──► outputs
 *        ▲                                                                  │
 *        └── reply / close ◄── sinks (sessions) ◄── route ◄─────────────────┤ events ──► transcript
 *                                                                           └ timers ──► setTimeout(scaled)
 *
 * Simulated time runs `1 / timeScale` times faster than the wall clock:
 * simNow = (wall elapsed) / timeScale, and a timer the model wants at simulated t fires at
 * wall time (t − simNow) · timeScale. The model only ever sees simulated time.
 */
import type { MachineInput, MachineOutput, StepResult, TimerRequest } from '../machine/api.js';
import type { SimulatorState } from './types.js';
import type { TranscriptLog } from './transcript-log.js';

export type ReplyOutput = Extract<MachineOutput, { type: 'reply' }>;

/** The machine model as the host drives it (`step`/`viewState`; tests may pass a scripted one). */
export interface MachineDriver<S> {
  step(state: S, input: MachineInput, nowMs: number): StepResult<S>;
  view(state: S): SimulatorState;
}

/** Where the host sends what the model says to one connection (a session). */
export interface ConnectionSink {
  reply(output: ReplyOutput): void;
  close(how: 'disconnect' | 'reset'): void;
  /** False once the socket is gone: replies are then dropped and recorded as such. */
  isOpen(): boolean;
}

export interface MachineHostOptions<S> {
  driver: MachineDriver<S>;
  initialState: S;
  timeScale: number;
  transcript: TranscriptLog;
  /** Wall clock in ms (performance.now). */
  wallNow: () => number;
}

export class MachineHost<S> {
  private state: S;
  private readonly driver: MachineDriver<S>;
  private readonly timeScale: number;
  private readonly transcript: TranscriptLog;
  private readonly wallNow: () => number;
  private readonly wallOrigin: number;
  private lastSimNow = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly sinks = new Map<number, ConnectionSink>();
  private dispatching = false;
  private readonly queued: MachineInput[] = [];
  private stopped = false;

  constructor(options: MachineHostOptions<S>) {
    this.driver = options.driver;
    this.state = options.initialState;
    this.timeScale = options.timeScale;
    this.transcript = options.transcript;
    this.wallNow = options.wallNow;
    this.wallOrigin = options.wallNow();
  }

  /** Simulated ms since start; never goes backwards. */
  simNow(): number {
    const now = (this.wallNow() - this.wallOrigin) / this.timeScale;
    if (now > this.lastSimNow) this.lastSimNow = now;
    return this.lastSimNow;
  }

  view(): SimulatorState {
    return this.driver.view(this.state);
  }

  /** Read something off the current state (the armed faults) without changing it. */
  inspect<T>(read: (state: S) => T): T {
    return read(this.state);
  }

  attach(conn: number, sink: ConnectionSink): void {
    this.sinks.set(conn, sink);
  }

  detach(conn: number): void {
    this.sinks.delete(conn);
  }

  /**
   * Feed one input to the model and carry out what it asks. Control inputs (customer,
   * operator, inventory…) throw the model's CertError (e.g. NOTHING_OPEN) to the caller;
   * socket and timer inputs never throw: a model failure becomes a transcript event (and
   * `#ER:GENERIC#` for a frame, so the client is not left hanging).
   */
  dispatch(input: MachineInput, notBefore = 0): void {
    if (this.stopped) return;
    if (this.dispatching) {
      // A sink reacted synchronously (it should not); keep the order instead of recursing.
      this.queued.push(input);
      return;
    }
    this.dispatching = true;
    try {
      this.run(input, this.nowAtLeast(notBefore));
      let next: MachineInput | undefined;
      while ((next = this.queued.shift()) !== undefined) this.runSafely(next);
    } finally {
      this.dispatching = false;
    }
  }

  /** Forget every pending timer (reset, close). */
  clearTimers(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.sinks.clear();
  }

  /** A wall-clock timer may fire a hair early; the model must see at least the time it asked for. */
  private nowAtLeast(notBefore: number): number {
    const now = this.simNow();
    if (notBefore > now) this.lastSimNow = notBefore;
    return this.lastSimNow;
  }

  private runSafely(input: MachineInput): void {
    try {
      this.run(input, this.simNow());
    } catch {
      // Already recorded by run(); queued inputs have no caller to throw to.
    }
  }

  private run(input: MachineInput, now: number): void {
    let result: StepResult<S>;
    try {
      result = this.driver.step(this.state, input, now);
    } catch (err) {
      if (isControlInput(input)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const conn = 'conn' in input ? input.conn : 0;
      this.transcript.event('machine', `internal error in the machine model on ${describeInput(input)}: ${message}`, conn);
      if (input.type === 'frame') {
        const code = /^#([^#]*)#/.exec(input.frame)?.[1] ?? '';
        this.route({ type: 'reply', conn: input.conn, command: code, frame: '#ER:GENERIC#' });
      }
      return;
    }
    this.state = result.state;
    for (const timer of result.timers) this.applyTimer(timer, now);
    for (const output of result.outputs) this.route(output);
  }

  private route(output: MachineOutput): void {
    switch (output.type) {
      case 'event':
        this.transcript.event(output.kind, output.text, output.conn ?? 0, output.fault);
        return;
      case 'close': {
        const sink = this.sinks.get(output.conn);
        if (sink?.isOpen()) sink.close(output.how);
        return;
      }
      case 'reply': {
        const sink = this.sinks.get(output.conn);
        if (sink?.isOpen()) {
          sink.reply(output);
        } else {
          this.transcript.event(
            'connection',
            `reply ${output.frame} to #${output.command}# not sent: connection ${output.conn} is closed`,
            output.conn,
          );
        }
        return;
      }
    }
  }

  private applyTimer(request: TimerRequest, now: number): void {
    const existing = this.timers.get(request.id);
    if (existing !== undefined) clearTimeout(existing);
    this.timers.delete(request.id);
    if (request.type === 'clear') return;
    const { id, atMs } = request;
    const wallDelay = Math.max(0, (atMs - now) * this.timeScale);
    const handle = setTimeout(() => {
      this.timers.delete(id);
      this.dispatch({ type: 'timer', id }, atMs);
    }, wallDelay);
    this.timers.set(id, handle);
  }
}

function isControlInput(input: MachineInput): boolean {
  return input.type !== 'frame' && input.type !== 'timer' && input.type !== 'connect' && input.type !== 'disconnect';
}

function describeInput(input: MachineInput): string {
  switch (input.type) {
    case 'frame':
      return `frame ${input.frame}`;
    case 'timer':
      return `timer ${input.id}`;
    default:
      return `${input.type} input`;
  }
}

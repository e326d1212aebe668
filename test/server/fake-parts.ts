/**
 * Scripted stand-ins for the machine model, framer and fault chain, so the transport
 * (sessions, delivery directives, timers, control API plumbing) can be tested on its own.
 * The real parts are tested end to end in the other files.
 *
 * Fake protocol: one frame per line. `#PING#` → `#0#pong#`; `#WAIT#<ms>#` blocks for <ms>
 * simulated ms then answers `#0#waited#`; `#OPEN#<cents>#` opens an acceptance that answers
 * `#0#<inserted>#` once the customer has inserted enough; anything else → `#ER:BAD_DATA#`.
 */
import { InvalidInputError } from '../../src/errors.js';
import type { FaultBook } from '../../src/faults/book.js';
import type { FaultChain } from '../../src/faults/chain.js';
import type { Delivery, FiredFault } from '../../src/faults/engine-types.js';
import type { FaultSpec, FaultStatus } from '../../src/faults/spec.js';
import type { MachineInput, MachineOutput, StepResult, TimerRequest } from '../../src/machine/api.js';
import { SimulatorError } from '../../src/server/errors.js';
import type { FramerItem } from '../../src/server/session.js';
import type { SimulatorParts } from '../../src/server/simulator.js';
import type { CustomerConfig, ProfileView, SimulatorState } from '../../src/server/types.js';

export interface FakeState {
  faults: FaultBook | null;
  conns: number[];
  op: { command: string; conn: number; amount?: number; inserted?: number; timer?: string } | null;
  inventory: Record<string, number>;
  inserted: number;
  customer: CustomerConfig;
  errors: number[];
  lastReply: Record<number, string>;
  timerSeq: number;
  /** Every input the fake saw, with the simulated time, for assertions. */
  seen: { input: MachineInput; now: number }[];
}

/** A fault chain that shapes the next replies and refuses the next connections as told. */
export class ScriptedEngine implements FaultChain {
  /** Deliveries for the next replies, in order. */
  readonly replyDeliveries: Omit<Delivery, 'faults'>[] = [];
  refuseNext = 0;
  /** Frames the chain saw going to the machine. */
  readonly commands: string[] = [];
  private armed: FaultStatus[] = [];
  private seq = 0;

  disconnect(): void {
    // Nothing per connection to forget.
  }

  connect(): FiredFault[] {
    if (this.refuseNext === 0) return [];
    this.refuseNext--;
    return [{ id: 'x-refuse', type: 'refuse', spec: { type: 'refuse' }, sentence: 'refused the connection' }];
  }

  command(_conn: number, frame: string): void {
    this.commands.push(frame);
  }

  reply(): { fired: FiredFault[]; delivery?: Delivery } {
    const next = this.replyDeliveries.shift();
    if (next === undefined) return { fired: [] };
    return { fired: [{ id: 'x-reply', type: 'latency', spec: { type: 'latency' }, sentence: 'shaped the reply' }], delivery: { ...next, faults: ['x-reply'] } };
  }

  arm(spec: unknown): { id: string; spec: FaultSpec; plane: 'transport' } {
    const s = spec as FaultSpec;
    if (typeof s !== 'object' || s === null || typeof s.type !== 'string' || (s.type as string) === 'bogus') {
      throw new InvalidInputError('invalid fault', [{ severity: 'error', path: 'type', message: 'unknown fault type "bogus"' }]);
    }
    const id = `f${++this.seq}`;
    this.armed.push({ id, spec: s, remaining: s.on?.times ?? 1, fired: 0, description: `${s.type} on the next command` });
    return { id, spec: s, plane: 'transport' };
  }

  disarm(id: string): boolean {
    const before = this.armed.length;
    this.armed = this.armed.filter((f) => f.id !== id);
    return this.armed.length < before;
  }

  list(): FaultStatus[] {
    return this.armed.map((f) => ({ ...f }));
  }

  reset(): void {
    this.armed = [];
    this.replyDeliveries.length = 0;
    this.refuseNext = 0;
  }
}

export const FAKE_PROFILE: ProfileView = {
  name: 'fake',
  currency: 'EUR',
  coins: [50, 100, 200],
  notes: [500, 1000, 2000],
  recyclable: [50, 100, 200, 500, 1000],
  levels: { '50': { nearEmpty: 2, nearFull: 50, capacity: 60 } },
};

function reply(state: FakeState, conn: number, command: string, frame: string, outputs: MachineOutput[]): void {
  state.lastReply[conn] = frame;
  outputs.push({ type: 'reply', conn, command, frame });
}

export function fakeStep(state: FakeState, input: MachineInput, now: number): StepResult<FakeState> {
  const s: FakeState = { ...state, seen: [...state.seen, { input, now }] };
  const outputs: MachineOutput[] = [];
  const timers: TimerRequest[] = [];
  switch (input.type) {
    case 'connect':
      s.conns = [...s.conns, input.conn];
      break;
    case 'arm-fault':
    case 'disarm-fault':
      // The scripted chain keeps every fault; the fake machine has no book.
      break;
    case 'disconnect':
      s.conns = s.conns.filter((c) => c !== input.conn);
      break;
    case 'frame': {
      const m = /^#([A-Z]+)#(?:([^#]*)#)?$/.exec(input.frame);
      const code = m?.[1] ?? '';
      if (s.op !== null) {
        reply(s, input.conn, code, '#ER:BUSY#', outputs);
      } else if (code === 'PING') {
        reply(s, input.conn, code, '#0#pong#', outputs);
      } else if (code === 'WAIT' && m?.[2] !== undefined) {
        const id = `t${++s.timerSeq}`;
        s.op = { command: 'WAIT', conn: input.conn, timer: id };
        timers.push({ type: 'set', id, atMs: now + Number(m[2]) });
      } else if (code === 'OPEN' && m?.[2] !== undefined) {
        s.op = { command: 'OPEN', conn: input.conn, amount: Number(m[2]), inserted: 0 };
      } else {
        reply(s, input.conn, code, '#ER:BAD_DATA#', outputs);
      }
      break;
    }
    case 'timer':
      if (s.op?.timer === input.id) {
        const conn = s.op.conn;
        s.op = null;
        reply(s, conn, 'WAIT', '#0#waited#', outputs);
      }
      break;
    case 'customer': {
      if (s.op === null || s.op.command !== 'OPEN') throw new SimulatorError('NOTHING_OPEN', 'nothing open (fake)');
      const op = { ...s.op };
      for (const d of input.insert ?? []) {
        op.inserted = (op.inserted ?? 0) + d;
        s.inventory = { ...s.inventory, [String(d)]: (s.inventory[String(d)] ?? 0) + 1 };
        s.inserted += d;
        outputs.push({ type: 'event', kind: 'customer', text: `inserted ${d}` });
      }
      s.op = op;
      if (input.cancel || (op.inserted ?? 0) >= (op.amount ?? 0)) {
        s.op = null;
        reply(s, op.conn, 'OPEN', `#${input.cancel ? 'WR:CANCEL' : '0'}#${op.inserted ?? 0}#`, outputs);
      }
      break;
    }
    case 'set-inventory':
      s.inventory = { ...s.inventory, ...(input.inventory.recyclers ?? {}) };
      break;
    case 'set-customer':
      s.customer = input.customer;
      break;
    case 'clear-errors':
      s.errors = [];
      break;
    case 'reset':
      return { state: fakeInitial(s.faults, s.customer, s.seen), outputs, timers };
    case 'operator':
      throw new SimulatorError('NOTHING_OPEN', 'no backoffice (fake)');
  }
  return { state: s, outputs, timers };
}

function fakeInitial(faults: FaultBook | null, customer: CustomerConfig, seen: FakeState['seen'] = []): FakeState {
  return { faults, conns: [], op: null, inventory: { '50': 10 }, inserted: 0, customer, errors: [1130], lastReply: {}, timerSeq: 0, seen };
}

export function fakeView(state: FakeState): SimulatorState {
  const total = Object.entries(state.inventory).reduce((sum, [d, n]) => sum + Number(d) * n, 0);
  return {
    initialized: true,
    operation: state.op ? { command: state.op.command, conn: state.op.conn, amount: state.op.amount, inserted: state.op.inserted, waitingFor: state.op.command === 'OPEN' ? 'customer' : null } : null,
    inventory: { recyclers: { ...state.inventory }, stacker: {} },
    totals: { recyclers: total, stacker: 0 },
    errors: [...state.errors],
    ledger: { inserted: state.inserted, dispensed: 0 },
  };
}

/** One frame per line; what is left is flushed on demand. */
export function fakeFramer(options: { maxFrameBytes: number }) {
  let buffer = '';
  return {
    push(chunk: Buffer): FramerItem[] {
      buffer += chunk.toString('latin1');
      const items: FramerItem[] = [];
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line !== '') items.push(line.startsWith('#') ? { type: 'frame', frame: line } : { type: 'error', reason: 'garbage', raw: line });
      }
      if (buffer.length > options.maxFrameBytes) {
        items.push({ type: 'error', reason: 'too-long', raw: buffer });
        buffer = '';
      }
      return items;
    },
    flush(): FramerItem[] {
      const line = buffer;
      buffer = '';
      return line === '' ? [] : [{ type: 'frame', frame: line }];
    },
    // Lines end frames: an arrival never ends one by itself.
    settle: (): FramerItem[] => [],
    pending: () => buffer.length,
  };
}

export function fakeParts(engine: ScriptedEngine): SimulatorParts<ProfileView, FakeState> & { lastState?: FakeState } {
  return {
    loadProfile: () => FAKE_PROFILE,
    profileView: (p) => p,
    maxFrameBytes: () => 64,
    requestEnd: () => undefined,
    initialState: (_p, options) => fakeInitial(options.faults, options.customer),
    step: fakeStep,
    viewState: fakeView,
    faultStatuses: () => [],
    createFramer: fakeFramer,
    createFaultChain: () => engine,
    listFaultInfo: () => [
      { type: 'latency', plane: 'transport', summary: 'delay replies', wireEffect: 'replies arrive late', options: [{ name: 'ms', kind: 'integer', description: 'delay' }] },
    ],
  };
}

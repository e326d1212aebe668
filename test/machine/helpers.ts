import type { FaultEngine, FaultOpportunity, FiredFault } from '../../src/faults/engine-types.js';
import type { FaultSpec, FaultType } from '../../src/faults/spec.js';
import { createMachineHarness, loadProfile, type MachineHarness, type MachineState } from '../../src/machine/index.js';
import type { InitialStateOptions } from '../../src/machine/machine.js';

export const EUR = loadProfile('eur-pos1500');
export const CHARGE_990 = '#C#1#1#990#1#15360#0#0#0#1#0#0#';

/** A machine on virtual time with one connection (1) open and, unless told otherwise, initialised. */
export function machine(options: InitialStateOptions & { init?: boolean; conns?: number[] } = {}): MachineHarness {
  const m = createMachineHarness(EUR, options);
  for (const conn of options.conns ?? [1]) m.send({ type: 'connect', conn });
  if (options.init !== false) {
    m.frame(1, '#I#');
    m.runUntilIdle();
  }
  return m;
}

/** Send a frame and run the machine until nothing is pending; the replies it produced. */
export function exchange(m: MachineHarness, frame: string, conn = 1): string[] {
  const before = m.outputs.length;
  m.frame(conn, frame);
  m.runUntilIdle();
  return m.outputs.slice(before).flatMap((o) => (o.type === 'reply' && o.conn === conn ? [o.frame] : []));
}

/** Replies sent after output index `from`, as [conn, frame]. */
export function repliesSince(m: MachineHarness, from: number): Array<[number, string]> {
  return m.outputs.slice(from).flatMap((o) => (o.type === 'reply' ? [[o.conn, o.frame] as [number, string]] : []));
}

export function lastReply(m: MachineHarness, conn = 1): string | undefined {
  return m.replies(conn).at(-1);
}

/** Money is conserved and no count is negative. */
export function checkInvariants(state: MachineState): string[] {
  const problems: string[] = [];
  let inside = 0;
  for (const place of ['recyclers', 'stacker'] as const) {
    for (const [key, count] of Object.entries(state[place])) {
      if (!Number.isInteger(count) || count < 0) problems.push(`${place}.${key} = ${count}`);
      inside += Number(key) * count;
    }
  }
  for (const d of [...state.profile.coins, ...state.profile.notes]) {
    const r = state.recyclers[String(d.value)] ?? 0;
    if (d.recyclable && r > d.capacity) problems.push(`recyclers.${d.value} = ${r} above capacity ${d.capacity}`);
    if (!d.recyclable && r !== 0) problems.push(`recyclers.${d.value} = ${r} but it is not recyclable`);
  }
  const { initial, inserted, dispensed, removed } = state.ledger;
  if (inside + dispensed + removed !== initial + inserted) {
    problems.push(`money not conserved: inside ${inside} + dispensed ${dispensed} + removed ${removed} ≠ initial ${initial} + inserted ${inserted}`);
  }
  return problems;
}

interface ScriptedFault {
  type: FaultType;
  spec?: Record<string, unknown>;
  /** Fire at the first opportunity this accepts (default: any opportunity of a point the type supports, except for #I#). */
  when?: (o: FaultOpportunity) => boolean;
  delivery?: { replaceWith?: string; drop?: 'silence' | 'disconnect' | 'reset' };
}

const POINTS: Record<string, FaultOpportunity['point'][]> = {
  'note-jam': ['progress'],
  'coin-jam': ['progress'],
  'partial-dispense': ['progress'],
  'stacker-full': ['command'],
  'door-open': ['command'],
  'device-error': ['command'],
  busy: ['command'],
  restart: ['command'],
  'power-off': ['command'],
  refuse: ['connect'],
  disconnect: ['reply'],
  reset: ['reply'],
  silence: ['reply'],
  latency: ['reply'],
  split: ['reply'],
  corrupt: ['reply'],
  'stale-reply': ['reply'],
};

/** A tiny fault engine for model tests: each scripted fault fires once, at the first opportunity it accepts. */
export function scriptedEngine(script: ScriptedFault[]): FaultEngine & { fired: FiredFault[] } {
  const pending = script.map((f, i) => ({ ...f, id: `s${i + 1}` }));
  const fired: FiredFault[] = [];
  return {
    fired,
    consult(opportunity) {
      const out: FiredFault[] = [];
      for (const f of [...pending]) {
        if (!(POINTS[f.type] ?? []).includes(opportunity.point)) continue;
        // Without a condition, a scripted fault skips the #I# that machine() sends while setting up.
        if (f.when ? !f.when(opportunity) : 'command' in opportunity && opportunity.command === 'I') continue;
        pending.splice(pending.indexOf(f), 1);
        const spec = { type: f.type, ...(f.spec ?? {}) } as FaultSpec;
        const one: FiredFault = { id: f.id, type: f.type, spec, sentence: `${f.type} fired at ${opportunity.point}` };
        out.push(one);
        fired.push(one);
      }
      return out;
    },
    deliveryFor(list) {
      const withDelivery = list.map((f) => pending.find((p) => p.id === f.id) ?? script[Number(f.id.slice(1)) - 1]).filter((f) => f?.delivery);
      if (withDelivery.length === 0) return undefined;
      return { ...(withDelivery[0]?.delivery ?? {}), faults: list.map((f) => f.id) };
    },
    arm: () => 'unused',
    disarm: () => false,
    list: () => [],
    reset: () => undefined,
  };
}

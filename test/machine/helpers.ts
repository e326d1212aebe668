import { newFaultBook } from '../../src/faults/book.js';
import type { FaultSpec } from '../../src/faults/spec.js';
import { createMachineHarness, type HarnessOptions, type MachineHarness, type MachineState } from '../../src/machine/index.js';
import { loadProfile } from '../../src/server/load-profile.js';

export const EUR = loadProfile('eur-pos1500');
export const CHARGE_990 = '#C#1#1#990#1#15360#0#0#0#1#0#0#';

/**
 * A machine on virtual time with one connection (1) open and, unless told otherwise, initialised.
 * `arm`: domain faults armed once it is set up (so they do not fire on its own #I#), as f1, f2…
 */
export function machine(options: HarnessOptions & { init?: boolean; conns?: number[]; arm?: unknown[] } = {}): MachineHarness {
  const { arm = [], ...rest } = options;
  const m = createMachineHarness(EUR, { ...(arm.length > 0 && rest.faults === undefined ? { faults: newFaultBook(1) } : {}), ...rest });
  for (const conn of options.conns ?? [1]) m.send({ type: 'connect', conn });
  if (options.init !== false) {
    m.frame(1, '#I#');
    m.runUntilIdle();
  }
  arm.forEach((spec, i) => m.send({ type: 'arm-fault', id: `f${i + 1}`, spec: spec as FaultSpec }));
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

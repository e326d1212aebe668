/**
 * The floor of a checklist run: the wall time the checklist itself makes any run wait, whatever
 * the tool and the POS do. A run can never be shorter, so `run time / floor` is how much of a
 * run is the tool (and the POS) rather than the waits the items ask for (docs/bench.md).
 *
 * What counts, per item that runs (not-applicable and skipped items cost nothing):
 *
 *   wait step                   its `ms`
 *   customer / operator step    its `after` (wall clock, not scaled: docs/checklist-format.md)
 *   latency fault               `ms − jitter` per reply it is certain to delay: armed in `setup`
 *                               or a `fault` step, without `probability` below 1 and without an
 *                               `nth` above 1, it delays at most `times` replies (default 1;
 *                               unbounded with `for`), and each later action step that
 *                               necessarily sends a command the trigger matches (startup #I#,
 *                               sale #C#, refund #P#, backoffice #G#) waits for one reply
 *   customer inserts            machine time, scaled: each note `noteAccept`, each coin
 *                               `coinAccept` of the profile, × the time scale
 *   automatic customer          per later `sale` action: its delay (`delayMs`, default the
 *                               profile's `customerDelay`) and the pieces of `pay`, scaled
 *
 * Everything else is left out because a correct POS may legitimately avoid it (a `within`
 * window ends as soon as the frame comes; `silence`, `busy` and `refuse` end early when the POS
 * reconnects or retries; dispensing depends on the change the machine picks). The floor is
 * therefore a lower bound, never an estimate. Pure: no clock, no I/O.
 */
import { parseDuration } from '../duration.js';
import type { ChecklistItem, Step } from '../checklist/types.js';
import type { FaultSpec } from '../faults/spec.js';
import type { PosAction } from '../pos/types.js';

/** The machine durations the floor needs (a subset of the profile's `durations`), in simulated ms. */
export interface FloorMachine {
  noteAcceptMs: number;
  coinAcceptMs: number;
  customerDelayMs: number;
  /** Note denominations in cents; every other value is a coin. */
  notes: readonly number[];
}

export interface FloorOptions {
  /** The run's time scale (> 0): multiplies machine durations, never the wall-clock waits. */
  timeScale: number;
  /** Absent: machine durations count as 0 (the floor stays a lower bound). */
  machine?: FloorMachine;
}

export interface ItemFloor {
  id: string;
  /** Wall-clock waits the item declares, ms. */
  waitsMs: number;
  /** Machine durations × the time scale, ms. */
  machineMs: number;
  floorMs: number;
}

export interface RunFloor {
  floorMs: number;
  items: ItemFloor[];
}

/** Commands each POS action necessarily sends (protocol.md §7): what a `command` trigger can match. */
const ACTION_COMMANDS: Readonly<Record<PosAction, readonly string[]>> = {
  startup: ['I'],
  sale: ['C'],
  refund: ['P'],
  cancel: [],
  backoffice: ['G'],
  refill: [],
  'close-day': [],
  shutdown: [],
};

/** The floor of the items that will run; `items` come in run order, already selected and applicable. */
export function runFloor(items: readonly ChecklistItem[], options: FloorOptions): RunFloor {
  if (!Number.isFinite(options.timeScale) || options.timeScale <= 0) {
    throw new RangeError(`runFloor: timeScale must be a number above 0, got ${String(options.timeScale)}`);
  }
  const perItem = items.map((item) => itemFloor(item, options));
  return { floorMs: perItem.reduce((sum, item) => sum + item.floorMs, 0), items: perItem };
}

export function itemFloor(item: ChecklistItem, options: FloorOptions): ItemFloor {
  let waitsMs = 0;
  let machineSimMs = 0;
  const steps = item.steps;
  steps.forEach((step, index) => {
    const later = steps.slice(index + 1);
    switch (step.kind) {
      case 'wait':
        waitsMs += nonNegative(step.ms);
        break;
      case 'customer':
        waitsMs += nonNegative(step.afterMs);
        if (step.insert && options.machine) machineSimMs += insertMs(step.insert, options.machine);
        break;
      case 'operator':
        waitsMs += nonNegative(step.afterMs);
        break;
      case 'fault':
        waitsMs += latencyFloor(step.fault, later);
        break;
      case 'setup':
        for (const fault of step.faults ?? []) waitsMs += latencyFloor(fault, later);
        if (step.customer?.mode === 'auto' && options.machine) {
          const sales = later.filter((s) => s.kind === 'action' && s.action === 'sale').length;
          const delay = step.customer.delayMs ?? options.machine.customerDelayMs;
          machineSimMs += sales * (nonNegative(delay) + insertMs(step.customer.pay ?? [], options.machine));
        }
        break;
      default:
        break;
    }
  });
  const machineMs = machineSimMs * options.timeScale;
  return { id: item.id, waitsMs, machineMs, floorMs: waitsMs + machineMs };
}

/** What a latency fault certainly adds: its delay for each reply it must delay (see the header). */
export function latencyFloor(fault: FaultSpec, later: readonly Step[]): number {
  if (fault.type !== 'latency') return 0;
  const on = fault.on ?? {};
  if (on.probability !== undefined && on.probability < 1) return 0;
  if (on.nth !== undefined && on.nth > 1) return 0;
  const delay = (parseDuration(fault['ms']) ?? 1000) - (parseDuration(fault['jitter']) ?? 0);
  if (!(delay > 0)) return 0;
  const command = on.command;
  const actions = later.filter((s) => {
    if (s.kind !== 'action') return false;
    const sends = ACTION_COMMANDS[s.action];
    return command === undefined ? sends.length > 0 : sends.includes(command);
  }).length;
  const times = fault['for'] !== undefined ? Number.POSITIVE_INFINITY : (on.times ?? 1);
  return delay * Math.min(actions, times);
}

function insertMs(pieces: readonly number[], machine: FloorMachine): number {
  return pieces.reduce((sum, value) => sum + (machine.notes.includes(value) ? machine.noteAcceptMs : machine.coinAcceptMs), 0);
}

function nonNegative(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

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
 *                               `nth` above 1, it is certain to delay `times` replies (default 1;
 *                               a `for` window may delay more, but not certainly the ones that
 *                               count here), and each command a later action step the
 *                               item waits for (a waited step, or one whose outcome a later
 *                               `expect: {outcome}` reads) necessarily sends, in the POS's
 *                               integration, that the trigger matches waits for one reply
 *                               (ACTION_COMMANDS; a complete sale's `#J#` when no fault of the
 *                               item may end the sale another way, and the polls sent while the
 *                               customer pays cannot use up `times` first: a trigger on `#J#`,
 *                               or `times × ms` at least the item's timeout)
 *   start-up                    machine time, scaled: the first `startup` an item waits for
 *                               sends `#I#` to a machine the runner has just reset, so it is a
 *                               cold start (`initCold`), unless a fault that does more than
 *                               delay a reply (not latency, not split) could take that `#I#`
 *                               (a trigger on `I` or on any command)
 *   customer inserts            machine time, scaled: each note `noteAccept`, each coin
 *                               `coinAccept` of the profile, × the time scale, for the part
 *                               that outlasts the wall-clock waits after the step (the
 *                               validator works while they run), when a later `outcome`
 *                               expectation makes the item wait for the money
 *   automatic customer          per later waited-for `sale` action: its delay (`delayMs`,
 *                               default the profile's `customerDelay`) and the pieces of `pay`,
 *                               scaled; not counted when the item arms a fault that does more
 *                               than delay a reply (it may end the sale before the customer pays)
 *
 * Everything else is left out because a correct POS may legitimately avoid it (a `within`
 * window ends as soon as the frame comes; `silence`, `busy` and `refuse` end early when the POS
 * reconnects or retries; dispensing depends on the change the machine picks). The floor is
 * therefore a lower bound, never an estimate. Pure: no clock, no I/O.
 */
import { parseDuration } from '../duration.js';
import type { ChecklistItem, Step } from '../checklist/types.js';
import type { FaultSpec } from '../faults/spec.js';
import type { MachineProfile } from '../machine/profile.js';
import type { IntegrationType, PosAction } from '../pos/types.js';

/** The machine durations the floor needs (a subset of the profile's `durations`), in simulated ms. */
export interface FloorMachine {
  noteAcceptMs: number;
  coinAcceptMs: number;
  customerDelayMs: number;
  /** The first `#I#` after a reset. Absent: not counted. */
  initColdMs?: number;
  /** Note denominations in cents; every other value is a coin. */
  notes: readonly number[];
}

export interface FloorOptions {
  /** The run's time scale (> 0): multiplies machine durations, never the wall-clock waits. */
  timeScale: number;
  /** Absent: machine durations count as 0 (the floor stays a lower bound). */
  machine?: FloorMachine;
  /** The POS's integration: which commands its actions necessarily send. Absent: none (no latency counted). */
  integration?: IntegrationType;
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

/**
 * Commands each POS action necessarily sends, by integration (protocol.md §4, §7), and whose
 * reply comes only once the machine's work for them is done, so that a delay added to that reply
 * follows everything else the action waits for: `#I#` after the start-up, `#C#` after the
 * customer paid and the change went out, `#P#` after the dispense, `#G#` after the backoffice
 * session. Not `#B#`: its reply comes at once, and the customer pays while it is delayed. Not a
 * shutdown's `#E#`: the last command, whose reply a POS may not wait for. A mixed sale may be an
 * Express `#C#` or a no-screen sale, so neither is certain; a tickets POS sends no frame at all
 * (the look-alike does).
 */
const NONE: readonly string[] = [];
const ACTION_COMMANDS: Readonly<Record<IntegrationType, Readonly<Partial<Record<PosAction, readonly string[]>>>>> = {
  express: { startup: ['I'], sale: ['C'], backoffice: ['G'] },
  complete: { startup: ['I'], refund: ['P'] },
  mixed: { startup: ['I'], refund: ['P'], backoffice: ['G'] },
  tickets: {},
};

/**
 * A no-screen sale (complete) ends with `#J#`, sent once the customer's money is in or the
 * cashier cancelled, and answered at once: a delay added to its reply follows the steps that
 * paid. Counted only when `saleEndUncertain` is false (see latencyFloor): no fault of the item
 * can end the sale another way (a jam, an error reply, a restart, a cut connection), and the
 * sale's polls cannot use up the fault first.
 */
const NO_SCREEN_SALE_END: readonly string[] = ['J'];

function commandsOf(action: PosAction, integration: IntegrationType | undefined, saleEndUncertain = true): readonly string[] {
  if (integration === 'complete' && action === 'sale' && !saleEndUncertain) return NO_SCREEN_SALE_END;
  return integration === undefined ? NONE : (ACTION_COMMANDS[integration][action] ?? NONE);
}

/** What the floor needs of a machine profile. */
export function floorMachineOf(profile: Pick<MachineProfile, 'durations' | 'notes'>): FloorMachine {
  const { noteAcceptMs, coinAcceptMs, customerDelayMs, initColdMs } = profile.durations;
  return { noteAcceptMs, coinAcceptMs, customerDelayMs, initColdMs, notes: profile.notes.map((n) => n.value) };
}

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
  const anyDomainFault = steps.some((s) => faultsOf(s).some((f) => !DELAY_ONLY.has(f.type)));
  steps.forEach((step, index) => {
    const later = steps.slice(index + 1);
    switch (step.kind) {
      case 'wait':
        waitsMs += nonNegative(step.ms);
        break;
      case 'customer':
      case 'operator':
        waitsMs += nonNegative(step.afterMs);
        break;
      case 'fault':
        waitsMs += latencyFloor(step.fault, later, { integration: options.integration, domainFault: anyDomainFault, itemTimeoutMs: item.timeoutMs });
        break;
      case 'setup':
        for (const fault of step.faults ?? []) waitsMs += latencyFloor(fault, later, { integration: options.integration, domainFault: anyDomainFault, itemTimeoutMs: item.timeoutMs });
        // A fault may end a sale before the automatic customer pays (a jam, an error reply…);
        // one that only delays replies cannot.
        if (step.customer?.mode === 'auto' && options.machine && !anyDomainFault) {
          const sales = later.filter((s) => s.kind === 'action' && s.action === 'sale' && s.wait).length;
          const delay = step.customer.delayMs ?? options.machine.customerDelayMs;
          machineSimMs += sales * (nonNegative(delay) + insertMs(step.customer.pay ?? [], options.machine));
        }
        break;
      default:
        break;
    }
  });
  machineSimMs += coldStartMs(steps, options);
  const machineMs = machineSimMs * options.timeScale + insertTailMs(steps, options);
  return { id: item.id, waitsMs, machineMs, floorMs: waitsMs + machineMs };
}

/** Faults that only make a reply arrive later (in one piece or several): the operation itself still runs. */
const DELAY_ONLY: ReadonlySet<string> = new Set(['latency', 'split']);

function faultsOf(step: Step): readonly FaultSpec[] {
  return step.kind === 'setup' ? (step.faults ?? []) : step.kind === 'fault' ? [step.fault] : [];
}

/**
 * Pieces a `customer` step inserts go through the validator while the next steps already run,
 * so their machine time counts only where it outlasts the wall-clock waits after it, and only
 * when a later `expect: {outcome}` makes the item wait for the money to be counted. Wall ms.
 */
function insertTailMs(steps: readonly Step[], options: FloorOptions): number {
  const machine = options.machine;
  if (machine === undefined) return 0;
  let tail = 0;
  steps.forEach((step, index) => {
    if (step.kind !== 'customer' || !step.insert?.length) return;
    const later = steps.slice(index + 1);
    if (!later.some((s) => s.kind === 'expect' && s.expect.type === 'outcome')) return;
    const wallAfter = later.reduce((sum, s) => sum + (s.kind === 'wait' ? nonNegative(s.ms) : s.kind === 'customer' || s.kind === 'operator' ? nonNegative(s.afterMs) : 0), 0);
    tail = Math.max(tail, insertMs(step.insert, machine) * options.timeScale - wallAfter);
  });
  return tail;
}

interface LatencyContext {
  integration?: IntegrationType;
  /** A fault of the item may end a sale another way than the customer paying (see DELAY_ONLY). */
  domainFault: boolean;
  /** No item runs longer: the runner ends it. */
  itemTimeoutMs: number;
}

/** What a latency fault certainly adds: its delay for each reply it must delay (see the header). */
function latencyFloor(fault: FaultSpec, later: readonly Step[], context: LatencyContext): number {
  if (fault.type !== 'latency') return 0;
  const on = fault.on ?? {};
  if (on.probability !== undefined && on.probability < 1) return 0;
  if (on.nth !== undefined && on.nth > 1) return 0;
  const delay = (parseDuration(fault['ms']) ?? 1000) - (parseDuration(fault['jitter']) ?? 0);
  if (!(delay > 0)) return 0;
  const command = on.command;
  // Each firing delays one reply, and the POS waits for it before its next command; a `for`
  // window delays the replies after it too, but only while it lasts: not certainly these.
  const times = on.times ?? 1;
  // A no-screen sale's polls go out while the customer pays, so delays spent on them overlap
  // the customer's waits: they must not be able to use up `times` before the sale's #J#. One
  // command at a time, `times` delayed replies take `times × delay`: at least the item's timeout,
  // and the budget outlasts the item.
  const saleEndCertain = !context.domainFault && (command === 'J' || times * delay >= context.itemTimeoutMs);
  // An action the item does not wait for may overlap the steps after it.
  const replies = later.reduce((sum, s, index) => {
    if (s.kind !== 'action' || !awaited(s, later.slice(index + 1))) return sum;
    const sends = commandsOf(s.action, context.integration, !saleEndCertain);
    return sum + (command === undefined ? sends.length : sends.filter((c) => c === command).length);
  }, 0);
  return delay * Math.min(replies, times);
}

/**
 * Whether the item waits for the action to end: a waited step, or one started with `wait: false`
 * whose outcome a later `expect: {outcome}` reads (by its name, or as the last action before it).
 * Such an action's last reply comes after the steps between (the customer pays, the cashier
 * cancels), so a delay added to it follows them.
 */
function awaited(action: Extract<Step, { kind: 'action' }>, after: readonly Step[]): boolean {
  if (action.wait) return true;
  let last = true;
  for (const step of after) {
    if (step.kind === 'action') last = false;
    else if (step.kind === 'expect' && step.expect.type === 'outcome' && (step.expect.of === undefined ? last : step.expect.of === action.name)) return true;
  }
  return false;
}

/**
 * The cold start of the item's first waited-for `startup`, in simulated ms (see the header). A
 * fault that could answer or swallow that `#I#` instead (busy, error, drop, restart…) may skip
 * the start-up; a latency fault only adds to it.
 */
function coldStartMs(steps: readonly Step[], options: FloorOptions): number {
  const initColdMs = options.machine?.initColdMs;
  if (initColdMs === undefined || !commandsOf('startup', options.integration).includes('I')) return 0;
  for (const step of steps) {
    if (faultsOf(step).some((f) => !DELAY_ONLY.has(f.type) && (f.on?.command === undefined || f.on.command === 'I'))) return 0;
    if (step.kind === 'action' && step.action === 'startup') return step.wait ? nonNegative(initColdMs) : 0;
  }
  return 0;
}

function insertMs(pieces: readonly number[], machine: FloorMachine): number {
  return pieces.reduce((sum, value) => sum + (machine.notes.includes(value) ? machine.noteAcceptMs : machine.coinAcceptMs), 0);
}

function nonNegative(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

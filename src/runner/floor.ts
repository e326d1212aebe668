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
 *                               (a trigger on every command only when `times × ms` reaches the
 *                               item's timeout: a smaller budget may go to the commands a POS
 *                               chooses to send first, `#?#`, `#T#`, polls)
 *                               (ACTION_COMMANDS; a complete sale's `#J#` when no fault of the
 *                               item may end the sale another way, and the polls sent while the
 *                               customer pays cannot use up `times` first: a trigger on `#J#`,
 *                               or `times × ms` at least the item's timeout); and a complete
 *                               sale's poll: the POS learns that the money is in only from a
 *                               poll the connector received after it went in (`#Q#`, or `#Y2#`:
 *                               its choice), so a fault on every command delays one poll reply
 *                               between the money and `#J#` (not when the item may cancel)
 *   split fault                 the simulator's pause between two pieces of a reply
 *                               (`splitPauseMs`), once per reply it is certain to cut, counted
 *                               as a latency fault is: every firing cuts (a reply shorter than
 *                               the offsets is cut in its middle), and the POS reads the whole
 *                               reply before its next command
 *   a customer's `whenSends`    in a complete integration, the latency on the command that
 *                               triggers the customer: the POS sends its next command (the
 *                               sale's `#J#` at the latest) only once that command is answered
 *                               (one command at a time), when a later `outcome` waits for the
 *                               sale and the fault is certain and cannot be used up first
 *   start-up                    machine time, scaled: the first `startup` an item waits for
 *                               sends `#I#` to a machine the runner has just reset, so it is a
 *                               cold start (`initCold`), unless a fault that does more than
 *                               delay a reply (not latency, not split) could take that `#I#`
 *                               (a trigger on `I` or on any command), except when a later check
 *                               requires the start-up `completed` and the fault acts only before
 *                               the `#I#` runs or on its reply (busy, refuse, a cut reply)
 *   restart                     machine time, scaled: a `restart` fault certain to fire on a
 *                               command a waited action necessarily sends (no `after`, no
 *                               chance, no later `nth`) makes the connector forget its `#I#`;
 *                               when a later waited action needs it again, the POS's new `#I#`
 *                               is a cold start (`initCold`)
 *   customer inserts            machine time, scaled: each note `noteAccept`, each coin
 *                               `coinAccept` of the profile, × the time scale, for the part
 *                               that outlasts the wall-clock waits after the step (the
 *                               validator works while they run), when a later `outcome`
 *                               expectation makes the item wait for the money
 *   automatic customer          per later waited-for `sale` action: its delay (`delayMs`,
 *                               default the profile's `customerDelay`) and the pieces of `pay`,
 *                               scaled; not counted when the item arms a fault that does more
 *                               than delay a reply (it may end the sale before the customer
 *                               pays), unless it acts only on an Express `#C#`'s reply or while
 *                               that charge pays out change (both after the money is in)
 *
 * Everything else is left out because a correct POS may legitimately avoid it (a `within`
 * window ends as soon as the frame comes; `silence`, `busy` and `refuse` end early when the POS
 * reconnects or retries; dispensing depends on the change the machine picks). The floor is
 * therefore a lower bound, never an estimate. Pure: no clock, no I/O.
 */
import { parseDuration } from '../duration.js';
import { commandOf } from '../checklist/pattern-syntax.js';
import type { ChecklistItem, Step } from '../checklist/types.js';
import type { FaultPoint } from '../faults/definition.js';
import { FAULT_TYPES, getFaultDefinition } from '../faults/registry.js';
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
  /** The connector's pause between two pieces of a split reply (wall ms). Absent: splits count 0. */
  splitPauseMs?: number;
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
 * paid. Counted only when the sale's end is certain (see replyDelayFloor): no fault of the item
 * can end the sale another way (a jam, an error reply, a restart, a cut connection), and the
 * sale's polls cannot use up the fault first.
 */
const NO_SCREEN_SALE_END: readonly string[] = ['J'];

/**
 * The poll that tells a no-screen POS the money is in: `#Q#` or `#Y2#`, the POS's choice, so it
 * matches only a trigger on every command. Not a command code.
 */
const POLL = '(poll)';
const NO_SCREEN_SALE_PAID: readonly string[] = [POLL, 'J'];

function commandsOf(action: PosAction, integration: IntegrationType | undefined, saleEnd: SaleEnd = 'uncertain'): readonly string[] {
  if (integration === 'complete' && action === 'sale' && saleEnd !== 'uncertain') return saleEnd === 'paid' ? NO_SCREEN_SALE_PAID : NO_SCREEN_SALE_END;
  return integration === undefined ? NONE : (ACTION_COMMANDS[integration][action] ?? NONE);
}

/**
 * How a no-screen sale certainly ends: `paid` (a poll reads the money, then `#J#`), `ended`
 * (`#J#`, after the money or a cancel), or `uncertain` (a fault may end it another way).
 */
type SaleEnd = 'paid' | 'ended' | 'uncertain';

/**
 * Commands each action necessarily sends, whatever its reply (a `restart` on one of them is
 * certain to fire): ACTION_COMMANDS, and a no-screen sale's `#B#`, its first command.
 */
const ACTION_SENDS: Readonly<Record<IntegrationType, Readonly<Partial<Record<PosAction, readonly string[]>>>>> = {
  ...ACTION_COMMANDS,
  complete: { ...ACTION_COMMANDS.complete, sale: ['B'] },
};

/** Every command whose reply an action's count may include (ACTION_COMMANDS, a no-screen sale's end). */
const COUNTED_REPLIES: ReadonlySet<string> = new Set([...Object.values(ACTION_COMMANDS).flatMap((byAction) => Object.values(byAction).flat()), ...NO_SCREEN_SALE_END]);

/** Actions that need an initialised connector: a restart before them costs a new `#I#`. */
const NEEDS_INIT: ReadonlySet<PosAction> = new Set(['startup', 'sale', 'refund', 'backoffice', 'refill', 'close-day']);

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
  const context: DelayContext = {
    ...(options.integration !== undefined ? { integration: options.integration } : {}),
    domainFault: anyDomainFault,
    itemTimeoutMs: item.timeoutMs,
    splitPauseMs: options.splitPauseMs ?? 0,
  };
  steps.forEach((step, index) => {
    const later = steps.slice(index + 1);
    switch (step.kind) {
      case 'wait':
        waitsMs += nonNegative(step.ms);
        break;
      case 'customer':
        waitsMs += nonNegative(step.afterMs) + triggerDelayMs(step, steps.slice(0, index), later, context);
        break;
      case 'operator':
        waitsMs += nonNegative(step.afterMs);
        break;
      case 'fault':
        waitsMs += replyDelayFloor(step.fault, later, context);
        machineSimMs += restartColdMs(step.fault, later, options);
        break;
      case 'setup':
        for (const fault of step.faults ?? []) {
          waitsMs += replyDelayFloor(fault, later, context);
          machineSimMs += restartColdMs(fault, later, options);
        }
        // A fault may end a sale before the automatic customer pays (a jam, an error reply…);
        // one that only delays replies, or acts only once the charge's money is in, cannot.
        if (step.customer?.mode === 'auto' && options.machine && steps.every((s) => faultsOf(s).every((f) => actsAfterPayment(f, options.integration)))) {
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
  const machineMs = machineSimMs * options.timeScale + insertTailMs(steps, options, context);
  return { id: item.id, waitsMs, machineMs, floorMs: waitsMs + machineMs };
}

/** Faults that only make a reply arrive later (in one piece or several): the operation itself still runs. */
const DELAY_ONLY: ReadonlySet<string> = new Set(['latency', 'split']);

/** Acts while a charge pays out its change: after the customer's money is in. */
const DURING_CHANGE: ReadonlySet<string> = new Set(['partial-dispense']);

/**
 * Whether a fault leaves the automatic customer's payment certain: it only delays replies, or
 * it acts on an Express charge's reply (cut, withheld, damaged) or while the charge pays out its
 * change, both of which come once the customer's money is in. A trigger on any other command
 * may end the sale first (a cut `#T#` reply, and the POS may give the sale up).
 */
function actsAfterPayment(fault: FaultSpec, integration: IntegrationType | undefined): boolean {
  if (DELAY_ONLY.has(fault.type)) return true;
  if (integration !== 'express' || fault.on?.command !== 'C') return false;
  if (DURING_CHANGE.has(fault.type)) return true;
  return actsOnlyAt(fault, ['reply']);
}

/** The fault is known, has no progress trigger (`after`), and each point it can fire at is one of `points`. */
function actsOnlyAt(fault: FaultSpec, points: readonly FaultPoint[]): boolean {
  if (!(FAULT_TYPES as readonly string[]).includes(fault.type) || fault.on?.after !== undefined) return false;
  return getFaultDefinition(fault.type).points.every((point) => points.includes(point));
}

function faultsOf(step: Step): readonly FaultSpec[] {
  return step.kind === 'setup' ? (step.faults ?? []) : step.kind === 'fault' ? [step.fault] : [];
}

/**
 * Pieces a `customer` step inserts go through the validator while the next steps already run,
 * so their machine time counts only where it outlasts the wall-clock waits after it, and only
 * when a later `expect: {outcome}` makes the item wait for the money to be counted. Wall ms.
 */
function insertTailMs(steps: readonly Step[], options: FloorOptions, context: DelayContext): number {
  const machine = options.machine;
  if (machine === undefined) return 0;
  let tail = 0;
  steps.forEach((step, index) => {
    if (step.kind !== 'customer' || !step.insert?.length) return;
    const later = steps.slice(index + 1);
    if (!later.some((s) => s.kind === 'expect' && s.expect.type === 'outcome')) return;
    // A whenSends customer inserts when the POS sends the trigger, whose reply the POS waits for.
    const ownTrigger = triggerDelayMs(step, steps.slice(0, index), later, context);
    const wallAfter = later.reduce((sum, s, k) => {
      if (s.kind === 'wait') return sum + nonNegative(s.ms);
      if (s.kind === 'operator') return sum + nonNegative(s.afterMs);
      if (s.kind === 'customer') return sum + nonNegative(s.afterMs) + triggerDelayMs(s, steps.slice(0, index + 1 + k), later.slice(k + 1), context);
      return sum;
    }, ownTrigger);
    tail = Math.max(tail, insertMs(step.insert, machine) * options.timeScale - wallAfter);
  });
  return tail;
}

interface DelayContext {
  integration?: IntegrationType;
  /** A fault of the item may end a sale another way than the customer paying (see DELAY_ONLY). */
  domainFault: boolean;
  /** No item runs longer: the runner ends it. */
  itemTimeoutMs: number;
  /** The pause between two pieces of a split reply, wall ms. */
  splitPauseMs: number;
}

/**
 * What one firing of a fault adds to the reply it hits, when it certainly fires: a latency's
 * `ms − jitter`, a split's pause (at least one: every firing cuts). Else 0.
 */
function delayPerReply(fault: FaultSpec, context: DelayContext): number {
  const on = fault.on ?? {};
  if (on.probability !== undefined && on.probability < 1) return 0;
  if (on.nth !== undefined && on.nth > 1) return 0;
  if (fault.type === 'latency') return Math.max(0, (parseDuration(fault['ms']) ?? 1000) - (parseDuration(fault['jitter']) ?? 0));
  if (fault.type === 'split') return context.splitPauseMs;
  return 0;
}

/**
 * Whether the polls of a no-screen sale cannot use up the fault before the replies that count:
 * it is on `#J#`, or one command at a time `times` delayed replies take at least the item's timeout.
 */
function outlastsPolls(fault: FaultSpec, delay: number, context: DelayContext): boolean {
  const times = fault.on?.times ?? 1;
  return fault.on?.command === 'J' || times * delay >= context.itemTimeoutMs;
}

/** What a latency or split fault certainly adds: its delay for each reply it must delay (see the header). */
function replyDelayFloor(fault: FaultSpec, later: readonly Step[], context: DelayContext): number {
  const delay = delayPerReply(fault, context);
  if (!(delay > 0)) return 0;
  const command = fault.on?.command;
  // Each firing delays one reply, and the POS waits for it before its next command; a `for`
  // window delays the replies after it too, but only while it lasts: not certainly these.
  const times = fault.on?.times ?? 1;
  // A no-screen sale's polls go out while the customer pays, so delays spent on them overlap
  // the customer's waits: they must not be able to use up `times` before the sale's end.
  const certain = !context.domainFault && outlastsPolls(fault, delay, context);
  // On every command, a budget the item can use up may go to commands a POS chooses to send
  // (`#?#` or `#T#` first, a poll): none of the replies that count is certain then.
  if (command === undefined && times * delay < context.itemTimeoutMs) return 0;
  // An action the item does not wait for may overlap the steps after it.
  const replies = later.reduce((sum, s, index) => {
    if (s.kind !== 'action' || !awaited(s, later.slice(index + 1))) return sum;
    const saleEnd: SaleEnd = !certain ? 'uncertain' : mayCancel(later.slice(index + 1)) ? 'ended' : 'paid';
    const sends = commandsOf(s.action, context.integration, saleEnd);
    return sum + (command === undefined ? sends.length : sends.filter((c) => c === command).length);
  }, 0);
  return delay * Math.min(replies, times);
}

/** A later step may end a sale without the money: the cashier's or the customer's cancel. */
function mayCancel(after: readonly Step[]): boolean {
  return after.some((s) => (s.kind === 'action' && s.action === 'cancel') || (s.kind === 'customer' && s.cancel === true));
}

/**
 * A complete POS answers the customer's `whenSends` trigger only after its reply: the command it
 * sends next (the sale's `#J#` at the latest) waits for that reply, and the latency of a fault on
 * that very command delays it. Counted once, with the largest such delay, when a later `outcome`
 * waits for the sale. A fault on every command is the poll's case (replyDelayFloor), not this one.
 */
function triggerDelayMs(step: Extract<Step, { kind: 'customer' }>, before: readonly Step[], after: readonly Step[], context: DelayContext): number {
  if (context.integration !== 'complete' || context.domainFault || step.whenSends === undefined) return 0;
  if (!after.some((s) => s.kind === 'expect' && s.expect.type === 'outcome')) return 0;
  const code = commandOf(step.whenSends);
  // A reply the actions already count (a `#J#`, a `#P#`…) is not counted twice.
  if (code === undefined || COUNTED_REPLIES.has(code)) return 0;
  const delays = before
    .flatMap(faultsOf)
    .filter((f) => f.type === 'latency' && f.on?.command === code)
    .map((f) => {
      const delay = delayPerReply(f, context);
      return outlastsPolls(f, delay, context) ? delay : 0;
    });
  return Math.max(0, ...delays);
}

/**
 * A `restart` certain to fire on a command the next action necessarily sends, that action waited
 * for, and a later waited action needing the connector: the POS's next `#I#` is a cold start,
 * somewhere between the two. Only when no step between declares a wait of its own (a wait, a
 * customer, an operator), which the cold start could overlap. Simulated ms.
 */
function restartColdMs(fault: FaultSpec, later: readonly Step[], options: FloorOptions): number {
  const initColdMs = options.machine?.initColdMs;
  const integration = options.integration;
  if (fault.type !== 'restart' || initColdMs === undefined || integration === undefined) return 0;
  const on = fault.on ?? {};
  if (on.command === undefined || on.after !== undefined || (on.probability !== undefined && on.probability < 1) || (on.nth !== undefined && on.nth > 1)) return 0;
  let fired = false;
  for (const [index, step] of later.entries()) {
    if (step.kind === 'wait' || step.kind === 'customer' || step.kind === 'operator') return 0;
    if (step.kind !== 'action') continue;
    const waitedFor = awaited(step, later.slice(index + 1));
    if (!fired) {
      if (!waitedFor || !(ACTION_SENDS[integration][step.action] ?? NONE).includes(on.command)) return 0;
      fired = true;
    } else if (waitedFor && NEEDS_INIT.has(step.action)) {
      return nonNegative(initColdMs);
    }
  }
  return 0;
}

/**
 * Whether the item waits for the action to end: a waited step, or one started with `wait: false`
 * whose outcome a later `expect: {outcome}` reads (by its name, or as the last action before it).
 * Such an action's last reply comes after the steps between (the customer pays, the cashier
 * cancels), so a delay added to it follows them.
 */
function awaited(action: Extract<Step, { kind: 'action' }>, after: readonly Step[]): boolean {
  return action.wait || outcomeChecksOf(action, after).length > 0;
}

type OutcomeCheck = Extract<Extract<Step, { kind: 'expect' }>['expect'], { type: 'outcome' }>;

/** The later `expect: {outcome}` checks that read this action (by its name, or as the last action before them). */
function outcomeChecksOf(action: Extract<Step, { kind: 'action' }>, after: readonly Step[]): OutcomeCheck[] {
  const checks: OutcomeCheck[] = [];
  let last = true;
  for (const step of after) {
    if (step.kind === 'action') last = false;
    else if (step.kind === 'expect' && step.expect.type === 'outcome' && (step.expect.of === undefined ? last : step.expect.of === action.name)) checks.push(step.expect);
  }
  return checks;
}

/**
 * The cold start of the item's first waited-for `startup`, in simulated ms (see the header). A
 * fault that could answer or swallow that `#I#` instead (busy, error, drop, restart…) may skip
 * the start-up; a latency fault only adds to it. Still counted when a later check requires the
 * start-up `completed` (the POS then got a successful `#I#`, and the machine the runner reset is
 * still cold) and each such fault acts before the `#I#` runs or on its reply, never during it
 * (`busy`, a refused connection, a cut or withheld reply): none leaves the machine warm without
 * a whole cold start.
 */
function coldStartMs(steps: readonly Step[], options: FloorOptions): number {
  const initColdMs = options.machine?.initColdMs;
  if (initColdMs === undefined || !commandsOf('startup', options.integration).includes('I')) return 0;
  let mayTakeInit = false;
  for (const [index, step] of steps.entries()) {
    for (const fault of faultsOf(step)) {
      if (DELAY_ONLY.has(fault.type) || (fault.on?.command !== undefined && fault.on.command !== 'I')) continue;
      if (!actsAroundCommand(fault)) return 0;
      mayTakeInit = true;
    }
    if (step.kind === 'action' && step.action === 'startup') {
      if (!step.wait) return 0;
      return !mayTakeInit || requiresCompleted(step, steps.slice(index + 1)) ? nonNegative(initColdMs) : 0;
    }
  }
  return 0;
}

/** A fault that acts on a connection, before a command runs, or on its reply: never while a machine operation runs. */
function actsAroundCommand(fault: FaultSpec): boolean {
  return actsOnlyAt(fault, ['connect', 'command', 'reply']);
}

/** A later check reads the action's outcome and passes only `completed` (not an uncertain one). */
function requiresCompleted(action: Extract<Step, { kind: 'action' }>, after: readonly Step[]): boolean {
  return outcomeChecksOf(action, after).some((check) => {
    const wanted = check.fields['outcome'];
    const completed = wanted === 'completed' || (typeof wanted === 'object' && wanted !== null && 'equals' in wanted && wanted.equals === 'completed');
    return completed && check.acceptUncertain !== true;
  });
}

function insertMs(pieces: readonly number[], machine: FloorMachine): number {
  return pieces.reduce((sum, value) => sum + (machine.notes.includes(value) ? machine.noteAcceptMs : machine.coinAcceptMs), 0);
}

function nonNegative(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

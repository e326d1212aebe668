/**
 * The fault book: the armed faults of one simulator and the decisions about when they fire.
 *
 *   arm(spec) ─► validate ─► armed list (f1, f2, …, in arm order)
 *   consult(opportunity, nowMs)
 *     'command'  count the command for every fault whose `command` filter matches (for `nth`)
 *     each armed fault, in arm order, at most once per opportunity:
 *       inside its `for` window? ─► acts again ("continuing"), nothing counted
 *       used up (`times`)?        ─► skip
 *       point, command, nth, after, the fault's own condition all match?
 *         probability ─► one draw from the seeded source, only now
 *         fires ─► count it, open its window, work out the reply's delivery, write its sentence
 *   deliveryFor(fired, reply) ─► one Delivery merging the transport faults
 *
 * Deterministic: the only randomness is the seeded source, drawn in a fixed order that
 * depends only on the traffic. Time comes in as simulated `nowMs`; `for` windows of
 * network faults are wall-clock, so they are measured as nowMs × timeScale.
 */
import { InvalidInputError } from '../errors.js';
import type { Issue } from '../issues.js';
import { createRandom, type Random } from '../random.js';
import { moneyFormatter, parseAfter, type FaultDefinition, type MoneyFormatter } from './definition.js';
import type { Delivery, FaultEngine, FaultOpportunity, FiredFault } from './engine-types.js';
import { getFaultDefinition, validateFaultSpec, type FaultSpecProblem } from './registry.js';
import type { FaultSpec, FaultStatus } from './spec.js';

export interface FaultBookOptions {
  /**
   * The simulator's --time-scale: wall-clock ms per simulated ms. `for` windows of refuse,
   * busy, silence and latency are wall-clock (the POS must really live through them), while
   * `nowMs` is simulated time. Default 1.
   */
  timeScale?: number;
  /** Currency symbol for the sentences; default "€". */
  currency?: string;
}

/** The engine of engine-types.ts plus the seed it replays from. */
export interface FaultBook extends FaultEngine {
  readonly seed: number;
}

interface ArmedFault {
  id: string;
  spec: FaultSpec;
  definition: FaultDefinition;
  after: { percent: number } | { ms: number } | undefined;
  times: number;
  nth: number;
  fired: number;
  /** Matching commands (or connections, for connect faults) seen since it was armed. */
  matched: number;
  /** conn + command → the ordinal (1-based, per this fault) of the last matching command there. */
  ordinals: Map<string, number>;
  /** The operation it last fired in (progress faults fire once per operation). */
  lastOperation: number | undefined;
  /** Wall-clock end of the `for` window opened by its last firing. */
  windowEnd: number | undefined;
}

/** Transport faults merge in this order: later replacements win, delays add up. */
const DELIVERY_ORDER = ['stale-reply', 'corrupt', 'split', 'latency', 'silence', 'disconnect', 'reset'];
const DROP_STRENGTH = { silence: 1, disconnect: 2, reset: 3 } as const;
/**
 * Per-connection memory (last reply, operation and ordinal per command) is bounded: a
 * simulator that serves one connection per command for days must not grow without end.
 * The oldest entries go first; they belong to connections long closed.
 */
const MAX_REMEMBERED = 4096;

function setBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}

export function createFaultBook(seed: number, options: FaultBookOptions = {}): FaultBook {
  const timeScale = options.timeScale !== undefined && options.timeScale > 0 ? options.timeScale : 1;
  const money: MoneyFormatter = moneyFormatter(options.currency ?? '€');
  let random: Random = createRandom(seed);
  let armed: ArmedFault[] = [];
  let nextId = 1;
  let operationSeq = 0;
  /** conn + command → the sequence number of the last such command (identifies an operation). */
  const operations = new Map<string, number>();
  const lastReply = new Map<number, string>();

  const keyOf = (conn: number, command: string) => `${conn}\u0000${command}`;

  function arm(input: unknown): string {
    const { spec, problems } = validateFaultSpec(input);
    if (spec === undefined) throw invalidFault(problems);
    const definition = getFaultDefinition(spec.type);
    const fault: ArmedFault = {
      id: `f${nextId++}`,
      spec,
      definition,
      after: spec.on?.after !== undefined ? parseAfter(spec.on.after) : undefined,
      times: spec.on?.times ?? 1,
      nth: spec.on?.nth ?? 1,
      fired: 0,
      matched: 0,
      ordinals: new Map(),
      lastOperation: undefined,
      windowEnd: undefined,
    };
    armed.push(fault);
    return fault.id;
  }

  function consult(opportunity: FaultOpportunity, nowMs: number): FiredFault[] {
    const wall = nowMs * timeScale;
    const key = 'command' in opportunity ? keyOf(opportunity.conn, opportunity.command) : '';
    if (opportunity.point === 'command') {
      setBounded(operations, key, ++operationSeq);
      for (const fault of armed) {
        if (commandMatches(fault, opportunity.command)) setBounded(fault.ordinals, key, ++fault.matched);
      }
    } else if (opportunity.point === 'connect') {
      for (const fault of armed) if (fault.definition.points.includes('connect')) fault.matched += 1;
    }
    const previousReply = lastReply.get(opportunity.conn);

    const fired: FiredFault[] = [];
    for (const fault of armed) {
      const { definition, spec } = fault;
      if (!definition.points.includes(opportunity.point)) continue;
      // A fault that can act on a command or during an operation does the latter only with `after`.
      if (opportunity.point === 'progress' && definition.points.includes('command') && fault.after === undefined) continue;
      if (opportunity.point === 'command' && fault.after !== undefined) continue;

      if (fault.windowEnd !== undefined && wall < fault.windowEnd) {
        fired.push(fire(fault, opportunity, previousReply, { continuing: true, windowLeftMs: fault.windowEnd - wall }));
        continue;
      }
      if (fault.fired >= fault.times) continue;

      let operation: number | undefined;
      if (opportunity.point === 'connect') {
        if (fault.matched < fault.nth) continue;
      } else {
        if (!commandMatches(fault, opportunity.command)) continue;
        let ordinal = fault.ordinals.get(key);
        if (ordinal === undefined) {
          // Armed after its command arrived (a fault armed during a charge): that command counts now.
          ordinal = ++fault.matched;
          setBounded(fault.ordinals, key, ordinal);
          if (!operations.has(key)) setBounded(operations, key, ++operationSeq);
        }
        if (ordinal < fault.nth) continue;
        if (opportunity.point === 'progress') {
          operation = operations.get(key);
          if (operation !== undefined && operation === fault.lastOperation) continue;
          if (!afterReached(fault, opportunity)) continue;
        }
      }
      if (definition.accepts !== undefined && !definition.accepts(spec, opportunity, { ...(previousReply !== undefined ? { previousReply } : {}) })) {
        continue;
      }
      const probability = spec.on?.probability;
      if (probability !== undefined && probability < 1) {
        if (probability <= 0) continue;
        if (random.next() >= probability) continue;
      }

      fault.fired += 1;
      if (operation !== undefined) fault.lastOperation = operation;
      const windowMs = definition.windowMs?.(spec);
      fault.windowEnd = windowMs !== undefined ? wall + windowMs : undefined;
      fired.push(fire(fault, opportunity, previousReply, { continuing: false, ...(windowMs !== undefined ? { windowLeftMs: windowMs } : {}) }));
    }

    if (opportunity.point === 'reply') setBounded(lastReply, opportunity.conn, opportunity.frame);
    return fired;
  }

  function fire(
    fault: ArmedFault,
    opportunity: FaultOpportunity,
    previousReply: string | undefined,
    window: { continuing: boolean; windowLeftMs?: number },
  ): FiredFault {
    const { definition, spec } = fault;
    let delivery: Partial<Delivery> | undefined;
    if (opportunity.point === 'reply' && definition.deliver !== undefined) {
      delivery = definition.deliver(spec, opportunity.frame, previousReply, random);
    }
    const sentence = definition.sentence(spec, opportunity, {
      money,
      ...window,
      ...(delivery !== undefined ? { delivery } : {}),
      ...(opportunity.point === 'reply' ? { reply: opportunity.frame } : {}),
    });
    return {
      id: fault.id,
      type: spec.type,
      spec,
      sentence,
      ...(window.continuing ? { continuing: true } : {}),
      ...(delivery !== undefined ? { delivery } : {}),
    };
  }

  function deliveryFor(fired: FiredFault[], reply: string, previousReply: string | undefined): Delivery | undefined {
    const transport = fired
      .filter((f) => getFaultDefinition(f.type).deliver !== undefined)
      .sort((a, b) => DELIVERY_ORDER.indexOf(a.type) - DELIVERY_ORDER.indexOf(b.type));
    if (transport.length === 0) return undefined;
    const delivery: Delivery = { faults: [] };
    const offsets = new Set<number>();
    for (const f of transport) {
      const part = f.delivery ?? getFaultDefinition(f.type).deliver?.(f.spec, reply, previousReply, random) ?? {};
      delivery.faults.push(f.id);
      if (part.delayMs !== undefined) delivery.delayMs = (delivery.delayMs ?? 0) + part.delayMs;
      for (const offset of part.splitAt ?? []) offsets.add(offset);
      if (part.replaceWith !== undefined) delivery.replaceWith = part.replaceWith;
      if (part.drop !== undefined && (delivery.drop === undefined || DROP_STRENGTH[part.drop] > DROP_STRENGTH[delivery.drop])) {
        delivery.drop = part.drop;
        if (part.dropAfterBytes !== undefined) delivery.dropAfterBytes = part.dropAfterBytes;
        else delete delivery.dropAfterBytes;
      }
    }
    const length = (delivery.replaceWith ?? reply).length;
    const splitAt = [...offsets].filter((o) => o > 0 && o < length).sort((a, b) => a - b);
    if (splitAt.length > 0) delivery.splitAt = splitAt;
    if (delivery.dropAfterBytes !== undefined) delivery.dropAfterBytes = Math.min(delivery.dropAfterBytes, length);
    return delivery;
  }

  function list(): FaultStatus[] {
    return armed.map((fault) => ({
      id: fault.id,
      spec: structuredClone(fault.spec),
      remaining: Math.max(0, fault.times - fault.fired),
      fired: fault.fired,
      description: fault.definition.describe(fault.spec, money),
    }));
  }

  function disarm(id: string): boolean {
    const before = armed.length;
    armed = armed.filter((fault) => fault.id !== id);
    return armed.length !== before;
  }

  function reset(): void {
    armed = [];
    nextId = 1;
    operationSeq = 0;
    operations.clear();
    lastReply.clear();
    random = createRandom(seed);
  }

  return { seed, arm, disarm, list, reset, consult, deliveryFor };
}

function commandMatches(fault: ArmedFault, command: string): boolean {
  const wanted = fault.spec.on?.command;
  return wanted === undefined || wanted === command;
}

function afterReached(fault: ArmedFault, opportunity: Extract<FaultOpportunity, { point: 'progress' }>): boolean {
  const after = fault.after;
  if (after === undefined) return true;
  // A hair of tolerance so that 2 of 5 pieces counts as 40 %.
  if ('percent' in after) return opportunity.progress * 100 >= after.percent - 1e-9;
  return opportunity.elapsedMs >= after.ms;
}

/** Validation problems as the typed error every entry point reports (exit code 2, HTTP 400). */
export function invalidFault(problems: FaultSpecProblem[]): InvalidInputError {
  const issues: Issue[] = problems.map((p) => ({
    severity: 'error',
    message: p.message,
    ...(p.path !== '' ? { path: p.path } : {}),
    ...(p.hint !== undefined ? { hint: p.hint } : {}),
  }));
  const text = problems
    .map((p) => `${p.path !== '' ? `${p.path}: ` : ''}${p.message}${p.hint !== undefined ? ` (${p.hint})` : ''}`)
    .join('; ');
  return new InvalidInputError(`invalid fault: ${text}`, issues);
}

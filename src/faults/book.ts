/**
 * The fault book: the armed faults and everything needed to decide when they fire, as plain
 * data (JSON-safe, the seeded random state inside), and pure functions over it.
 *
 *   armFault(book, spec)            ─► validate ─► armed list (f1, f2, …, in arm order)
 *   consult(book, opportunity, now) ─► { book, fired }
 *     'command'  count the command for every fault whose `command` filter matches (for `nth`)
 *     each armed fault, in arm order, at most once per opportunity:
 *       inside its `for` window? ─► acts again ("continuing"), nothing counted
 *       used up (`times`)?        ─► skip
 *       point, command, nth, after, the fault's own condition all match?
 *         probability ─► one draw from the seeded source, only now
 *         fires ─► count it, open its window, shape the reply (toxic), write its sentence
 *
 * Deterministic: the only randomness is the seeded source, drawn in a fixed order that
 * depends only on the traffic. `now` is the holder's clock in ms (simulated time in the
 * machine, wall time in a connection chain); `for` windows are wall-clock, so a book whose
 * clock is simulated time is told how many wall ms one of its ms lasts (`wallMsPerMs`).
 *
 * `createFaultBook` wraps the same functions in a stateful object, for library users and tests
 * that consult a book by hand.
 */
import { InvalidInputError } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { createRandom, type Random } from '../random.js';
import { mergeDeliveries } from './delivery.js';
import { moneyFormatter, parseAfter, type FaultDefinition, type MoneyFormatter } from './definition.js';
import type { Delivery, FaultOpportunity, FiredFault } from './engine-types.js';
import { getFaultDefinition, validateFaultSpec, type FaultSpecProblem } from './registry.js';
import type { FaultSpec, FaultStatus } from './spec.js';

/** One armed fault: its normalized spec and its counters. */
export interface ArmedFault {
  readonly id: string;
  readonly spec: FaultSpec;
  readonly fired: number;
  /** Matching commands (or connections, for connect faults) seen since it was armed. */
  readonly matched: number;
  /** conn + command → the ordinal (1-based, per this fault) of the last matching command there. */
  readonly ordinals: Readonly<Record<string, number>>;
  /** The operation it last fired in (progress faults fire once per operation). */
  readonly lastOperation?: number;
  /** End of the `for` window opened by its last firing, in wall-clock ms. */
  readonly windowEnd?: number;
}

export interface FaultBook {
  readonly seed: number;
  /** The state of the seeded random source (src/random.ts). */
  readonly random: number;
  /** Currency symbol for the sentences ("€"). */
  readonly currency: string;
  /** Wall-clock ms per ms of the holder's clock (the simulator's --time-scale for the machine's book). */
  readonly wallMsPerMs: number;
  readonly armed: readonly ArmedFault[];
  readonly nextId: number;
  readonly operationSeq: number;
  /** conn + command → the sequence number of the last such command (identifies an operation). */
  readonly operations: Readonly<Record<string, number>>;
}

/**
 * What the holder of a book knows about the connection at a 'reply' opportunity: the last
 * genuine reply sent on it (stale-reply replays it). The holder keeps it per open connection
 * (the chain, in a Map it empties when a connection closes), not the book: a record of every
 * connection copied on each new one made the book cost quadratic time and memory with many
 * connections open (docs/bench.md, Where the memory goes).
 */
export interface ReplyContext {
  previousReply?: string;
}

export interface FaultBookOptions {
  /** Currency symbol for the sentences; default "€". */
  currency?: string;
  /** Wall-clock ms per ms of the clock `consult` is given; default 1. */
  wallMsPerMs?: number;
}

/**
 * Per-connection memory (operation and ordinal per command) is bounded: a
 * simulator that serves one connection per command for days must not grow without end.
 * The oldest entries go first; they belong to connections long closed.
 */
const MAX_REMEMBERED = 4096;

export function newFaultBook(seed: number, options: FaultBookOptions = {}): FaultBook {
  const scale = options.wallMsPerMs;
  return {
    seed,
    random: createRandom(seed).state(),
    currency: options.currency ?? '€',
    wallMsPerMs: scale !== undefined && Number.isFinite(scale) && scale > 0 ? scale : 1,
    armed: [],
    nextId: 1,
    operationSeq: 0,
    operations: {},
  };
}

/** Validates and arms a fault; throws InvalidInputError listing every problem. `id` defaults to the book's next `f<n>`. */
export function armFault(book: FaultBook, input: unknown, options: { id?: string } = {}): { book: FaultBook; id: string; spec: FaultSpec } {
  const { spec, problems } = validateFaultSpec(input);
  if (spec === undefined) throw invalidFault(problems);
  const id = options.id ?? `f${book.nextId}`;
  const fault: ArmedFault = { id, spec, fired: 0, matched: 0, ordinals: {} };
  return { book: { ...book, nextId: options.id === undefined ? book.nextId + 1 : book.nextId, armed: [...book.armed, fault] }, id, spec };
}

export function disarmFault(book: FaultBook, id: string): { book: FaultBook; disarmed: boolean } {
  const armed = book.armed.filter((fault) => fault.id !== id);
  return { book: armed.length === book.armed.length ? book : { ...book, armed }, disarmed: armed.length !== book.armed.length };
}

/** Everything disarmed, the random source back at the seed. */
export function resetFaultBook(book: FaultBook): FaultBook {
  return newFaultBook(book.seed, { currency: book.currency, wallMsPerMs: book.wallMsPerMs });
}

/** The armed faults as `GET /faults` shows them. */
export function faultStatuses(book: FaultBook): FaultStatus[] {
  const money = moneyFormatter(book.currency);
  return book.armed.map((fault) => ({
    id: fault.id,
    spec: structuredClone(fault.spec),
    remaining: Math.max(0, (fault.spec.on?.times ?? 1) - fault.fired),
    fired: fault.fired,
    description: getFaultDefinition(fault.spec.type).describe(fault.spec, money),
  }));
}

/**
 * Which armed faults fire at this opportunity, and the book after counting them. At a 'reply'
 * opportunity, `context.previousReply` is the last genuine reply on that connection.
 */
export function consult(book: FaultBook, opportunity: FaultOpportunity, now: number, context: ReplyContext = {}): { book: FaultBook; fired: FiredFault[] } {
  // Nothing armed: nothing can fire, and no counter is read before a fault is armed (a fault
  // armed later counts the command in progress itself, below). The book stays the same object.
  if (book.armed.length === 0) return { book, fired: [] };
  const wall = now * book.wallMsPerMs;
  const random = createRandom(book.random);
  const money = moneyFormatter(book.currency);
  const armed = book.armed.map((fault) => ({ ...fault }));
  let operations = book.operations;
  let operationSeq = book.operationSeq;
  const key = 'command' in opportunity ? keyOf(opportunity.conn, opportunity.command) : '';

  if (opportunity.point === 'command') {
    operations = setBounded(operations, key, ++operationSeq);
    for (const fault of armed) {
      if (commandMatches(fault, opportunity.command)) {
        fault.matched += 1;
        fault.ordinals = setBounded(fault.ordinals, key, fault.matched);
      }
    }
  } else if (opportunity.point === 'connect') {
    for (const fault of armed) if (getFaultDefinition(fault.spec.type).points.includes('connect')) fault.matched += 1;
  }
  const previousReply = opportunity.point === 'reply' ? context.previousReply : undefined;

  const fired: FiredFault[] = [];
  for (const fault of armed) {
    const definition = getFaultDefinition(fault.spec.type);
    const { spec } = fault;
    const after = spec.on?.after !== undefined ? parseAfter(spec.on.after) : undefined;
    if (!definition.points.includes(opportunity.point)) continue;
    // A fault that can act on a command or during an operation does the latter only with `after`.
    if (opportunity.point === 'progress' && definition.points.includes('command') && after === undefined) continue;
    if (opportunity.point === 'command' && after !== undefined) continue;

    if (fault.windowEnd !== undefined && wall < fault.windowEnd) {
      fired.push(fire(definition, fault, opportunity, previousReply, random, money, { continuing: true, windowLeftMs: fault.windowEnd - wall }));
      continue;
    }
    if (fault.fired >= (spec.on?.times ?? 1)) continue;

    let operation: number | undefined;
    if (opportunity.point === 'connect') {
      if (fault.matched < (spec.on?.nth ?? 1)) continue;
    } else {
      if (!commandMatches(fault, opportunity.command)) continue;
      let ordinal = fault.ordinals[key];
      if (ordinal === undefined) {
        // Armed after its command arrived (a fault armed during a charge): that command counts now.
        fault.matched += 1;
        ordinal = fault.matched;
        fault.ordinals = setBounded(fault.ordinals, key, ordinal);
        if (operations[key] === undefined) operations = setBounded(operations, key, ++operationSeq);
      }
      if (ordinal < (spec.on?.nth ?? 1)) continue;
      if (opportunity.point === 'progress') {
        operation = operations[key];
        if (operation !== undefined && operation === fault.lastOperation) continue;
        if (!afterReached(after, opportunity)) continue;
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
    if (windowMs !== undefined) fault.windowEnd = wall + windowMs;
    else delete fault.windowEnd;
    fired.push(fire(definition, fault, opportunity, previousReply, random, money, { continuing: false, ...(windowMs !== undefined ? { windowLeftMs: windowMs } : {}) }));
  }

  return { book: { ...book, random: random.state(), armed, operations, operationSeq }, fired };
}

type MutableFault = { -readonly [K in keyof ArmedFault]: ArmedFault[K] };

function fire(
  definition: FaultDefinition,
  fault: MutableFault,
  opportunity: FaultOpportunity,
  previousReply: string | undefined,
  random: Random,
  money: MoneyFormatter,
  window: { continuing: boolean; windowLeftMs?: number },
): FiredFault {
  const { spec } = fault;
  let delivery: Partial<Delivery> | undefined;
  const shape = definition.toxic?.shape;
  if (opportunity.point === 'reply' && shape !== undefined) {
    delivery = shape.call(definition.toxic, definition.parseOptions(spec), opportunity.frame, previousReply, random);
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

/**
 * Forgets what the book remembers about a closed connection (its operations and the faults'
 * ordinals on it): connection ids are never reused, so it would only cost memory and, on every
 * later frame, time to copy. With nothing remembered about it (nothing armed) it costs nothing.
 */
export function forgetConnection(book: FaultBook, conn: number): FaultBook {
  const id = String(conn);
  const prefix = `${id}\u0000`;
  const drop = <V>(record: Readonly<Record<string, V>>): Readonly<Record<string, V>> => {
    let found = false;
    for (const key in record) {
      if (key === id || key.startsWith(prefix)) {
        found = true;
        break;
      }
    }
    if (!found) return record;
    const next: Record<string, V> = {};
    for (const key in record) if (key !== id && !key.startsWith(prefix)) next[key] = record[key] as V;
    return next;
  };
  const operations = drop(book.operations);
  let armedChanged = false;
  const armed = book.armed.map((fault) => {
    const ordinals = drop(fault.ordinals);
    if (ordinals === fault.ordinals) return fault;
    armedChanged = true;
    return { ...fault, ordinals };
  });
  if (operations === book.operations && !armedChanged) return book;
  return { ...book, operations, ...(armedChanged ? { armed } : {}) };
}

function keyOf(conn: number, command: string): string {
  return `${conn}\u0000${command}`;
}

/**
 * Runs on every command and reply, so it must stay cheap: an update keeps the key's place
 * (first-seen order, which is connection order), and only a new key pays for counting. A
 * `delete` would turn the copy into a slow dictionary object for every later frame.
 */
function setBounded<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  if (Object.hasOwn(record, key)) return record[key] === value ? record : { ...record, [key]: value };
  const next: Record<string, V> = { ...record, [key]: value };
  const keys = Object.keys(next);
  if (keys.length <= MAX_REMEMBERED) return next;
  return Object.fromEntries(keys.slice(keys.length - MAX_REMEMBERED).map((k) => [k, next[k] as V]));
}

function commandMatches(fault: ArmedFault, command: string): boolean {
  const wanted = fault.spec.on?.command;
  return wanted === undefined || wanted === command;
}

function afterReached(after: ReturnType<typeof parseAfter>, opportunity: Extract<FaultOpportunity, { point: 'progress' }>): boolean {
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

// ─── the stateful wrapper ──────────────────────────────────────────────────────────────────

/** A fault book held in a variable: the same functions, for callers that consult by hand. */
export interface FaultBookHandle {
  readonly seed: number;
  /** The plain book as it is now. */
  current(): FaultBook;
  /** Consults the book; remembers each connection's last reply for a later stale-reply. */
  consult(opportunity: FaultOpportunity, nowMs: number): FiredFault[];
  /** The last reply this handle was consulted with on a connection (what a stale-reply replays). */
  lastReply(conn: number): string | undefined;
  /** How to deliver a reply, given the transport faults that fired at its 'reply' point. */
  deliveryFor(fired: FiredFault[], reply: string, previousReply: string | undefined): Delivery | undefined;
  arm(spec: unknown): string;
  disarm(id: string): boolean;
  list(): FaultStatus[];
  /** Disarm everything and restart the random source from the seed. */
  reset(): void;
}

export function createFaultBook(seed: number, options: { timeScale?: number; currency?: string } = {}): FaultBookHandle {
  let book = newFaultBook(seed, {
    ...(options.currency !== undefined ? { currency: options.currency } : {}),
    ...(options.timeScale !== undefined ? { wallMsPerMs: options.timeScale } : {}),
  });
  const lastReplies = new Map<number, string>();
  return {
    seed,
    current: () => book,
    consult(opportunity, nowMs) {
      const previousReply = lastReplies.get(opportunity.conn);
      const result = consult(book, opportunity, nowMs, previousReply !== undefined ? { previousReply } : {});
      book = result.book;
      if (opportunity.point === 'reply') lastReplies.set(opportunity.conn, opportunity.frame);
      return result.fired;
    },
    lastReply: (conn) => lastReplies.get(conn),
    deliveryFor(fired, reply, previousReply) {
      const random = createRandom(book.random);
      const delivery = mergeDeliveries(fired, reply, previousReply, random);
      book = { ...book, random: random.state() };
      return delivery;
    },
    arm(spec) {
      const result = armFault(book, spec);
      book = result.book;
      return result.id;
    },
    disarm(id) {
      const result = disarmFault(book, id);
      book = result.book;
      return result.disarmed;
    },
    list: () => faultStatuses(book),
    reset() {
      book = resetFaultBook(book);
      lastReplies.clear();
    },
  };
}

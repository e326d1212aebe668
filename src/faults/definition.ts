/**
 * The shape of one fault in the catalogue (src/faults/catalogue/<type>.ts) and the small
 * helpers they share for wording. A definition is pure data plus pure functions: the book
 * (book.ts) decides *when* a fault fires from its trigger; the definition says *where* it can
 * fire, what extra condition it needs (a note jam needs a note to move), its typed options,
 * how it is described, and what it does: a domain fault acts on the machine through the
 * machine's effects API (`apply`), a transport fault is a toxic in a connection's chain
 * (`toxic`), the way Toxiproxy stacks toxics on a link.
 */
import { formatDuration, parseDuration } from '../duration.js';
import type { Random } from '../random.js';
import { commandPhrase } from './commands.js';
import type { DomainEffects } from './effects.js';
import type { Delivery, FaultInfo, FaultOpportunity } from './engine-types.js';
import type { FaultSpec, FaultTrigger } from './spec.js';

export type FaultPoint = FaultOpportunity['point'];
export type SpecPathSegment = string | number;

/** One problem in a fault spec, located relative to the spec itself. */
export interface SpecProblem {
  /** e.g. ['on', 'after'] or ['short']; [] for the spec as a whole. */
  segments: SpecPathSegment[];
  message: string;
  hint?: string;
  /** 'key' when the key itself is wrong (unknown option), so editors highlight the key. */
  at?: 'key' | 'value';
}

export type MoneyFormatter = (cents: number) => string;

export interface SentenceContext {
  money: MoneyFormatter;
  /** The fault fired earlier and is still inside its `for` window. */
  continuing: boolean;
  /** Wall-clock ms left in the `for` window, when there is one. */
  windowLeftMs?: number;
  /** The delivery worked out for a reply (transport faults). */
  delivery?: Partial<Delivery>;
  /** The reply that was about to leave (reply point). */
  reply?: string;
}

export interface AcceptContext {
  /** The previous genuine reply on the opportunity's connection, if any. */
  previousReply?: string;
}

/**
 * A transport fault's part in a connection's chain. 'to-machine' toxics act on what travels
 * towards the connector (a new connection: refuse); 'to-pos' toxics shape a reply on its way
 * to the POS. Several toxics on one reply combine in `order`: later replacements win, delays
 * add up, the strongest drop wins.
 */
export interface Toxic<O> {
  readonly direction: 'to-machine' | 'to-pos';
  readonly order: number;
  /** How the reply is delivered. May draw from `random` (jitter, damage). */
  shape?(options: O, reply: string, previousReply: string | undefined, random: Random): Partial<Delivery>;
}

export interface FaultDefinition<O = unknown> {
  readonly info: FaultInfo;
  /**
   * Where the fault can fire. A fault listing both 'command' and 'progress' fires at
   * 'progress' only when its trigger has `after` (time or progress into an operation).
   */
  readonly points: readonly FaultPoint[];
  /** The options of a spec that passed validation (defaults filled in), typed for `apply` and the toxic. */
  parseOptions(spec: FaultSpec): O;
  /** Checks beyond the option kinds of `info.options` (ranges, combinations). `spec` has defaults filled in. */
  validate(spec: FaultSpec): SpecProblem[];
  /** What the armed fault will do, for `GET /faults` ("jam a note at 40 % of the next #C#"). */
  describe(spec: FaultSpec, money?: MoneyFormatter): string;
  /** What happened, for the transcript ("jammed a 20 € note at 40 % of the charge (#C#)"). */
  sentence(spec: FaultSpec, opportunity: FaultOpportunity, context: SentenceContext): string;
  /** An extra firing condition beyond the trigger fields. */
  accepts?(spec: FaultSpec, opportunity: FaultOpportunity, context: AcceptContext): boolean;
  /** Wall-clock window during which the fault keeps acting after it fired (`for`). */
  windowMs?(spec: FaultSpec): number | undefined;
  /** Domain faults: what firing does to the machine. */
  apply?(options: O, effects: DomainEffects): void;
  /** Transport faults: the toxic it puts in a connection's chain. */
  readonly toxic?: Toxic<O>;
}

/** Typed identity, so a catalogue file gets its option type checked against `apply` and `toxic`. */
export function defineFault<O>(definition: FaultDefinition<O>): FaultDefinition<O> {
  return definition;
}

/** Options of faults that take none. */
export type NoOptions = Record<string, never>;
export const noOptions = (): NoOptions => ({});

/** A duration option in ms, or undefined when not set. */
export function durationOption(spec: FaultSpec, name: string): number | undefined {
  return spec[name] === undefined ? undefined : parseDuration(spec[name]);
}

/** 2000 → "20 €", 1010 → "10.10 €". */
export function euros(cents: number): string {
  const whole = cents % 100 === 0;
  return `${whole ? String(cents / 100) : (cents / 100).toFixed(2)} €`;
}

export function moneyFormatter(symbol: string): MoneyFormatter {
  if (symbol === '€') return euros;
  return (cents) => {
    const whole = cents % 100 === 0;
    return `${symbol}${whole ? String(cents / 100) : (cents / 100).toFixed(2)}`;
  };
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** "40%" → {percent: 40}; "1500ms" / "2s" / 1500 → {ms: 1500}; otherwise undefined. */
export function parseAfter(value: unknown): { percent: number } | { ms: number } | undefined {
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
    if (m) return { percent: Number(m[1]) };
  }
  const ms = parseDuration(value);
  return ms === undefined ? undefined : { ms };
}

/**
 * The trigger's target in words: "on the next #C#", "at 40 % of the 2nd #C# or a later one",
 * "2s into the next operation", "to the next command". `noun` names what the fault waits for
 * when no command is given ("command", "connection", "operation that moves a note");
 * `preposition` joins it to the action ("on", "to", or "" for a direct object).
 * Probability and times come separately from `triggerExtras`, at the end of the sentence.
 */
export function describeTrigger(on: FaultTrigger | undefined, noun: string, preposition = 'on'): string {
  const trigger = on ?? {};
  const after = parseAfter(trigger.after);
  const what = trigger.command !== undefined ? `#${trigger.command}#` : after !== undefined && noun === 'command' ? 'operation' : noun;
  const nth = trigger.nth ?? 1;
  const target = nth > 1 ? `the ${ordinal(nth)} ${what} or a later one` : `the next ${what}`;
  if (after === undefined) return preposition === '' ? target : `${preposition} ${target}`;
  return 'percent' in after ? `at ${after.percent} % of ${target}` : `${formatDuration(after.ms)} into ${target}`;
}

/** ", with probability 0.3, up to 3 times" (empty for a plain fault). */
export function triggerExtras(on: FaultTrigger | undefined): string {
  let text = '';
  if (on?.probability !== undefined) text += `, with probability ${on.probability}`;
  const times = on?.times ?? 1;
  if (times > 1) text += `, up to ${times} times`;
  return text;
}

/** " for 2s" when a duration option is set, "" otherwise. */
export function forPhrase(value: unknown): string {
  const ms = parseDuration(value);
  return ms === undefined ? '' : ` for ${formatDuration(ms)}`;
}

/** The `for` option of a spec in milliseconds, when set. */
export function forMs(spec: FaultSpec): number | undefined {
  return spec['for'] === undefined ? undefined : parseDuration(spec['for']);
}

/** " (2.5s left)" for a fault still inside its window. */
export function windowSuffix(context: SentenceContext): string {
  if (!context.continuing || context.windowLeftMs === undefined) return '';
  return ` (still active, ${formatDuration(Math.max(0, context.windowLeftMs))} left)`;
}

/** "on the charge (#C#)", "at 40 % of the charge (#C#)", "on connection 3". */
export function momentPhrase(opportunity: FaultOpportunity): string {
  switch (opportunity.point) {
    case 'connect':
      return `on connection ${opportunity.conn}`;
    case 'command':
      return `on ${commandPhrase(opportunity.command)}`;
    case 'progress':
      return `at ${percent(opportunity.progress)} of ${commandPhrase(opportunity.command)}`;
    case 'reply':
      return `on the reply to #${opportunity.command}#`;
  }
}

/**
 * Machine profiles: the data a simulated Cashlogy boots from (denominations, capacities and
 * level thresholds, initial counts, durations, protocol dialect). Pure validation here; reading
 * files lives in src/server/load-profile.ts.
 *
 *   coins:
 *     - {value: 200, capacity: 120, nearEmpty: 8, nearFull: 108, initial: 30}
 *   notes:
 *     - {value: 2000, recyclable: true, capacity: 45, nearEmpty: 3, nearFull: 40, initial: 8}
 *     - {value: 5000, recyclable: false, stacked: 2}
 */
import { parseDuration } from '../duration.js';
import { checkShape, isPlainObject, jsonSchemaDocument, type JsonSchema, type ObjectShape, type Shape } from '../format/shape.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/framer.js';
import { DEFAULT_TICKETS_DIALECT, resolveTicketsDialect, ticketsDialectShape, type TicketsDialect } from '../tickets/dialect.js';
import { CANCEL_REPLIES, DISPENSE_LISTS, REQUEST_ENDS, U2_LEVELS, type DialectOptions } from './api.js';

export interface Denomination {
  /** Value in minor units (cents). */
  value: number;
  isNote: boolean;
  /** Held in a recycler and paid out again; otherwise it goes straight to the stacker. */
  recyclable: boolean;
  /** Recycler capacity in pieces (0 when not recyclable). */
  capacity: number;
  /** At or below this count the recycler is near empty (`#GC#` 12). */
  nearEmpty: number;
  /** At or above this count the recycler is near full (`#GC#` 22). */
  nearFull: number;
  /** Pieces in the recycler at start. */
  initial: number;
  /** Pieces in the stacker (notes) or cash box (coins) at start. */
  stacked: number;
}

export interface Durations {
  initColdMs: number;
  initWarmMs: number;
  noteAcceptMs: number;
  coinAcceptMs: number;
  noteDispenseMs: number;
  coinDispenseMs: number;
  /** Default delay before the automatic customer acts. */
  customerDelayMs: number;
}

export interface MachineProfile {
  name: string;
  description: string;
  model: string;
  serial: string;
  currency: { code: string; symbol: string; symbolFirst: boolean; decimals: number };
  /** Ascending by value. */
  coins: Denomination[];
  /** Ascending by value. */
  notes: Denomination[];
  /** Note stacker: capacity in notes and the near-full threshold. */
  stacker: { capacity: number; nearFull: number };
  durations: Durations;
  maintenance: { notesBetweenService: number; notesLeft: number };
  dialect: DialectOptions;
  /** How the CashlogyTickets look-alike spells its files (docs/tickets.md); the default dialect when the profile has no `tickets:`. */
  tickets: TicketsDialect;
}

export const DEFAULT_DIALECT: DialectOptions = {
  initPerConnection: false,
  strictParameters: false,
  cancelReply: 'idle',
  u2Level: 'short',
  dispenseList: 'all',
  requestEnd: 'arrival',
  version: '2.01',
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
};

export const DEFAULT_DURATIONS: Durations = {
  initColdMs: 8000,
  initWarmMs: 400,
  noteAcceptMs: 1500,
  coinAcceptMs: 300,
  noteDispenseMs: 1000,
  coinDispenseMs: 200,
  customerDelayMs: 1000,
};

export interface ProfileProblem {
  path: (string | number)[];
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  at?: 'key';
  hint?: string;
}

const validated = new WeakSet<object>();

export function isValidatedProfile(value: unknown): value is MachineProfile {
  return typeof value === 'object' && value !== null && validated.has(value);
}

const DURATION_KEYS: Record<string, keyof Durations> = {
  initCold: 'initColdMs',
  initWarm: 'initWarmMs',
  noteAccept: 'noteAcceptMs',
  coinAccept: 'coinAcceptMs',
  noteDispense: 'noteDispenseMs',
  coinDispense: 'coinDispenseMs',
  customerDelay: 'customerDelayMs',
};

const count = (description: string, min = 0): Shape => ({ kind: 'number', integer: true, min, description });
// Numbers are accepted where text is expected (a YAML `version: 2.01`) and kept as written.
const text = (description: string): Shape => ({ kind: 'string', description });

const denominationShape = (kind: 'coin' | 'note'): ObjectShape => ({
  kind: 'object',
  what: `a ${kind}`,
  props: {
    value: { shape: count('Value in cents.', 1), required: true },
    recyclable: {
      shape: {
        kind: 'boolean',
        description: kind === 'coin' ? 'Coins are always recycled (hoppers).' : 'Held in a recycler and paid out again; otherwise it goes to the stacker. Default false.',
      },
    },
    capacity: { shape: count('Recycler capacity in pieces (required when recyclable).', 1) },
    nearEmpty: { shape: count('At or below this count the recycler is near empty. Default 10 % of capacity.') },
    nearFull: { shape: count('At or above this count the recycler is near full. Default 90 % of capacity.') },
    initial: { shape: count('Pieces in the recycler at start. Default 0.') },
    stacked: { shape: count('Pieces in the stacker (notes) or cash box (coins) at start. Default 0.') },
    isNote: { shape: { kind: 'boolean', description: 'Ignored: the list (coins or notes) decides.' } },
  },
});

export const dialectShape: ObjectShape = {
  kind: 'object',
  what: 'dialect',
  description: 'How this connector speaks the protocol (docs/protocol.md).',
  props: {
    initPerConnection: { shape: { kind: 'boolean', description: '#I# state is per connection instead of global. Default false.' } },
    strictParameters: { shape: { kind: 'boolean', description: 'Refuse frames with extra or missing parameters. Default false.' } },
    cancelReply: {
      shape: {
        kind: 'enum',
        values: CANCEL_REPLIES,
        what: 'cancel reply',
        description: 'The reply of #!# itself: idle (#0# only when nothing was cancelled), ack (also #0# after the cancelled command\'s reply) or none. Default idle.',
      },
    },
    u2Level: {
      shape: {
        kind: 'enum',
        values: U2_LEVELS,
        what: '#U2# level warning',
        description: 'When #U2# answers #WR:LEVEL#: short (only when a denomination could not be supplied) or level (also for a level warning after a full dispense). Default short.',
      },
    },
    dispenseList: {
      shape: {
        kind: 'enum',
        values: DISPENSE_LISTS,
        what: '#U# reply list',
        description: 'The denomination list of #U#/#U2# replies: all (every denomination, zeros included) or asked (only those asked for). Default all.',
      },
    },
    requestEnd: {
      shape: {
        kind: 'enum',
        values: REQUEST_ENDS,
        what: 'request end',
        description: 'When a command that could still grow (#?#, #B#0#) ends: arrival (with the read that brought it whole; a frame in pieces still gets a short silence) or quiet (always after a short silence). Default arrival.',
      },
    },
    version: { shape: { kind: 'string', minLength: 1, description: 'Version string in the #I# reply. Default 2.01.' } },
    maxFrameBytes: { shape: { kind: 'number', integer: true, min: 16, max: 1_048_576, description: `Longest frame accepted. Default ${DEFAULT_MAX_FRAME_BYTES}.` } },
  },
};

/** A machine profile (simulator/*.yaml), described once: validation and schema/profile.schema.json. */
export const machineProfileShape: ObjectShape = {
  kind: 'object',
  what: 'a machine profile',
  description: 'A simulated Cashlogy machine: denominations, capacities, start counts, timings and protocol dialect (docs/simulator.md).',
  props: {
    name: { shape: text('Profile name.'), required: true },
    description: { shape: text('One line for humans.') },
    model: { shape: text('Model reported by the machine. Default POS1500.') },
    serial: { shape: text('Serial number (no "#"). Default 000000000.') },
    currency: {
      required: true,
      shape: {
        kind: 'object',
        what: 'currency',
        props: {
          code: { shape: { kind: 'string', pattern: '^[A-Z]{3}$', what: 'currency code', patternHint: 'three capital letters (ISO 4217), e.g. EUR' }, required: true },
          symbol: { shape: text('Symbol in amounts. Default the code.') },
          symbolFirst: { shape: { kind: 'boolean', description: '"$20.00" rather than "20.00 €". Default false.' } },
          decimals: { shape: { kind: 'number', integer: true, min: 0, max: 4, description: 'Default 2.' } },
        },
      },
    },
    coins: { shape: { kind: 'array', items: denominationShape('coin'), description: 'Coin denominations; always recycled.' } },
    notes: { shape: { kind: 'array', items: denominationShape('note'), description: 'Note denominations.' } },
    stacker: {
      shape: {
        kind: 'object',
        what: 'stacker',
        props: { capacity: { shape: count('Notes the stacker holds. Default 500.', 1) }, nearFull: { shape: count('Near-full threshold. Default 90 % of capacity.') } },
      },
    },
    durations: {
      shape: {
        kind: 'object',
        what: 'durations',
        props: Object.fromEntries(Object.keys(DURATION_KEYS).map((key) => [key, { shape: { kind: 'duration', description: `Default ${DEFAULT_DURATIONS[DURATION_KEYS[key] as keyof Durations]}ms.` } }])),
      },
    },
    maintenance: {
      shape: {
        kind: 'object',
        what: 'maintenance',
        props: { notesBetweenService: { shape: count('Default 50000.', 1) }, notesLeft: { shape: count('Default notesBetweenService.') } },
      },
    },
    dialect: { shape: dialectShape },
    tickets: { shape: ticketsDialectShape },
  },
};

export const PROFILE_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/profile.schema.json';

export function machineProfileJsonSchema(): JsonSchema {
  return jsonSchemaDocument(PROFILE_SCHEMA_ID, 'cashlogy-cert machine profile', machineProfileShape);
}

/** Check a plain profile value (parsed YAML or an object) and normalise it; every problem at once, with its path. */
export function validateProfile(value: unknown): { profile?: MachineProfile; problems: ProfileProblem[] } {
  if (isValidatedProfile(value)) return { profile: value, problems: [] };
  const problems: ProfileProblem[] = checkShape(machineProfileShape, value)
    .filter((p) => p.severity === 'error')
    .map((p) => ({ path: p.path, message: p.message, ...(p.at === 'key' ? { at: 'key' as const } : {}), ...(p.hint !== undefined ? { hint: p.hint } : {}) }));
  if (!isPlainObject(value)) return { problems };
  const raw = value as RawProfile;
  const problem = (path: (string | number)[], message: string, hint?: string) => problems.push({ path, message, ...(hint ? { hint } : {}) });

  // The rules below relate fields to each other; each reads only values the shape accepted.
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
  const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
  const serial = str(raw.serial) ?? '000000000';
  if (serial.includes('#')) problem(['serial'], 'serial cannot contain "#"');
  const version = str(obj(raw.dialect)['version']);
  if (version?.includes('#')) problem(['dialect', 'version'], 'version must be non-empty text without "#"');

  const coins = denominations(raw.coins, 'coins', problem);
  const notes = denominations(raw.notes, 'notes', problem);
  const seen = new Map<number, string>();
  for (const [kind, list] of [
    ['coins', coins],
    ['notes', notes],
  ] as const) {
    list.forEach(({ denomination: d, index }) => {
      const other = seen.get(d.value);
      if (other !== undefined) {
        problem([kind, index, 'value'], `denomination ${d.value} appears twice (also in ${other})`, 'inventories are keyed by value in cents, so a coin and a note cannot share a value');
      }
      seen.set(d.value, `${kind}[${index}]`);
    });
  }
  if (coins.length + notes.length === 0 && problems.length === 0) problem([], 'a profile needs at least one coin or note');

  const stackerRaw = obj(raw.stacker);
  const stackerCapacity = int(stackerRaw['capacity']) ?? 500;
  const stacker = { capacity: stackerCapacity, nearFull: int(stackerRaw['nearFull']) ?? Math.ceil(stackerCapacity * 0.9) };
  if (stacker.nearFull > stacker.capacity) problem(['stacker', 'nearFull'], `nearFull (${stacker.nearFull}) is above capacity (${stacker.capacity})`);
  const stackedNotes = notes.reduce((sum, { denomination: d }) => sum + d.stacked, 0);
  if (stackedNotes > stacker.capacity) problem(['notes'], `${stackedNotes} notes stacked at start but the stacker holds ${stacker.capacity}`);

  // Only a section the shape accepted is related further (names that must differ).
  const ticketsResolved = problems.some((p) => p.path[0] === 'tickets') ? undefined : resolveTicketsDialect(raw.tickets);
  for (const p of ticketsResolved?.problems ?? []) problem(p.path, p.message, p.hint);

  if (problems.length > 0) return { problems };

  const currencyRaw = obj(raw.currency);
  const code = str(currencyRaw['code']) ?? 'EUR';
  const durationsRaw = obj(raw.durations);
  const durations: Durations = { ...DEFAULT_DURATIONS };
  for (const [key, target] of Object.entries(DURATION_KEYS)) {
    const ms = parseDuration(durationsRaw[key]);
    if (ms !== undefined) durations[target] = ms;
  }
  const maintenanceRaw = obj(raw.maintenance);
  const notesBetweenService = int(maintenanceRaw['notesBetweenService']) ?? 50_000;
  const dialectRaw = obj(raw.dialect);
  const dialect: DialectOptions = { ...DEFAULT_DIALECT };
  if (typeof dialectRaw['initPerConnection'] === 'boolean') dialect.initPerConnection = dialectRaw['initPerConnection'];
  if (typeof dialectRaw['strictParameters'] === 'boolean') dialect.strictParameters = dialectRaw['strictParameters'];
  const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined => (values as readonly unknown[]).includes(value) ? (value as T) : undefined;
  dialect.cancelReply = oneOf(CANCEL_REPLIES, dialectRaw['cancelReply']) ?? dialect.cancelReply;
  dialect.u2Level = oneOf(U2_LEVELS, dialectRaw['u2Level']) ?? dialect.u2Level;
  dialect.dispenseList = oneOf(DISPENSE_LISTS, dialectRaw['dispenseList']) ?? dialect.dispenseList;
  dialect.requestEnd = oneOf(REQUEST_ENDS, dialectRaw['requestEnd']) ?? dialect.requestEnd;
  if (version !== undefined) dialect.version = version;
  const maxFrameBytes = int(dialectRaw['maxFrameBytes']);
  if (maxFrameBytes !== undefined) dialect.maxFrameBytes = maxFrameBytes;

  const profile: MachineProfile = {
    name: str(raw.name) ?? '',
    description: str(raw.description) ?? '',
    model: str(raw.model) ?? 'POS1500',
    serial,
    currency: {
      code,
      symbol: str(currencyRaw['symbol']) ?? code,
      symbolFirst: currencyRaw['symbolFirst'] === true,
      decimals: int(currencyRaw['decimals']) ?? 2,
    },
    coins: coins.map((c) => c.denomination).sort((a, b) => a.value - b.value),
    notes: notes.map((n) => n.denomination).sort((a, b) => a.value - b.value),
    stacker,
    durations,
    maintenance: { notesBetweenService, notesLeft: int(maintenanceRaw['notesLeft']) ?? notesBetweenService },
    dialect,
    tickets: ticketsResolved?.dialect ?? DEFAULT_TICKETS_DIALECT,
  };
  validated.add(profile);
  return { profile, problems };
}

interface RawProfile {
  name?: unknown;
  description?: unknown;
  model?: unknown;
  serial?: unknown;
  currency?: unknown;
  coins?: unknown;
  notes?: unknown;
  stacker?: unknown;
  durations?: unknown;
  maintenance?: unknown;
  dialect?: unknown;
  tickets?: unknown;
}

/**
 * The well-formed entries of a coin or note list with their defaults filled in, after the
 * rules that relate an entry's fields (thresholds within capacity, no recycler for stacked notes).
 */
function denominations(
  raw: unknown,
  kind: 'coins' | 'notes',
  problem: (path: (string | number)[], message: string, hint?: string) => void,
): { denomination: Denomination; index: number }[] {
  if (!Array.isArray(raw)) return [];
  const out: { denomination: Denomination; index: number }[] = [];
  raw.forEach((entry: unknown, index) => {
    if (!isPlainObject(entry)) return;
    const path = [kind, index];
    // An unknown key does not make the entry's other fields doubtful; a wrong value does.
    const wrong = new Set(
      checkShape(denominationShape(kind === 'coins' ? 'coin' : 'note'), entry)
        .filter((p) => p.severity === 'error' && p.at === 'value')
        .map((p) => String(p.path[0] ?? '')),
    );
    if (wrong.has('value') || wrong.has('')) return;
    const n = (key: string): number | undefined => (wrong.has(key) ? undefined : (entry[key] as number | undefined));
    const value = entry['value'] as number;
    const isNote = kind === 'notes';
    // Coins are always recycled (hoppers); notes only when the profile says so (EUR: 5/10/20 €).
    const recyclable = typeof entry['recyclable'] === 'boolean' ? entry['recyclable'] : !isNote;
    let ok = wrong.size === 0;
    const fail = (at: (string | number)[], message: string, hint?: string) => {
      ok = false;
      problem(at, message, hint);
    };
    if (!isNote && !recyclable) fail([...path, 'recyclable'], 'coins are always recyclable in this model');
    if (recyclable && entry['capacity'] === undefined) fail(path, `missing required key "capacity" in a recyclable ${isNote ? 'note' : 'coin'}`);
    if (!recyclable && entry['capacity'] !== undefined) fail([...path, 'capacity'], 'a note that is not recyclable has no recycler capacity (it goes to the stacker)');
    const capacity = recyclable ? (n('capacity') ?? 1) : 0;
    const nearEmpty = recyclable ? (n('nearEmpty') ?? Math.floor(capacity * 0.1)) : 0;
    const nearFull = recyclable ? (n('nearFull') ?? Math.ceil(capacity * 0.9)) : 0;
    const initial = n('initial') ?? 0;
    const stacked = n('stacked') ?? 0;
    if (ok) {
      if (recyclable && nearFull > capacity) problem([...path, 'nearFull'], `nearFull (${nearFull}) is above capacity (${capacity})`);
      if (recyclable && nearEmpty >= nearFull) problem([...path, 'nearEmpty'], `nearEmpty (${nearEmpty}) must be below nearFull (${nearFull})`);
      if (recyclable && initial > capacity) problem([...path, 'initial'], `initial (${initial}) is above capacity (${capacity})`);
      if (!recyclable && initial > 0) problem([...path, 'initial'], 'a note that is not recyclable cannot start in a recycler', 'use "stacked" for notes in the stacker');
    }
    out.push({ denomination: { value, isNote, recyclable, capacity, nearEmpty, nearFull, initial, stacked }, index });
  });
  return out;
}

/** Every denomination, coins first, ascending. */
export function allDenominations(profile: MachineProfile): Denomination[] {
  return [...profile.coins, ...profile.notes];
}

export function profileDenominations(profile: MachineProfile): { coins: number[]; notes: number[] } {
  return { coins: profile.coins.map((d) => d.value), notes: profile.notes.map((d) => d.value) };
}

/** "20.00 €" / "$20.00": amounts in the profile's currency for events and the web page. */
export function formatMoney(profile: MachineProfile, cents: number): string {
  const { symbol, symbolFirst, decimals } = profile.currency;
  const text = (cents / 10 ** decimals).toFixed(decimals);
  return symbolFirst ? `${symbol}${text}` : `${text} ${symbol}`;
}

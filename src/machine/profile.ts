/**
 * Machine profiles: the data a simulated Cashlogy boots from (denominations, capacities and
 * level thresholds, initial counts, durations, protocol dialect). Pure validation here; reading
 * files lives in ./load-profile.ts.
 *
 *   coins:
 *     - {value: 200, capacity: 120, nearEmpty: 8, nearFull: 108, initial: 30}
 *   notes:
 *     - {value: 2000, recyclable: true, capacity: 45, nearEmpty: 3, nearFull: 40, initial: 8}
 *     - {value: 5000, recyclable: false, stacked: 2}
 */
import { closest } from '../issues.js';
import { parseDuration } from '../duration.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/framer.js';
import type { DialectOptions } from './api.js';

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
}

export const DEFAULT_DIALECT: DialectOptions = {
  initPerConnection: false,
  strictParameters: false,
  cancelReply: 'ack',
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

const TOP_KEYS = ['name', 'description', 'model', 'serial', 'currency', 'coins', 'notes', 'stacker', 'durations', 'maintenance', 'dialect'];
const CURRENCY_KEYS = ['code', 'symbol', 'symbolFirst', 'decimals'];
const DENOMINATION_KEYS = ['value', 'recyclable', 'capacity', 'nearEmpty', 'nearFull', 'initial', 'stacked', 'isNote'];
const STACKER_KEYS = ['capacity', 'nearFull'];
const DURATION_KEYS: Record<string, keyof Durations> = {
  initCold: 'initColdMs',
  initWarm: 'initWarmMs',
  noteAccept: 'noteAcceptMs',
  coinAccept: 'coinAcceptMs',
  noteDispense: 'noteDispenseMs',
  coinDispense: 'coinDispenseMs',
  customerDelay: 'customerDelayMs',
};
const MAINTENANCE_KEYS = ['notesBetweenService', 'notesLeft'];
const DIALECT_KEYS: (keyof DialectOptions)[] = ['initPerConnection', 'strictParameters', 'cancelReply', 'version', 'maxFrameBytes'];

/** Check a plain profile value (parsed YAML or an object) and normalise it; every problem at once, with its path. */
export function validateProfile(value: unknown): { profile?: MachineProfile; problems: ProfileProblem[] } {
  if (isValidatedProfile(value)) return { profile: value, problems: [] };
  const problems: ProfileProblem[] = [];
  const problem = (path: (string | number)[], message: string, hint?: string) => problems.push({ path, message, ...(hint ? { hint } : {}) });
  if (!isRecord(value)) {
    problem([], 'a machine profile must be a mapping (name, currency, coins, notes, …)');
    return { problems };
  }
  unknownKeys(value, TOP_KEYS, [], problems);

  const name = stringField(value, 'name', [], problems, { required: true }) ?? '';
  const description = stringField(value, 'description', [], problems) ?? '';
  const model = stringField(value, 'model', [], problems) ?? 'POS1500';
  const serial = stringField(value, 'serial', [], problems) ?? '000000000';
  if (serial.includes('#')) problem(['serial'], 'serial cannot contain "#"');

  const currencyRaw = value['currency'];
  let currency: MachineProfile['currency'] = { code: 'EUR', symbol: '€', symbolFirst: false, decimals: 2 };
  if (currencyRaw === undefined) problem(['currency'], 'missing currency', 'currency: {code: EUR, symbol: "€", decimals: 2}');
  else if (!isRecord(currencyRaw)) problem(['currency'], 'currency must be a mapping {code, symbol, symbolFirst, decimals}');
  else {
    unknownKeys(currencyRaw, CURRENCY_KEYS, ['currency'], problems);
    const code = stringField(currencyRaw, 'code', ['currency'], problems, { required: true }) ?? 'EUR';
    if (!/^[A-Z]{3}$/.test(code)) problem(['currency', 'code'], `currency code must be three capital letters (ISO 4217), got ${JSON.stringify(code)}`);
    currency = {
      code,
      symbol: stringField(currencyRaw, 'symbol', ['currency'], problems) ?? code,
      symbolFirst: booleanField(currencyRaw, 'symbolFirst', ['currency'], problems) ?? false,
      decimals: intField(currencyRaw, 'decimals', ['currency'], problems, { min: 0, max: 4 }) ?? 2,
    };
  }

  const coins = denominationList(value, 'coins', problems);
  const notes = denominationList(value, 'notes', problems);
  const seen = new Map<number, string>();
  for (const [kind, list] of [
    ['coins', coins],
    ['notes', notes],
  ] as const) {
    list.forEach((d, i) => {
      const other = seen.get(d.value);
      if (other !== undefined) {
        problem([kind, i, 'value'], `denomination ${d.value} appears twice (also in ${other})`, 'inventories are keyed by value in cents, so a coin and a note cannot share a value');
      }
      seen.set(d.value, `${kind}[${i}]`);
    });
  }
  if (coins.length + notes.length === 0 && problems.length === 0) problem([], 'a profile needs at least one coin or note');

  let stacker = { capacity: 500, nearFull: 450 };
  const stackerRaw = value['stacker'];
  if (stackerRaw !== undefined) {
    if (!isRecord(stackerRaw)) problem(['stacker'], 'stacker must be a mapping {capacity, nearFull}');
    else {
      unknownKeys(stackerRaw, STACKER_KEYS, ['stacker'], problems);
      const capacity = intField(stackerRaw, 'capacity', ['stacker'], problems, { min: 1 }) ?? 500;
      const nearFull = intField(stackerRaw, 'nearFull', ['stacker'], problems, { min: 0 }) ?? Math.ceil(capacity * 0.9);
      if (nearFull > capacity) problem(['stacker', 'nearFull'], `nearFull (${nearFull}) is above capacity (${capacity})`);
      stacker = { capacity, nearFull };
    }
  }
  const stackedNotes = notes.reduce((sum, d) => sum + d.stacked, 0);
  if (stackedNotes > stacker.capacity) problem(['notes'], `${stackedNotes} notes stacked at start but the stacker holds ${stacker.capacity}`);

  const durations: Durations = { ...DEFAULT_DURATIONS };
  const durationsRaw = value['durations'];
  if (durationsRaw !== undefined) {
    if (!isRecord(durationsRaw)) problem(['durations'], 'durations must be a mapping (noteAccept: 1.5s, …)');
    else {
      unknownKeys(durationsRaw, Object.keys(DURATION_KEYS), ['durations'], problems);
      for (const [key, target] of Object.entries(DURATION_KEYS)) {
        const raw = durationsRaw[key];
        if (raw === undefined) continue;
        const ms = parseDuration(raw);
        if (ms === undefined) problem(['durations', key], `${key} must be a duration such as 1500, "1500ms" or "1.5s", got ${JSON.stringify(raw)}`);
        else durations[target] = ms;
      }
    }
  }

  const maintenance = { notesBetweenService: 50_000, notesLeft: 50_000 };
  const maintenanceRaw = value['maintenance'];
  if (maintenanceRaw !== undefined) {
    if (!isRecord(maintenanceRaw)) problem(['maintenance'], 'maintenance must be a mapping {notesBetweenService, notesLeft}');
    else {
      unknownKeys(maintenanceRaw, MAINTENANCE_KEYS, ['maintenance'], problems);
      maintenance.notesBetweenService = intField(maintenanceRaw, 'notesBetweenService', ['maintenance'], problems, { min: 1 }) ?? 50_000;
      maintenance.notesLeft = intField(maintenanceRaw, 'notesLeft', ['maintenance'], problems, { min: 0 }) ?? maintenance.notesBetweenService;
    }
  }

  const dialect: DialectOptions = { ...DEFAULT_DIALECT };
  const dialectRaw = value['dialect'];
  if (dialectRaw !== undefined) {
    if (!isRecord(dialectRaw)) problem(['dialect'], 'dialect must be a mapping');
    else {
      const merged = validateDialect(dialectRaw, ['dialect'], problems);
      Object.assign(dialect, merged);
    }
  }

  if (problems.length > 0) return { problems };
  const profile: MachineProfile = {
    name,
    description,
    model,
    serial,
    currency,
    coins: [...coins].sort((a, b) => a.value - b.value),
    notes: [...notes].sort((a, b) => a.value - b.value),
    stacker,
    durations,
    maintenance,
    dialect,
  };
  validated.add(profile);
  return { profile, problems };
}

/** Check a partial dialect (profile `dialect:` or a start option). */
export function validateDialect(raw: Record<string, unknown>, path: (string | number)[], problems: ProfileProblem[]): Partial<DialectOptions> {
  unknownKeys(raw, DIALECT_KEYS, path, problems);
  const out: Partial<DialectOptions> = {};
  const initPerConnection = booleanField(raw, 'initPerConnection', path, problems);
  if (initPerConnection !== undefined) out.initPerConnection = initPerConnection;
  const strictParameters = booleanField(raw, 'strictParameters', path, problems);
  if (strictParameters !== undefined) out.strictParameters = strictParameters;
  const cancelReply = raw['cancelReply'];
  if (cancelReply !== undefined) {
    if (cancelReply === 'ack' || cancelReply === 'none') out.cancelReply = cancelReply;
    else problems.push({ path: [...path, 'cancelReply'], message: `cancelReply must be "ack" or "none", got ${JSON.stringify(cancelReply)}` });
  }
  const version = stringField(raw, 'version', path, problems);
  if (version !== undefined) {
    if (version.includes('#') || version === '') problems.push({ path: [...path, 'version'], message: 'version must be non-empty text without "#"' });
    else out.version = version;
  }
  const maxFrameBytes = intField(raw, 'maxFrameBytes', path, problems, { min: 16, max: 1_048_576 });
  if (maxFrameBytes !== undefined) out.maxFrameBytes = maxFrameBytes;
  return out;
}

function denominationList(root: Record<string, unknown>, kind: 'coins' | 'notes', problems: ProfileProblem[]): Denomination[] {
  const raw = root[kind];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: [kind], message: `${kind} must be a list of denominations ({value: 200, capacity: 120, …})` });
    return [];
  }
  const out: Denomination[] = [];
  raw.forEach((entry: unknown, i) => {
    const path = [kind, i];
    if (!isRecord(entry)) {
      problems.push({ path, message: `${kind}[${i}] must be a mapping {value, capacity, …}` });
      return;
    }
    unknownKeys(entry, DENOMINATION_KEYS, path, problems);
    const before = problems.length;
    const value = intField(entry, 'value', path, problems, { min: 1, required: true }) ?? 1;
    const isNote = kind === 'notes';
    // Coins are always recycled (hoppers); notes only when the profile says so (EUR: 5/10/20 €).
    const recyclable = booleanField(entry, 'recyclable', path, problems) ?? !isNote;
    if (!isNote && !recyclable) problems.push({ path: [...path, 'recyclable'], message: 'coins are always recyclable in this model' });
    const capacity = recyclable ? (intField(entry, 'capacity', path, problems, { min: 1, required: true }) ?? 1) : 0;
    if (!recyclable && entry['capacity'] !== undefined) {
      problems.push({ path: [...path, 'capacity'], message: 'a note that is not recyclable has no recycler capacity (it goes to the stacker)' });
    }
    const nearEmpty = recyclable ? (intField(entry, 'nearEmpty', path, problems, { min: 0 }) ?? Math.floor(capacity * 0.1)) : 0;
    const nearFull = recyclable ? (intField(entry, 'nearFull', path, problems, { min: 0 }) ?? Math.ceil(capacity * 0.9)) : 0;
    const initial = intField(entry, 'initial', path, problems, { min: 0 }) ?? 0;
    const stacked = intField(entry, 'stacked', path, problems, { min: 0 }) ?? 0;
    if (problems.length === before) {
      if (recyclable && nearFull > capacity) problems.push({ path: [...path, 'nearFull'], message: `nearFull (${nearFull}) is above capacity (${capacity})` });
      if (recyclable && nearEmpty >= nearFull) problems.push({ path: [...path, 'nearEmpty'], message: `nearEmpty (${nearEmpty}) must be below nearFull (${nearFull})` });
      if (recyclable && initial > capacity) problems.push({ path: [...path, 'initial'], message: `initial (${initial}) is above capacity (${capacity})` });
      if (!recyclable && initial > 0) {
        problems.push({ path: [...path, 'initial'], message: 'a note that is not recyclable cannot start in a recycler', hint: 'use "stacked" for notes in the stacker' });
      }
    }
    out.push({ value, isNote, recyclable, capacity, nearEmpty, nearFull, initial, stacked });
  });
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: (string | number)[], problems: ProfileProblem[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    problems.push({ path: [...path, key], at: 'key', message: `unknown key "${key}"`, ...(guess ? { hint: `did you mean "${guess}"?` } : {}) });
  }
}

function stringField(
  obj: Record<string, unknown>,
  key: string,
  path: (string | number)[],
  problems: ProfileProblem[],
  options: { required?: boolean } = {},
): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (options.required) problems.push({ path: [...path, key], message: `missing ${key}` });
    return undefined;
  }
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') {
    problems.push({ path: [...path, key], message: `${key} must be text, got ${describe(v)}` });
    return undefined;
  }
  return v;
}

function booleanField(obj: Record<string, unknown>, key: string, path: (string | number)[], problems: ProfileProblem[]): boolean | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    problems.push({ path: [...path, key], message: `${key} must be true or false, got ${describe(v)}` });
    return undefined;
  }
  return v;
}

function intField(
  obj: Record<string, unknown>,
  key: string,
  path: (string | number)[],
  problems: ProfileProblem[],
  options: { min?: number; max?: number; required?: boolean } = {},
): number | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (options.required) problems.push({ path: [...path, key], message: `missing ${key}` });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    problems.push({ path: [...path, key], message: `${key} must be an integer, got ${describe(v)}` });
    return undefined;
  }
  if (options.min !== undefined && v < options.min) {
    problems.push({ path: [...path, key], message: `${key} must be at least ${options.min}, got ${v}` });
    return undefined;
  }
  if (options.max !== undefined && v > options.max) {
    problems.push({ path: [...path, key], message: `${key} must be at most ${options.max}, got ${v}` });
    return undefined;
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
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

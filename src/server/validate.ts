/**
 * Checks on what a library user or the control API asks of the simulator. The handle runs
 * them, so both faces give the same messages, naming the field and the value that was wrong.
 */
import { closest } from '../issues.js';
import { SimulatorError } from './errors.js';
import type { CustomerConfig, InsertOptions, InventoryCounts, ProfileView, ResetOptions } from './types.js';

function bad(message: string): SimulatorError {
  return new SimulatorError('SIMULATOR', message);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function expectRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(`${what} must be a JSON object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

export function rejectUnknownKeys(body: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) {
      const guess = closest(key, known);
      throw bad(`unknown field "${key}" in ${where}${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${known.join(', ')}`);
    }
  }
}

export function checkDenomination(value: unknown, where: string, profile: ProfileView): number {
  const known = [...profile.coins, ...profile.notes];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw bad(`${where}: ${describeValue(value)} is not a denomination in cents (profile ${profile.name} has ${known.join(', ')})`);
  }
  if (!known.includes(value)) {
    throw bad(`${where}: ${value} is not a denomination of profile ${profile.name} (known: ${known.join(', ')})`);
  }
  return value;
}

export function checkDenominationList(value: unknown, key: string, profile: ProfileView): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw bad(`"${key}" must be a non-empty array of denominations in cents, e.g. [2000, 50]; got ${describeValue(value)}`);
  }
  return value.map((v, i) => checkDenomination(v, `${key}[${i}]`, profile));
}

export function checkInventory(value: unknown, profile: ProfileView): Partial<InventoryCounts> {
  const body = expectRecord(value, 'the inventory');
  rejectUnknownKeys(body, ['recyclers', 'stacker'], 'the inventory');
  const result: Partial<InventoryCounts> = {};
  for (const place of ['recyclers', 'stacker'] as const) {
    const counts = body[place];
    if (counts === undefined) continue;
    const map = expectRecord(counts, `"${place}"`);
    const parsed: Record<string, number> = {};
    for (const [key, count] of Object.entries(map)) {
      checkDenomination(/^\d+$/.test(key) ? Number(key) : key, `${place}.${key}`, profile);
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw bad(`${place}.${key}: the count must be a non-negative integer, got ${describeValue(count)}`);
      }
      // GET /state lists every denomination, with 0 for those the recyclers cannot hold: that
      // 0 round-trips; any other count cannot be true of the machine.
      if (place === 'recyclers' && count > 0 && !profile.recyclable.includes(Number(key))) {
        throw bad(`${place}.${key}: the recyclers of profile ${profile.name} cannot hold ${key}, so its count can only be 0, got ${count} (recyclable: ${profile.recyclable.join(', ')})`);
      }
      const capacity = place === 'recyclers' ? profile.levels?.[String(Number(key))]?.capacity : undefined;
      if (capacity !== undefined && count > capacity) {
        throw bad(`${place}.${key}: ${count} is above the recycler capacity ${capacity}`);
      }
      parsed[String(Number(key))] = count;
    }
    result[place] = parsed;
  }
  if (result.recyclers === undefined && result.stacker === undefined) {
    throw bad('the inventory needs "recyclers" and/or "stacker", e.g. {"recyclers": {"200": 0}}');
  }
  return result;
}

/** Options of `insert` (`accept` of `POST /customer`), checked before anything is inserted. */
export function checkInsertOptions(value: unknown): InsertOptions {
  if (value === undefined) return {};
  const options = expectRecord(value, 'the insert options');
  rejectUnknownKeys(options, ['accept'], 'the insert options');
  if (options.accept !== undefined && typeof options.accept !== 'boolean') {
    throw bad(`"accept" must be true or false (false: the customer does not press Accept by itself), got ${describeValue(options.accept)}`);
  }
  return options.accept === undefined ? {} : { accept: options.accept };
}

/** Options of `reset` (the body of `POST /reset`). */
export function checkResetOptions(value: unknown): ResetOptions {
  if (value === undefined) return {};
  const options = expectRecord(value, 'the reset options');
  rejectUnknownKeys(options, ['closeConnections'], 'the reset options');
  if (options.closeConnections !== undefined && typeof options.closeConnections !== 'boolean') {
    throw bad(`"closeConnections" must be true or false, got ${describeValue(options.closeConnections)}`);
  }
  return options.closeConnections === undefined ? {} : { closeConnections: options.closeConnections };
}

export function checkCustomer(value: unknown, profile: ProfileView): CustomerConfig {
  const body = expectRecord(value, 'the customer');
  rejectUnknownKeys(body, ['mode', 'pay', 'delayMs'], 'the customer');
  if (body.mode !== 'auto' && body.mode !== 'manual') {
    throw bad(`"mode" must be "auto" or "manual", got ${describeValue(body.mode)}`);
  }
  const config: CustomerConfig = { mode: body.mode };
  if (body.pay !== undefined) config.pay = checkDenominationList(body.pay, 'pay', profile);
  if (body.delayMs !== undefined) {
    if (typeof body.delayMs !== 'number' || !Number.isFinite(body.delayMs) || body.delayMs < 0) {
      throw bad(`"delayMs" must be a non-negative number of milliseconds, got ${describeValue(body.delayMs)}`);
    }
    config.delayMs = body.delayMs;
  }
  return config;
}

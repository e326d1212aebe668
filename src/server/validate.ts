/**
 * Checks on what a library user or the control API asks of the simulator, described with the
 * Shape kit (src/format/shape.ts) so the bodies read like every other input: every problem at
 * once, each named by its JSON path ("recyclers.200", "pay[1]"), in the same words as the YAML
 * loaders. The handle runs them, so both faces give the same messages; the control API adds the
 * list as `problems` next to `error`. schema/control-api.schema.json is generated from here.
 */
import { checkShape, describeValue, formatPath, isPlainObject, toJsonSchema, type JsonSchema, type ObjectShape, type Problem, type Shape } from '../format/shape.js';
import type { PathSegment } from '../format/yaml.js';
import { customerProblems, customerProblemText, customerShape } from '../machine/customer.js';
import { SimulatorError } from './errors.js';
import type { CustomerConfig, InsertOptions, InventoryCounts, ProfileView, ResetOptions } from './types.js';

export { describeValue, customerShape };

/** One problem of a request, as the control API lists it under `problems`. */
export interface RequestProblem {
  /** Dotted JSON path in the body ("recyclers.200"); "" for the body as a whole. */
  path: string;
  message: string;
  hint?: string;
}

/** A request that does not validate: `message` names every problem, `problems` lists them. */
export class InvalidRequestError extends SimulatorError {
  readonly problems: RequestProblem[];
  constructor(problems: RequestProblem[]) {
    super('SIMULATOR', problems.map(problemText).join('; '));
    this.problems = problems;
  }
}

/** "recyclers.200: must be at least 0, got -1", with the hint in brackets: the same words as the machine's own checks. */
export const problemText: (problem: RequestProblem) => string = customerProblemText;

type Add = (path: PathSegment[], message: string, hint?: string) => void;

/**
 * Checks `value` against `shape`, then (when given) the rules that need the machine's profile,
 * which see only values of the right shape. Throws InvalidRequestError with every problem.
 */
function validate(shape: Shape, value: unknown, base: PathSegment[], rules?: (add: Add) => void): void {
  const problems: RequestProblem[] = [];
  const push = (p: Pick<Problem, 'path' | 'message' | 'hint'>) =>
    problems.push({ path: formatPath(p.path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) });
  for (const p of checkShape(shape, value, base)) if (p.severity === 'error') push(p);
  rules?.((path, message, hint) => push({ path, message, ...(hint !== undefined ? { hint } : {}) }));
  if (problems.length > 0) throw new InvalidRequestError(problems);
}

const DENOMINATION_KEY = '^[0-9]+$';
const DENOMINATION_HINT = 'denominations are values in cents, e.g. "2000" for 20.00';

const countsShape = (description: string): Shape => ({
  kind: 'record',
  keyPattern: DENOMINATION_KEY,
  keyHint: DENOMINATION_HINT,
  values: { kind: 'number', integer: true, min: 0 },
  description,
});

const denominationList = (description: string): Shape => ({
  kind: 'array',
  items: { kind: 'number', integer: true, min: 1 },
  minItems: 1,
  description,
});

/** `PUT /inventory` and `setInventory()`. */
export const inventoryShape: ObjectShape = {
  kind: 'object',
  what: 'the inventory',
  description: 'New counts per denomination (cents); places left out keep their counts.',
  props: {
    recyclers: { shape: countsShape('Pieces in the recyclers, e.g. {"200": 30}.') },
    stacker: { shape: countsShape('Pieces in the stacker or cash box.') },
  },
};

/** The options of `insert()` (`accept` of `POST /customer`). */
export const insertOptionsShape: ObjectShape = {
  kind: 'object',
  what: 'the insert options',
  props: { accept: { shape: { kind: 'boolean', description: 'false: the customer does not press Accept by itself. Default true.' } } },
};

/** `POST /reset` and `reset()`. */
export const resetOptionsShape: ObjectShape = {
  kind: 'object',
  what: 'the reset options',
  props: { closeConnections: { shape: { kind: 'boolean', description: 'false keeps the client connections. Default true.' } } },
};

/** `POST /customer`: what the customer does now. */
export const customerActionShape: ObjectShape = {
  kind: 'object',
  what: 'POST /customer',
  props: {
    insert: { shape: denominationList('Denominations (cents) to insert now.') },
    accept: { shape: { kind: 'boolean', description: 'With insert: whether the customer presses Accept once covered. Default true.' } },
    cancel: { shape: { kind: 'boolean', only: true, description: 'Press Cancel.' } },
    confirm: { shape: { kind: 'boolean', only: true, description: 'Press Accept.' } },
  },
};

/** `POST /operator`: what the operator does now. */
export const operatorActionShape: ObjectShape = {
  kind: 'object',
  what: 'POST /operator',
  props: {
    close: { shape: { kind: 'boolean', only: true, description: 'Close the backoffice screen.' } },
    clearErrors: { shape: { kind: 'boolean', only: true, description: 'Clear the device errors.' } },
  },
};

function checkDenominations(value: unknown, path: PathSegment[], profile: ProfileView, add: Add): void {
  if (!Array.isArray(value)) return;
  value.forEach((v, i) => {
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) checkKnown(v, [...path, i], profile, add);
  });
}

function checkKnown(value: number, path: PathSegment[], profile: ProfileView, add: Add): boolean {
  const known = [...profile.coins, ...profile.notes];
  if (known.includes(value)) return true;
  add(path, `${value} is not a denomination of profile ${profile.name}`, `known: ${known.join(', ')}`);
  return false;
}

export function checkDenominationList(value: unknown, key: string, profile: ProfileView): number[] {
  validate(denominationList(''), value, [key], (add) => checkDenominations(value, [key], profile, add));
  return [...(value as number[])];
}

export function checkInventory(value: unknown, profile: ProfileView): Partial<InventoryCounts> {
  validate(inventoryShape, value, [], (add) => {
    if (!isPlainObject(value)) return;
    if (value['recyclers'] === undefined && value['stacker'] === undefined) {
      add([], 'the inventory needs "recyclers" and/or "stacker"', 'e.g. {"recyclers": {"200": 0}}');
    }
    for (const place of ['recyclers', 'stacker'] as const) {
      const counts = value[place];
      if (!isPlainObject(counts)) continue;
      for (const [key, count] of Object.entries(counts)) {
        if (!/^\d+$/.test(key) || typeof count !== 'number' || !Number.isInteger(count) || count < 0) continue;
        const at = [place, key];
        if (!checkKnown(Number(key), at, profile, add)) continue;
        // GET /state lists every denomination, with 0 for those the recyclers cannot hold: that
        // 0 round-trips; any other count cannot be true of the machine.
        if (place === 'recyclers' && count > 0 && !profile.recyclable.includes(Number(key))) {
          add(at, `the recyclers of profile ${profile.name} cannot hold ${key}, so its count can only be 0, got ${count}`, `recyclable: ${profile.recyclable.join(', ')}`);
          continue;
        }
        const capacity = place === 'recyclers' ? profile.levels?.[String(Number(key))]?.capacity : undefined;
        if (capacity !== undefined && count > capacity) add(at, `${count} is above the recycler capacity ${capacity}`);
      }
    }
  });
  const body = value as Record<string, Record<string, number> | undefined>;
  const result: Partial<InventoryCounts> = {};
  for (const place of ['recyclers', 'stacker'] as const) {
    const counts = body[place];
    if (counts !== undefined) result[place] = Object.fromEntries(Object.entries(counts).map(([key, count]) => [String(Number(key)), count]));
  }
  return result;
}

/** Options of `insert` (`accept` of `POST /customer`), checked before anything is inserted. */
export function checkInsertOptions(value: unknown): InsertOptions {
  if (value === undefined) return {};
  validate(insertOptionsShape, value, []);
  const { accept } = value as InsertOptions;
  return accept === undefined ? {} : { accept };
}

/** Options of `reset` (the body of `POST /reset`). */
export function checkResetOptions(value: unknown): ResetOptions {
  if (value === undefined) return {};
  validate(resetOptionsShape, value, []);
  const { closeConnections } = value as ResetOptions;
  return closeConnections === undefined ? {} : { closeConnections };
}

/** `PUT /customer` and `setCustomer()`: the machine's own description and rules (src/machine/customer.ts). */
export function checkCustomer(value: unknown, profile: ProfileView): CustomerConfig {
  const problems = customerProblems(value, { name: profile.name, denominations: [...profile.coins, ...profile.notes] });
  if (problems.length > 0) throw new InvalidRequestError(problems);
  const body = value as CustomerConfig;
  return { mode: body.mode, ...(body.pay !== undefined ? { pay: [...body.pay] } : {}), ...(body.delayMs !== undefined ? { delayMs: body.delayMs } : {}) };
}

/** The body of `POST /customer`, before any of it is done. */
export function checkCustomerAction(value: unknown): { insert?: number[]; accept?: boolean; cancel?: true; confirm?: true } {
  validate(customerActionShape, value, [], (add) => {
    if (!isPlainObject(value)) return;
    if (value['accept'] !== undefined && value['insert'] === undefined) {
      add(['accept'], '"accept" goes with "insert"', '{"insert": [2000], "accept": false} inserts without pressing Accept');
    }
    if (['insert', 'cancel', 'confirm'].every((k) => value[k] === undefined) && value['accept'] === undefined) {
      add([], 'POST /customer needs one of "insert": [cents…], "cancel": true, "confirm": true');
    }
  });
  return value as { insert?: number[]; accept?: boolean; cancel?: true; confirm?: true };
}

/** The body of `POST /operator`. */
export function checkOperatorAction(value: unknown): { close?: true; clearErrors?: true } {
  validate(operatorActionShape, value, [], (add) => {
    if (isPlainObject(value) && value['close'] === undefined && value['clearErrors'] === undefined) {
      add([], 'POST /operator needs "close": true (close the backoffice screen) or "clearErrors": true');
    }
  });
  return value as { close?: true; clearErrors?: true };
}

/** A request body that must be a JSON object (the fault of `POST /faults` is then checked by the fault registry). */
export function checkBodyObject(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidRequestError([{ path: '', message: `the body must be a JSON object, got ${describeValue(value)}` }]);
  return value;
}

export const CONTROL_API_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/control-api.schema.json';

/** The request bodies of the control API (docs/simulator.md, Control API reference), one definition per route. */
export function controlApiJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: CONTROL_API_SCHEMA_ID,
    title: 'cashlogy-cert control API request bodies',
    $defs: {
      'PUT /inventory': toJsonSchema(inventoryShape),
      'POST /customer': toJsonSchema(customerActionShape),
      'PUT /customer': toJsonSchema(customerShape),
      'POST /operator': toJsonSchema(operatorActionShape),
      'POST /reset': toJsonSchema(resetOptionsShape),
      'POST /faults': { $ref: 'fault.schema.json#/$defs/fault' },
    },
  };
}

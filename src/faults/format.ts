/**
 * The fault spec of docs/faults.md (`{type, ...options, on: trigger}`), described with the
 * Shape kit: the trigger and the envelope once, each fault's options from its registry entry
 * (`info.options`). The registry validates every spec with it (so a fault says what is wrong
 * in the same words as every other input), and schema/fault.schema.json is generated from it,
 * so editors see the same vocabulary the control API, checklists and `--fault` accept. Only
 * the rules that relate fields (where a fault can fire, option combinations) live in the
 * registry and the fault's own `validate`.
 */
import { closest } from '../format/issues.js';
import { describeValue, toJsonSchema, type JsonSchema, type ObjectShape, type Property, type Shape, type TaggedShape } from '../format/shape.js';
import { isDurationAboveLimit, MAX_DURATION_TEXT } from '../duration.js';
import { TICKET_COMMANDS } from '../tickets/dialect.js';
import { FAULT_COMMAND_CODES, normalizeCommandCode } from './commands.js';
import { parseAfter } from './definition.js';
import type { FaultInfo, FaultOptionInfo } from './engine-types.js';

export const TRIGGER_KEYS = ['command', 'nth', 'after', 'probability', 'times'] as const;

const AFTER_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*%|\\d+(\\.\\d+)?\\s*(ms|s|m)?)\\s*$';

const afterShape: Shape = {
  kind: 'custom',
  description: 'Progress of the operation ("40%", 0 to 100) or machine time into it ("1500ms", "2s").',
  json: { anyOf: [{ type: 'string', pattern: AFTER_PATTERN }, { type: 'number', minimum: 0 }] },
  check: (value, path, report) => {
    if (isDurationAboveLimit(value)) {
      report.error(path, `duration ${typeof value === 'string' ? JSON.stringify(value) : String(value)} is above the limit of ${MAX_DURATION_TEXT}`, 'no timeout or delay of a machine, a POS or a checklist needs longer');
      return;
    }
    const after = parseAfter(value);
    if (after === undefined || ('percent' in after && after.percent > 100)) {
      report.error(path, `invalid progress or time ${JSON.stringify(value)}`, 'write a progress like "40%" (0 to 100) or a time like "1500ms" or "2s"');
    }
  },
};

/** When a fault fires: all fields optional, combined with AND. */
export const triggerShape: ObjectShape = {
  kind: 'object',
  what: 'a trigger',
  description: 'When the fault fires; all fields optional, combined with AND (docs/faults.md).',
  props: {
    command: {
      shape: {
        kind: 'custom',
        description: 'A command code without the "#": C, P, Q, GC2…; for tickets faults, venta or abono.',
        json: { type: 'string', minLength: 1 },
        check: (value, path, report) => {
          if (typeof value !== 'string' || value.trim() === '') {
            report.error(path, `expected a command code like "C" or "P", got ${describeValue(value)}`);
            return;
          }
          const code = normalizeCommandCode(value);
          if (!FAULT_COMMAND_CODES.includes(code) && !(TICKET_COMMANDS as readonly string[]).includes(code)) {
            const guess = closest(code, FAULT_COMMAND_CODES);
            report.error(path, `unknown command "${value}"`, guess !== undefined ? `did you mean "${guess}"?` : 'a code of docs/protocol.md without the #, e.g. C, P, Q, GC2');
          }
        },
      },
    },
    nth: { shape: { kind: 'number', integer: true, min: 1, description: 'Fire on the nth matching opportunity (1-based). Default 1.' } },
    after: { shape: afterShape },
    probability: { shape: { kind: 'number', min: 0, max: 1, description: "Chance that each matching opportunity fires, drawn from the run's seed." } },
    times: { shape: { kind: 'number', integer: true, min: 1, description: 'How many times it fires. Default 1.' } },
  },
};

const OFFSETS_PATTERN = '^\\s*\\d+(\\s*\\+\\s*\\d+)*\\s*$';
const OFFSETS_WHAT = 'a byte offset (3), a list of offsets ([3, 7] or "3+7"), "middle" or "every"';

/** 3 → [3]; [3, 7] and "3+7" → [3, 7]; "middle", "every"; undefined for anything else. */
export function parseOffsets(value: unknown): number[] | 'middle' | 'every' | undefined {
  const isOffset = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (value === 'middle' || value === 'every') return value;
  if (isOffset(value)) return [value];
  if (Array.isArray(value)) return value.length > 0 && value.every(isOffset) ? [...value] : undefined;
  if (typeof value === 'string' && new RegExp(OFFSETS_PATTERN).test(value)) {
    const numbers = value.split('+').map((part) => Number(part.trim()));
    return numbers.every(isOffset) ? numbers : undefined;
  }
  return undefined;
}

/** The Shape of one option, from the kind its registry entry declares. */
export function optionShape(option: FaultOptionInfo): Shape {
  const description = option.description + (option.default !== undefined ? ` Default ${JSON.stringify(option.default)}.` : '');
  const min = option.min ?? 0;
  switch (option.kind) {
    case 'cents':
    case 'integer':
      return { kind: 'number', integer: true, min, description };
    case 'code':
      return { kind: 'number', integer: true, min: Math.max(1, min), max: 99999, description };
    case 'duration':
      return { kind: 'duration', description };
    case 'string':
      // JSON and YAML alike: an option that is text is never a number read as text.
      return option.values !== undefined ? { kind: 'enum', values: option.values, what: option.name, description } : { kind: 'string', numbersAsText: false, description };
    case 'offsets':
      return {
        kind: 'custom',
        description,
        json: {
          anyOf: [
            { type: 'integer', minimum: 1 },
            { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 },
            { anyOf: [{ enum: ['middle', 'every'] }, { type: 'string', pattern: OFFSETS_PATTERN }] },
          ],
        },
        check: (value, path, report) => {
          if (parseOffsets(value) === undefined) report.error(path, `expected ${OFFSETS_WHAT}, got ${describeValue(value)}`);
        },
      };
  }
}

/** One fault type's keys: its options and the trigger. */
export function faultVariantShape(info: FaultInfo): ObjectShape {
  const props: Record<string, Property> = {};
  for (const option of info.options) props[option.name] = { shape: optionShape(option), ...(option.required ? { required: true } : {}) };
  props['on'] = { shape: triggerShape };
  return { kind: 'object', what: `a ${info.type} fault`, description: `${info.summary} On the wire: ${info.wireEffect}.`, props };
}

/** A fault spec of any registered type, keyed by `type`. */
export function faultSpecShape(infos: readonly FaultInfo[]): TaggedShape {
  return {
    kind: 'tagged',
    what: 'fault',
    tag: 'type',
    description: 'A fault (docs/faults.md): {type, ...options, on: {command, nth, after, probability, times}}.',
    variants: Object.fromEntries(infos.map((info) => [info.type, faultVariantShape(info)])),
  };
}

export const FAULT_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/fault.schema.json';

/** schema/fault.schema.json: one fault spec, or a faults file (a list, or `{faults: [...]}`). */
export function faultJsonSchema(infos: readonly FaultInfo[]): JsonSchema {
  const list = { type: 'array', items: { $ref: '#/$defs/fault' } };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: FAULT_SCHEMA_ID,
    title: 'cashlogy-cert fault',
    anyOf: [{ $ref: '#/$defs/fault' }, list, { type: 'object', properties: { faults: list }, required: ['faults'], additionalProperties: false }],
    $defs: { fault: toJsonSchema(faultSpecShape(infos)) },
  };
}

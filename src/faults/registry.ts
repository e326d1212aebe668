/**
 * The fault registry: the name users write (`type: note-jam`) → its definition, one file per
 * fault under catalogue/. Also the one validator every entry point uses (control API, CLI,
 * faults files, checklist steps), so a spec means the same thing wherever it is written.
 */
import { closest } from '../issues.js';
import { parseDuration } from '../duration.js';
import { FAULT_COMMAND_CODES, normalizeCommandCode } from './commands.js';
import { parseAfter, type FaultDefinition, type SpecPathSegment, type SpecProblem } from './definition.js';
import type { FaultInfo, FaultOptionInfo } from './engine-types.js';
import { FAULT_TYPES, type FaultSpec, type FaultTrigger, type FaultType } from './spec.js';
import { busy } from './catalogue/busy.js';
import { coinJam } from './catalogue/coin-jam.js';
import { corrupt } from './catalogue/corrupt.js';
import { deviceError } from './catalogue/device-error.js';
import { disconnect } from './catalogue/disconnect.js';
import { doorOpen } from './catalogue/door-open.js';
import { latency } from './catalogue/latency.js';
import { noteJam } from './catalogue/note-jam.js';
import { partialDispense } from './catalogue/partial-dispense.js';
import { powerOff } from './catalogue/power-off.js';
import { refuse } from './catalogue/refuse.js';
import { reset } from './catalogue/reset.js';
import { restart } from './catalogue/restart.js';
import { silence } from './catalogue/silence.js';
import { split } from './catalogue/split.js';
import { stackerFull } from './catalogue/stacker-full.js';
import { staleReply } from './catalogue/stale-reply.js';

export type { FaultDefinition, SpecProblem } from './definition.js';

const DEFINITIONS: Record<FaultType, FaultDefinition> = {
  'note-jam': noteJam,
  'coin-jam': coinJam,
  'partial-dispense': partialDispense,
  'stacker-full': stackerFull,
  'door-open': doorOpen,
  'device-error': deviceError,
  busy,
  restart,
  'power-off': powerOff,
  disconnect,
  reset,
  refuse,
  silence,
  latency,
  split,
  corrupt,
  'stale-reply': staleReply,
};

export const TRIGGER_KEYS = ['command', 'nth', 'after', 'probability', 'times'] as const;

/** Every fault type, in catalogue order (domain faults first). */
export function faultTypes(): FaultType[] {
  return [...FAULT_TYPES];
}

export function isFaultType(name: unknown): name is FaultType {
  return typeof name === 'string' && Object.hasOwn(DEFINITIONS, name);
}

export function getFaultDefinition(type: FaultType): FaultDefinition {
  return DEFINITIONS[type];
}

/** What the registry knows about every fault: for `GET /faults/catalog`, the web panel and the docs. */
export function listFaultInfo(): FaultInfo[] {
  return FAULT_TYPES.map((type) => structuredClone(DEFINITIONS[type].info));
}

/** Faults that can act during an operation, i.e. accept an `after` trigger. */
export function faultsWithProgress(): FaultType[] {
  return FAULT_TYPES.filter((type) => DEFINITIONS[type].points.includes('progress'));
}

export interface FaultSpecProblem {
  /** Dotted path ("items[2].steps[0].fault.on.after"), prefixed with the caller's path. */
  path: string;
  message: string;
  hint?: string;
  /** The same place as path segments relative to the spec, for YAML `locate`. */
  segments: SpecPathSegment[];
  /** 'key' when the key itself is wrong (unknown option or trigger field). */
  at: 'key' | 'value';
}

/**
 * Checks a fault spec as a user wrote it. On success `spec` is the normalized spec: command
 * codes without `#`, offsets as a list, every option with a default filled in. Problems are
 * all reported at once, each with a path and, where it helps, a "did you mean" hint.
 */
export function validateFaultSpec(input: unknown, path = ''): { spec?: FaultSpec; problems: FaultSpecProblem[] } {
  const problems: SpecProblem[] = [];
  const done = (spec?: FaultSpec) => ({
    ...(spec !== undefined && problems.length === 0 ? { spec } : {}),
    problems: problems.map((p) => toProblem(p, path)),
  });

  if (!isPlainObject(input)) {
    problems.push({
      segments: [],
      message: `a fault must be a mapping like {type: latency, ms: 800}, not ${describeValue(input)}`,
    });
    return done();
  }

  const rawType = input['type'];
  let definition: FaultDefinition | undefined;
  if (rawType === undefined) {
    const misspelt = Object.keys(input).find((key) => key !== 'on' && closest(key, ['type']) !== undefined);
    problems.push(
      misspelt !== undefined
        ? { segments: [misspelt], at: 'key', message: 'missing fault "type"', hint: `did you mean "type" instead of "${misspelt}"?` }
        : { segments: [], message: 'missing fault "type"', hint: `one of: ${FAULT_TYPES.join(', ')}` },
    );
  } else if (typeof rawType !== 'string') {
    problems.push({ segments: ['type'], message: `fault "type" must be a name, not ${describeValue(rawType)}` });
  } else if (!isFaultType(rawType)) {
    const guess = closest(rawType, FAULT_TYPES);
    problems.push({
      segments: ['type'],
      message: `unknown fault type "${rawType}"`,
      hint: guess !== undefined ? `did you mean "${guess}"?` : `one of: ${FAULT_TYPES.join(', ')}`,
    });
  } else {
    definition = DEFINITIONS[rawType];
  }

  const on = validateTrigger(input['on'], definition, problems);
  if (definition === undefined) return done();

  const spec: FaultSpec = { type: definition.info.type };
  const optionNames = definition.info.options.map((o) => o.name);
  for (const [key, value] of Object.entries(input)) {
    if (key === 'type' || key === 'on') continue;
    const option = definition.info.options.find((o) => o.name === key);
    if (option === undefined) {
      problems.push(unknownOption(key, definition, optionNames));
      continue;
    }
    const normalized = checkOption(option, value, problems);
    if (normalized !== undefined) spec[key] = normalized;
  }
  for (const option of definition.info.options) {
    if (spec[option.name] !== undefined || input[option.name] !== undefined) continue;
    if (option.required) {
      problems.push({
        segments: [],
        message: `${definition.info.type} needs option "${option.name}": ${option.description}`,
        hint: `e.g. {type: ${definition.info.type}, ${option.name}: ${exampleValue(option)}}`,
      });
    } else if (option.default !== undefined) {
      spec[option.name] = structuredClone(option.default);
    }
  }
  if (on !== undefined) spec.on = on;
  checkApplicability(definition, on, problems);
  if (problems.length === 0) problems.push(...definition.validate(spec));
  return done(spec);
}

function validateTrigger(raw: unknown, definition: FaultDefinition | undefined, problems: SpecProblem[]): FaultTrigger | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) {
    problems.push({
      segments: ['on'],
      message: `"on" must be a mapping of trigger fields (${TRIGGER_KEYS.join(', ')}), not ${describeValue(raw)}`,
      hint: 'e.g. on: {command: C, nth: 2}',
    });
    return undefined;
  }
  const trigger: FaultTrigger = {};
  for (const [key, value] of Object.entries(raw)) {
    const at: SpecPathSegment[] = ['on', key];
    switch (key) {
      case 'command': {
        if (typeof value !== 'string' || value.trim() === '') {
          problems.push({ segments: at, message: `"command" must be a command code like "C" or "P", not ${describeValue(value)}` });
          break;
        }
        const code = normalizeCommandCode(value);
        if (!FAULT_COMMAND_CODES.includes(code)) {
          const guess = closest(code, FAULT_COMMAND_CODES);
          problems.push({
            segments: at,
            message: `unknown command "${value}"`,
            hint: guess !== undefined ? `did you mean "${guess}"?` : `a code of protocol.md §5 without the #, e.g. C, P, Q, GC2`,
          });
          break;
        }
        trigger.command = code;
        break;
      }
      case 'nth':
      case 'times': {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          problems.push({ segments: at, message: `"${key}" must be a whole number of at least 1, not ${describeValue(value)}` });
          break;
        }
        trigger[key] = value;
        break;
      }
      case 'after': {
        const after = parseAfter(value);
        if (after === undefined || ('percent' in after && after.percent > 100)) {
          problems.push({
            segments: at,
            message: `"after" must be a progress like "40%" (0 to 100) or a time into the operation like "1500ms" or "2s", not ${describeValue(value)}`,
          });
          break;
        }
        trigger.after = typeof value === 'string' ? value.trim() : `${String(value)}ms`;
        break;
      }
      case 'probability': {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
          problems.push({ segments: at, message: `"probability" must be a number from 0 to 1, not ${describeValue(value)}`, hint: 'e.g. probability: 0.3' });
          break;
        }
        trigger.probability = value;
        break;
      }
      default: {
        const guess = closest(key, TRIGGER_KEYS);
        const isOption = definition?.info.options.some((o) => o.name === key) ?? false;
        problems.push({
          segments: at,
          at: 'key',
          message: `unknown trigger field "${key}"`,
          hint: isOption
            ? `"${key}" is an option of ${definition?.info.type}: write it next to "type", not under "on"`
            : guess !== undefined
              ? `did you mean "${guess}"?`
              : `trigger fields are: ${TRIGGER_KEYS.join(', ')}`,
        });
      }
    }
  }
  return trigger;
}

function checkApplicability(definition: FaultDefinition, on: FaultTrigger | undefined, problems: SpecProblem[]): void {
  const type = definition.info.type;
  if (on?.command !== undefined && definition.points.length === 1 && definition.points[0] === 'connect') {
    problems.push({
      segments: ['on', 'command'],
      message: `${type} acts on new connections, which carry no command yet`,
      hint: 'use "nth" to pick a connection (nth: 2 = the second connection from now)',
    });
  }
  if (on?.after !== undefined && !definition.points.includes('progress')) {
    problems.push({
      segments: ['on', 'after'],
      message: `${type} cannot fire part-way into an operation, so "after" does not apply`,
      hint: `"after" works with: ${faultsWithProgress().join(', ')}`,
    });
  }
}

function unknownOption(key: string, definition: FaultDefinition, optionNames: string[]): SpecProblem {
  const type = definition.info.type;
  if ((TRIGGER_KEYS as readonly string[]).includes(key)) {
    return {
      segments: [key],
      at: 'key',
      message: `"${key}" is a trigger field and belongs under "on"`,
      hint: `write on: {${key}: …}`,
    };
  }
  const guess = closest(key, [...optionNames, 'on']);
  return {
    segments: [key],
    at: 'key',
    message: `unknown option "${key}" for ${type}`,
    hint:
      guess !== undefined
        ? `did you mean "${guess}"?`
        : optionNames.length > 0
          ? `${type} takes: ${optionNames.join(', ')} (and a trigger under "on")`
          : `${type} takes no options, only a trigger under "on"`,
  };
}

/** Checks one option value against its kind; returns the normalized value, or undefined after recording a problem. */
function checkOption(option: FaultOptionInfo, value: unknown, problems: SpecProblem[]): unknown {
  const at = [option.name];
  const min = option.min ?? 0;
  const fail = (message: string, hint?: string) => {
    problems.push({ segments: at, message, ...(hint !== undefined ? { hint } : {}) });
    return undefined;
  };
  switch (option.kind) {
    case 'cents':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        return fail(`"${option.name}" must be an amount in cents (a whole number${min > 0 ? ` of at least ${min}` : ''}), not ${describeValue(value)}`, `e.g. ${option.name}: 50 for 0.50`);
      }
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        return fail(`"${option.name}" must be a whole number of at least ${min}, not ${describeValue(value)}`);
      }
      return value;
    case 'code':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < Math.max(1, min) || value > 99999) {
        return fail(`"${option.name}" must be a device error code (a whole number such as 1110), not ${describeValue(value)}`, 'codes are listed in protocol.md §8');
      }
      return value;
    case 'duration':
      if (parseDuration(value) === undefined) {
        return fail(`"${option.name}" must be a duration like "2s" or "1500ms", not ${describeValue(value)}`);
      }
      return typeof value === 'string' ? value.trim() : value;
    case 'string': {
      if (typeof value !== 'string') return fail(`"${option.name}" must be text, not ${describeValue(value)}`);
      if (option.values !== undefined && !option.values.includes(value)) {
        const guess = closest(value, option.values);
        return fail(
          `"${option.name}" must be one of ${option.values.join(', ')}, not "${value}"`,
          guess !== undefined ? `did you mean "${guess}"?` : undefined,
        );
      }
      return value;
    }
    case 'offsets': {
      const offsets = parseOffsets(value);
      if (offsets === undefined) {
        return fail(
          `"${option.name}" must be a byte offset (3), a list of offsets ([3, 7] or "3+7"), "middle" or "every", not ${describeValue(value)}`,
        );
      }
      return offsets;
    }
  }
}

function parseOffsets(value: unknown): number[] | 'middle' | 'every' | undefined {
  const isOffset = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (value === 'middle' || value === 'every') return value;
  if (isOffset(value)) return [value];
  if (Array.isArray(value)) return value.length > 0 && value.every(isOffset) ? [...value] : undefined;
  if (typeof value === 'string' && /^\s*\d+(\s*\+\s*\d+)*\s*$/.test(value)) {
    const numbers = value.split('+').map((part) => Number(part.trim()));
    return numbers.every(isOffset) ? numbers : undefined;
  }
  return undefined;
}

function exampleValue(option: FaultOptionInfo): string {
  switch (option.kind) {
    case 'cents':
      return '50';
    case 'code':
      return '1110';
    case 'duration':
      return '2s';
    case 'integer':
      return '1';
    case 'offsets':
      return '[3]';
    case 'string':
      return option.values?.[0] ?? '"text"';
  }
}

function toProblem(problem: SpecProblem, base: string): FaultSpecProblem {
  return {
    path: joinPath(base, problem.segments),
    message: problem.message,
    ...(problem.hint !== undefined ? { hint: problem.hint } : {}),
    segments: problem.segments,
    at: problem.at ?? 'value',
  };
}

export function joinPath(base: string, segments: readonly SpecPathSegment[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/**
 * The fault registry: the name users write (`type: note-jam`) → its definition, one file per
 * fault under catalogue/. Adding a fault is one catalogue file plus one line in CATALOGUE:
 * the vocabulary (spec.ts), the validator, `GET /faults/catalog`, the web panel, the JSON
 * Schema and the table of docs/faults.md all follow from here. Also the one validator every
 * entry point uses (control API, CLI, faults files, checklist steps), so a spec means the same
 * thing wherever it is written: the fields through the Shape description of format.ts, then
 * the rules that relate them.
 */
import { closest } from '../format/issues.js';
import { checkShape, isPlainObject, type TaggedShape } from '../format/shape.js';
import { normalizeCommandCode } from './commands.js';
import type { FaultDefinition, SpecPathSegment, SpecProblem } from './definition.js';
import type { FaultInfo, FaultOptionInfo } from './engine-types.js';
import { faultSpecShape, parseOffsets, TRIGGER_KEYS, triggerShape } from './format.js';
import type { FaultSpec, FaultTrigger } from './spec.js';
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
import { ticketsCorruptAnswer } from './catalogue/tickets-corrupt-answer.js';
import { ticketsDown } from './catalogue/tickets-down.js';
import { ticketsEagerRead } from './catalogue/tickets-eager-read.js';
import { ticketsNok } from './catalogue/tickets-nok.js';
import { ticketsSlow } from './catalogue/tickets-slow.js';
import { ticketsSplitAnswer } from './catalogue/tickets-split-answer.js';
import { TICKET_COMMANDS } from '../tickets/dialect.js';

export type { FaultDefinition, SpecProblem } from './definition.js';

/** Every fault, domain faults first, in the order of the docs and `GET /faults/catalog`. */
const CATALOGUE: Record<string, FaultDefinition> = {
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
  'tickets-down': ticketsDown,
  'tickets-slow': ticketsSlow,
  'tickets-nok': ticketsNok,
  'tickets-corrupt-answer': ticketsCorruptAnswer,
  'tickets-split-answer': ticketsSplitAnswer,
  'tickets-eager-read': ticketsEagerRead,
};

/** The name of a registered fault ("note-jam"); `isFaultType` tells whether a text is one. */
export type FaultType = string;

/** Faults registered at run time (`registerFault`), after the catalogue. */
const DEFINITIONS: Record<string, FaultDefinition> = { ...CATALOGUE };

/** Names of every fault, in catalogue order (domain faults first), then any registered later. */
export const FAULT_TYPES: readonly FaultType[] = Object.keys(DEFINITIONS) as FaultType[];

/**
 * Adds a fault at run time (a plug-in, or a test that proves one file is enough). Its name must
 * be new. From then on it validates, arms, fires and lists like any fault of the catalogue.
 */
export function registerFault(definition: FaultDefinition): void {
  const type = definition.info.type;
  if (Object.hasOwn(DEFINITIONS, type)) throw new Error(`fault type "${type}" is already registered`);
  DEFINITIONS[type] = definition;
  (FAULT_TYPES as string[]).push(type);
}

export { TRIGGER_KEYS };

/** Every fault type, in catalogue order (domain faults first). */
export function faultTypes(): FaultType[] {
  return [...FAULT_TYPES];
}

export function isFaultType(name: unknown): name is FaultType {
  return typeof name === 'string' && Object.hasOwn(DEFINITIONS, name);
}

export function getFaultDefinition(type: FaultType): FaultDefinition {
  const definition = DEFINITIONS[type];
  if (definition === undefined) throw new Error(`unknown fault type "${type}"`);
  return definition;
}

/** What the registry knows about every fault: for `GET /faults/catalog`, the web panel and the docs. */
export function listFaultInfo(): FaultInfo[] {
  return FAULT_TYPES.map((type) => structuredClone(getFaultDefinition(type).info));
}

/** Faults that can act during an operation, i.e. accept an `after` trigger. */
export function faultsWithProgress(): FaultType[] {
  return FAULT_TYPES.filter((type) => getFaultDefinition(type).points.includes('progress'));
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

/** The Shape of every registered fault, rebuilt only when a fault is registered. */
let specShape: { count: number; shape: TaggedShape } | undefined;

function faultShape(): TaggedShape {
  if (specShape?.count !== FAULT_TYPES.length) specShape = { count: FAULT_TYPES.length, shape: faultSpecShape(FAULT_TYPES.map((type) => getFaultDefinition(type).info)) };
  return specShape.shape;
}

/**
 * Checks a fault spec as a user wrote it. The Shape description (format.ts) checks every field,
 * in the words every input uses; then the rules that relate fields (where the fault can fire,
 * the fault's own `validate`). On success `spec` is the normalized spec: command codes without
 * `#`, offsets as a list, every option with a default filled in. Problems are all reported at
 * once, each with a path and, where it helps, a "did you mean" hint.
 */
export function validateFaultSpec(input: unknown, path = ''): { spec?: FaultSpec; problems: FaultSpecProblem[] } {
  const problems: SpecProblem[] = checkShape(faultShape(), input)
    .filter((p) => p.severity === 'error')
    .map((p) => withHint({ segments: p.path, message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}), at: p.at }, input));
  const done = (spec?: FaultSpec) => ({
    ...(spec !== undefined && problems.length === 0 ? { spec } : {}),
    problems: problems.map((p) => toProblem(p, path)),
  });
  if (!isPlainObject(input)) return done();
  if (!isFaultType(input['type'])) {
    // The shape stops at an unknown type; the trigger means the same for every fault, so say what is wrong with it too.
    if (input['on'] !== undefined) {
      for (const p of checkShape(triggerShape, input['on'], ['on'])) {
        if (p.severity === 'error') problems.push({ segments: p.path, message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}), at: p.at });
      }
    }
    return done();
  }
  const definition = getFaultDefinition(input['type']);
  const on = isPlainObject(input['on']) ? input['on'] : undefined;
  const fine = (segments: SpecPathSegment[]) => !problems.some((p) => joinPath('', p.segments) === joinPath('', segments));
  problems.push(...applicability(definition, on, fine));
  if (problems.length > 0) return done();

  const spec = normalize(definition, input, on);
  problems.push(...definition.validate(spec));
  return done(spec);
}

/**
 * Hints for what only a fault knows about: a trigger field written next to the options or an
 * option written under "on", a misspelt "type", the options a fault takes, an example of a
 * required option. The message stays the Shape kit's.
 */
function withHint(problem: SpecProblem, input: unknown): SpecProblem {
  const [first, second] = problem.segments;
  const definition = isPlainObject(input) && isFaultType(input['type']) ? getFaultDefinition(input['type']) : undefined;
  const optionNames = definition?.info.options.map((o) => o.name) ?? [];
  const hint = (text: string): SpecProblem => ({ ...problem, hint: text });
  if (problem.segments.length === 0) {
    if (!isPlainObject(input)) return hint('a fault is a mapping like {type: latency, ms: 800}');
    if (input['type'] === undefined || input['type'] === null) {
      const misspelt = Object.keys(input).find((key) => key !== 'on' && closest(key, ['type']) !== undefined);
      return misspelt !== undefined ? { ...problem, segments: [misspelt], at: 'key', hint: `did you mean "type" instead of "${misspelt}"?` } : problem;
    }
    const missing = definition?.info.options.find((o) => o.required && input[o.name] === undefined && problem.message.includes(`"${o.name}"`));
    if (definition !== undefined && missing !== undefined) return hint(`e.g. {type: ${definition.info.type}, ${missing.name}: ${exampleValue(missing)}}`);
    return problem;
  }
  if (problem.at !== 'key' || definition === undefined) return problem;
  const type = definition.info.type;
  if (problem.segments.length === 1 && typeof first === 'string') {
    if ((TRIGGER_KEYS as readonly string[]).includes(first)) return hint(`"${first}" is a trigger field and belongs under "on": write on: {${first}: …}`);
    if (problem.hint?.startsWith('did you mean') === true) return problem;
    return hint(optionNames.length > 0 ? `${type} takes: ${optionNames.join(', ')} (and a trigger under "on")` : `${type} takes no options, only a trigger under "on"`);
  }
  if (problem.segments.length === 2 && first === 'on' && typeof second === 'string' && optionNames.includes(second)) {
    return hint(`"${second}" is an option of ${type}: write it next to "type", not under "on"`);
  }
  return problem;
}

/** Where the fault can fire decides which trigger fields mean something (fields that are wrong already say so). */
function applicability(definition: FaultDefinition, on: Record<string, unknown> | undefined, fine: (segments: SpecPathSegment[]) => boolean): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const type = definition.info.type;
  const tickets = definition.info.plane === 'tickets';
  if (on?.['command'] !== undefined && fine(['on', 'command']) && tickets && definition.points.length === 1 && definition.points[0] === 'connect') {
    problems.push({ segments: ['on', 'command'], message: `${type} acts when a request file appears, before its type is read`, hint: 'use "nth" to pick a request file (nth: 2 = the second one from now)' });
  } else if (on?.['command'] !== undefined && fine(['on', 'command']) && !tickets && (TICKET_COMMANDS as readonly unknown[]).includes(on['command'])) {
    problems.push({ segments: ['on', 'command'], message: `${type} acts on the connector's commands, not on tickets requests`, hint: 'a connector command like C or P, or a tickets fault (tickets-down, tickets-nok…)' });
  } else if (on?.['command'] !== undefined && fine(['on', 'command']) && definition.points.length === 1 && definition.points[0] === 'connect') {
    problems.push({
      segments: ['on', 'command'],
      message: `${type} acts on new connections, which carry no command yet`,
      hint: 'use "nth" to pick a connection (nth: 2 = the second connection from now)',
    });
  }
  if (on?.['after'] !== undefined && fine(['on', 'after']) && !definition.points.includes('progress')) {
    problems.push({
      segments: ['on', 'after'],
      message: `${type} cannot fire part-way into an operation, so "after" does not apply`,
      hint: `"after" works with: ${faultsWithProgress().join(', ')}`,
    });
  }
  return problems;
}

/** The spec as the book keeps it: options in the order written then defaults, the trigger last, each value in one form. */
function normalize(definition: FaultDefinition, input: Record<string, unknown>, on: Record<string, unknown> | undefined): FaultSpec {
  const spec: FaultSpec = { type: definition.info.type };
  for (const [key, value] of Object.entries(input)) {
    const option = definition.info.options.find((o) => o.name === key);
    // The Shape kit reads null (YAML `for:` with nothing after it) as the key left out.
    if (option !== undefined && value !== null && value !== undefined) spec[key] = normalizeOption(option, value);
  }
  for (const option of definition.info.options) {
    if (spec[option.name] === undefined && option.default !== undefined) spec[option.name] = structuredClone(option.default);
  }
  if (on !== undefined) {
    const trigger: FaultTrigger = {};
    for (const [key, value] of Object.entries(on)) {
      if (value === null || value === undefined) continue;
      if (key === 'command') trigger.command = normalizeCommandCode(value as string);
      else if (key === 'after') trigger.after = typeof value === 'string' ? value.trim() : `${String(value)}ms`;
      else if (key === 'nth' || key === 'times' || key === 'probability') trigger[key] = value as number;
    }
    spec.on = trigger;
  }
  return spec;
}

function normalizeOption(option: FaultOptionInfo, value: unknown): unknown {
  if (option.kind === 'duration') return typeof value === 'string' ? value.trim() : value;
  if (option.kind === 'offsets') return parseOffsets(value);
  return value;
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

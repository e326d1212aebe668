/**
 * Loading a checklist: safe YAML → shape validation (format.ts) → cross-item checks
 * (ids, dependencies, step names, captures) → the normalised model of types.ts.
 * Every problem is reported at once, located as file:line:col, errors and warnings apart.
 */
import { createHash } from 'node:crypto';
import { closest, type Issue } from '../issues.js';
import { parseDuration } from '../duration.js';
import type { PathSegment } from '../yaml.js';
import type { FaultSpec } from '../faults/spec.js';
import type { IntegrationType, PosAction } from '../pos/types.js';
import { checklistShape } from './format.js';
import { capturesOf, commandOf, referencesIn, RESERVED_NAMES, usesAmount } from './pattern-syntax.js';
import { isPlainObject, type Reporter } from './shape.js';
import { analyzeSource, invalid, readSource } from './load-support.js';

export { formatIssues, sortIssues } from './load-support.js';
import type { Checklist, ChecklistItem, Expectation, FramePattern, Level, Localized, Step, ValueMatcher } from './types.js';

export const DEFAULT_ITEM_TIMEOUT_MS = 120_000;
export const DEFAULT_WITHIN_MS = 30_000;
export const DEFAULT_SCREEN_WITHIN_MS = 30_000;

/** Outcome fields of interfaces.md §4; others are allowed (POS extras) but get a warning. */
const OUTCOME_FIELDS = ['outcome', 'paid', 'change', 'owed', 'refunded', 'message', 'uncertain'];
const ACTIONS_WITH_AMOUNT: readonly PosAction[] = ['sale', 'refund', 'refill'];
const ACTIONS_NEEDING_AMOUNT: readonly PosAction[] = ['sale', 'refund'];

export interface ChecklistAnalysis {
  /** Present when there is no error (warnings allowed). */
  checklist?: Checklist;
  /** Errors first, then warnings, each in file order. */
  issues: Issue[];
  /** The source text, for formatting issues with their line and caret. */
  text: string;
}

/** Validate a checklist's text; never throws for bad input. */
export function analyzeChecklist(text: string, file: string): ChecklistAnalysis {
  const result = analyzeSource(text, file, checklistShape, crossCheck);
  if (result.value === undefined) return { issues: result.issues, text };
  const checklist = normalise(result.value as RawChecklist);
  checklist.file = file;
  checklist.sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { checklist, issues: result.issues, text };
}

/** Parse a checklist or throw InvalidInputError (exit code 2) with every error. */
export function parseChecklist(text: string, file: string): Checklist {
  const result = analyzeChecklist(text, file);
  if (result.checklist === undefined) throw invalid(file, 'checklist', result.issues);
  return result.checklist;
}

/** Load a checklist file; missing file → CertError FILE_NOT_FOUND (exit 1), invalid → InvalidInputError (exit 2). */
export function loadChecklist(path: string): Checklist {
  const bytes = readSource(path, 'checklist');
  const checklist = parseChecklist(bytes.toString('utf8'), path);
  // Hash the bytes as stored, so a report can prove which file it ran.
  checklist.sha256 = createHash('sha256').update(bytes).digest('hex');
  return checklist;
}

// ---------------------------------------------------------------------------------------
// Cross-item checks: written defensively, they run even when the shape had errors so that
// the user sees every problem in one go.

type Obj = Record<string, unknown>;

function crossCheck(doc: unknown, report: Reporter): void {
  if (!isPlainObject(doc) || !Array.isArray(doc['items'])) return;
  const items = doc['items'] as unknown[];
  const listIntegrations = Array.isArray(doc['integrations']) ? (doc['integrations'] as unknown[]).filter((x) => typeof x === 'string') : [];

  const firstIndexOf = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isPlainObject(item) || typeof item['id'] !== 'string') return;
    const id = item['id'];
    const earlier = firstIndexOf.get(id);
    if (earlier !== undefined) report.error(['items', i, 'id'], `duplicate item id "${id}"`, `items[${earlier}] already uses it; ids must be unique`);
    else firstIndexOf.set(id, i);
  });
  const ids = [...firstIndexOf.keys()];

  const edges = new Map<string, string[]>();
  items.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const id = typeof item['id'] === 'string' ? item['id'] : undefined;
    const deps = Array.isArray(item['dependsOn']) ? (item['dependsOn'] as unknown[]) : [];
    deps.forEach((dep, j) => {
      if (typeof dep !== 'string') return;
      if (dep === id) report.error(['items', i, 'dependsOn', j], `item "${id}" depends on itself`);
      else if (!firstIndexOf.has(dep)) {
        const guess = closest(dep, ids);
        report.error(['items', i, 'dependsOn', j], `unknown dependency "${dep}"`, guess !== undefined ? `did you mean "${guess}"?` : 'dependsOn lists ids of items in this file');
      } else if (id !== undefined && firstIndexOf.get(id) === i) {
        edges.set(id, [...(edges.get(id) ?? []), dep]);
      }
    });
    const applies = isPlainObject(item['appliesTo']) ? item['appliesTo'] : undefined;
    const ints = applies && Array.isArray(applies['integrations']) ? (applies['integrations'] as unknown[]) : [];
    ints.forEach((integration, j) => {
      if (typeof integration === 'string' && listIntegrations.length > 0 && !listIntegrations.includes(integration)) {
        report.warning(['items', i, 'appliesTo', 'integrations', j], `the checklist is not written for "${integration}" (integrations: ${listIntegrations.join(', ')})`);
      }
    });
    checkSteps(item, ['items', i], report);
  });

  for (const cycle of findCycles(edges)) {
    const first = cycle[0] as string;
    const index = firstIndexOf.get(first) ?? 0;
    const item = items[index] as Obj;
    const deps = item['dependsOn'] as unknown[];
    const next = cycle[1] as string;
    report.error(['items', index, 'dependsOn', Math.max(0, deps.indexOf(next))], `dependency cycle: ${[...cycle, first].join(' → ')}`, 'remove one of these dependsOn entries');
  }
}

/** Each elementary cycle once, rotated to start at its smallest id. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const visit = (node: string, stack: string[]) => {
    const at = stack.indexOf(node);
    if (at !== -1) {
      const cycle = stack.slice(at);
      const start = cycle.indexOf([...cycle].sort()[0] as string);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(rotated.join('>'), rotated);
      return;
    }
    if (stack.length > edges.size) return;
    for (const next of edges.get(node) ?? []) visit(next, [...stack, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  return [...cycles.values()];
}

function checkSteps(item: Obj, itemPath: PathSegment[], report: Reporter): void {
  if (!Array.isArray(item['steps'])) return;
  const steps = item['steps'] as unknown[];
  const names = new Map<string, { index: number; action: boolean }>();
  const captures = new Set<string>();
  const expectedCodes = new Set<string>();
  let amountKnown = false;
  let actions = 0;
  let expectations = 0;

  const checkRefs = (value: unknown, path: PathSegment[]) => {
    for (const ref of referencesIn(value)) {
      if ((RESERVED_NAMES as readonly string[]).includes(ref)) {
        if (!amountKnown) report.error(path, `"{${ref}}" is used before any action with an amount`, 'add `amount:` to an earlier action step');
      } else if (!captures.has(ref)) {
        const guess = closest(ref, [...captures]);
        report.error(path, `"{${ref}}" is not captured by an earlier pattern`, guess !== undefined ? `did you mean "{${guess}}"?` : 'capture it first, e.g. sends: "#C#{op}#..."');
      }
    }
  };
  const checkMatchers = (record: unknown, path: PathSegment[]) => {
    if (!isPlainObject(record)) return;
    for (const [key, matcher] of Object.entries(record)) {
      if (isPlainObject(matcher)) {
        for (const [mk, mv] of Object.entries(matcher)) {
          checkRefs(mv, [...path, key, mk]);
          if (Array.isArray(mv)) mv.forEach((v, k) => checkRefs(v, [...path, key, mk, k]));
        }
        const least = matcher['atLeast'];
        const most = matcher['atMost'];
        if (typeof least === 'number' && typeof most === 'number' && least > most) report.error([...path, key], `atLeast (${least}) is greater than atMost (${most})`);
      } else checkRefs(matcher, [...path, key]);
    }
  };
  const checkPattern = (pattern: unknown, path: PathSegment[], isCommand: boolean) => {
    if (typeof pattern !== 'string' && !isPlainObject(pattern)) return;
    const p = pattern as FramePattern;
    if (typeof p === 'object' && typeof p.regex !== 'string') return;
    if (usesAmount(p) && !amountKnown) report.error(path, '"{amount}" is used before any action with an amount', 'add `amount:` to an earlier action step');
    if (typeof p === 'string') {
      for (const ref of p.split('#').flatMap((f) => referencesIn(f))) {
        if (!(RESERVED_NAMES as readonly string[]).includes(ref)) captures.add(ref);
      }
    }
    for (const c of capturesOf(p)) captures.add(c);
    if (isCommand) {
      const code = commandOf(p);
      if (code !== undefined) expectedCodes.add(code);
    }
  };
  const checkName = (ref: unknown, path: PathSegment[], needAction: boolean, index: number) => {
    if (typeof ref !== 'string') return;
    const target = names.get(ref);
    if (target === undefined) {
      const later = steps.slice(index + 1).some((s) => isPlainObject(s) && s['name'] === ref);
      const guess = closest(ref, [...names.keys()]);
      report.error(path, later ? `"${ref}" names a later step` : `no earlier step is named "${ref}"`, later ? 'it must name a step before this one' : guess !== undefined ? `did you mean "${guess}"?` : 'give the step a `name:`');
    } else if (needAction && !target.action) {
      report.error(path, `"${ref}" is not an action step`, '`of:` names the action whose outcome is checked');
    }
  };

  let backgroundAction = false;
  steps.forEach((step, i) => {
    if (!isPlainObject(step)) return;
    const path: PathSegment[] = [...itemPath, 'steps', i];
    if ((isPlainObject(step['customer']) || isPlainObject(step['operator'])) && !backgroundAction) {
      const who = isPlainObject(step['customer']) ? 'customer' : 'operator';
      report.warning([...path, who], `no earlier action runs in the background: the ${who} step waits for a screen that no running action opens`, 'give the action that opens it `wait: false`');
    }
    if (typeof step['action'] === 'string') {
      const action = step['action'] as PosAction;
      actions++;
      if (action === 'cancel' && !backgroundAction) {
        report.warning([...path, 'action'], 'nothing runs in the background to cancel', 'start the sale with `wait: false` before the cancel');
      }
      if (step['wait'] === false) backgroundAction = true;
      if (step['amount'] !== undefined && !ACTIONS_WITH_AMOUNT.includes(action)) {
        report.warning([...path, 'amount'], `the ${action} action takes no amount; it is ignored`);
      }
      if (step['amount'] === undefined && ACTIONS_NEEDING_AMOUNT.includes(action)) {
        report.error(path, `a ${action} needs an amount`, 'add `amount:` in integer cents, e.g. amount: 990');
      }
      if (typeof step['amount'] === 'number') amountKnown = true;
    }
    if (isPlainObject(step['customer'])) {
      const c = step['customer'];
      if (c['whenSends'] !== undefined) checkPattern(c['whenSends'], [...path, 'customer', 'whenSends'], true);
      const acts = ['insert', 'cancel', 'confirm'].filter((k) => c[k] !== undefined);
      if (acts.length === 0) report.error([...path, 'customer'], 'a customer step needs one of insert, cancel, confirm');
      else if (acts.length > 1) report.error([...path, 'customer', acts[1] as string], `a customer step does one thing; found ${acts.join(' and ')}`, 'split it into separate customer steps', 'key');
    }
    if (isPlainObject(step['expect'])) {
      expectations++;
      const e = step['expect'];
      const ep: PathSegment[] = [...path, 'expect'];
      if (e['since'] !== undefined) checkName(e['since'], [...ep, 'since'], false, i);
      if (e['of'] !== undefined) checkName(e['of'], [...ep, 'of'], true, i);
      if (e['afterReply'] !== undefined) checkPattern(e['afterReply'], [...ep, 'afterReply'], false);
      if (e['sends'] !== undefined) checkPattern(e['sends'], [...ep, 'sends'], true);
      if (e['neverSends'] !== undefined) checkPattern(e['neverSends'], [...ep, 'neverSends'], true);
      if (e['until'] !== undefined) checkPattern(e['until'], [...ep, 'until'], true);
      if (Array.isArray(e['sendsInOrder'])) (e['sendsInOrder'] as unknown[]).forEach((p, k) => checkPattern(p, [...ep, 'sendsInOrder', k], true));
      if (isPlainObject(e['count'])) {
        const least = e['count']['atLeast'];
        const most = e['count']['atMost'];
        if (typeof least === 'number' && typeof most === 'number' && least > most) report.error([...ep, 'count'], `atLeast (${least}) is greater than atMost (${most})`);
        if (most === 0) report.warning([...ep, 'count', 'atMost'], 'count.atMost 0 means "never": use neverSends instead');
      }
      if (isPlainObject(e['captured'])) {
        for (const key of Object.keys(e['captured'])) {
          if (!captures.has(key)) {
            const guess = closest(key, [...captures]);
            report.error([...ep, 'captured', key], `"${key}" is not captured by an earlier pattern`, guess !== undefined ? `did you mean "${guess}"?` : 'capture it first, e.g. sends: "#C#{op}#..."', 'key');
          }
        }
        checkMatchers(e['captured'], [...ep, 'captured']);
      }
      if (e['outcome'] !== undefined) {
        if (actions === 0) report.error([...ep, 'outcome'], 'no action before this outcome expectation', 'an outcome belongs to an earlier action step');
        if (isPlainObject(e['outcome'])) {
          for (const key of Object.keys(e['outcome'])) {
            if (!OUTCOME_FIELDS.includes(key)) {
              const guess = closest(key, OUTCOME_FIELDS);
              report.warning([...ep, 'outcome', key], `"${key}" is not a standard outcome field`, guess !== undefined ? `did you mean "${guess}"?` : `standard fields: ${OUTCOME_FIELDS.join(', ')}`, 'key');
            }
          }
          checkMatchers(e['outcome'], [...ep, 'outcome']);
        }
      }
      if (isPlainObject(e['machine'])) {
        const m = e['machine'];
        checkMatchers({ inserted: m['inserted'], dispensed: m['dispensed'] }, [...ep, 'machine']);
        checkMatchers(m['recyclers'], [...ep, 'machine', 'recyclers']);
        checkMatchers(m['stacker'], [...ep, 'machine', 'stacker']);
        if (Object.keys(m).length === 0) report.warning([...ep, 'machine'], 'a machine expectation with nothing to check');
      }
    }
    if (typeof step['name'] === 'string') {
      const earlier = names.get(step['name']);
      if (earlier !== undefined) report.error([...path, 'name'], `duplicate step name "${step['name']}"`, `steps[${earlier.index}] already uses it`);
      else names.set(step['name'], { index: i, action: typeof step['action'] === 'string' });
    }
  });

  if (expectations === 0 && steps.length > 0) {
    report.warning([...itemPath, 'steps'], `item "${String(item['id'])}" has no expectation: it can never fail`, 'add an `expect:` step');
  }
  if (Array.isArray(item['underTest'])) {
    (item['underTest'] as unknown[]).forEach((code, k) => {
      if (typeof code === 'string' && !expectedCodes.has(code) && expectations > 0) {
        report.warning([...itemPath, 'underTest', k], `underTest lists "${code}" but no expectation looks for a #${code}# frame`, 'a pass will then always be "partial" when the POS never sends it');
      }
    });
  }
}

// ---------------------------------------------------------------------------------------
// Normalisation: the document is known to match the format here.

interface RawChecklist {
  id: string;
  version: string | number;
  title: Localized;
  source: string;
  integrations: IntegrationType[];
  items: RawItem[];
}

interface RawItem {
  id: string;
  title: Localized;
  description: Localized;
  ref: string | number;
  level: Level;
  appliesTo?: { integrations?: IntegrationType[]; features?: string[] };
  dependsOn?: string[];
  tags?: string[];
  catches: Localized;
  underTest?: string[];
  timeout?: string | number;
  steps: Obj[];
}

function ms(value: unknown): number {
  return parseDuration(value) as number;
}

function normalise(raw: RawChecklist): Checklist {
  return {
    id: raw.id,
    version: String(raw.version),
    title: localized(raw.title),
    source: raw.source,
    integrations: [...raw.integrations],
    items: raw.items.map(normaliseItem),
  };
}

function localized(l: Localized): Localized {
  return { fr: l.fr, en: l.en, es: l.es };
}

function normaliseItem(raw: RawItem): ChecklistItem {
  return {
    id: raw.id,
    title: localized(raw.title),
    description: localized(raw.description),
    ref: String(raw.ref),
    level: raw.level,
    appliesTo: {
      integrations: [...(raw.appliesTo?.integrations ?? [])],
      features: [...(raw.appliesTo?.features ?? [])],
    },
    dependsOn: [...(raw.dependsOn ?? [])],
    tags: [...(raw.tags ?? [])],
    catches: localized(raw.catches),
    underTest: [...(raw.underTest ?? [])],
    timeoutMs: raw.timeout !== undefined ? ms(raw.timeout) : DEFAULT_ITEM_TIMEOUT_MS,
    steps: raw.steps.map(normaliseStep),
  };
}

function withName<T extends object>(step: T, raw: Obj): T & { name?: string } {
  return typeof raw['name'] === 'string' ? { ...step, name: raw['name'] } : step;
}

function normaliseStep(raw: Obj): Step {
  if (raw['action'] !== undefined) {
    return withName(
      {
        kind: 'action' as const,
        action: raw['action'] as PosAction,
        ...(typeof raw['amount'] === 'number' ? { amount: raw['amount'] } : {}),
        wait: raw['wait'] !== false,
        ...(raw['timeout'] !== undefined ? { timeoutMs: ms(raw['timeout']) } : {}),
      },
      raw,
    );
  }
  if (raw['setup'] !== undefined) {
    const s = raw['setup'] as Obj;
    return withName(
      {
        kind: 'setup' as const,
        ...(s['inventory'] !== undefined ? { inventory: structuredClone(s['inventory']) as never } : {}),
        ...(s['customer'] !== undefined ? { customer: structuredClone(s['customer']) as never } : {}),
        ...(s['faults'] !== undefined ? { faults: structuredClone(s['faults']) as FaultSpec[] } : {}),
      },
      raw,
    );
  }
  if (raw['customer'] !== undefined) {
    const c = raw['customer'] as Obj;
    return withName(
      {
        kind: 'customer' as const,
        ...(Array.isArray(c['insert']) ? { insert: [...(c['insert'] as number[])] } : {}),
        ...(c['cancel'] === true ? { cancel: true } : {}),
        ...(c['confirm'] === true ? { confirm: true } : {}),
        ...(c['accept'] === false ? { accept: false } : {}),
        ...(c['whenSends'] !== undefined ? { whenSends: pattern(c['whenSends']) } : {}),
        afterMs: c['after'] !== undefined ? ms(c['after']) : 0,
        withinMs: c['within'] !== undefined ? ms(c['within']) : DEFAULT_SCREEN_WITHIN_MS,
      },
      raw,
    );
  }
  if (raw['operator'] !== undefined) {
    const o = raw['operator'] as Obj;
    return withName(
      {
        kind: 'operator' as const,
        close: true,
        afterMs: o['after'] !== undefined ? ms(o['after']) : 0,
        withinMs: o['within'] !== undefined ? ms(o['within']) : DEFAULT_SCREEN_WITHIN_MS,
      },
      raw,
    );
  }
  if (raw['fault'] !== undefined) {
    return withName({ kind: 'fault' as const, fault: structuredClone(raw['fault']) as FaultSpec }, raw);
  }
  if (raw['wait'] !== undefined) {
    return withName({ kind: 'wait' as const, ms: ms(raw['wait']) }, raw);
  }
  return withName(
    {
      kind: 'expect' as const,
      expect: normaliseExpectation(raw['expect'] as Obj),
      ...(typeof raw['message'] === 'string' ? { message: raw['message'] } : {}),
    },
    raw,
  );
}

function pattern(value: unknown): FramePattern {
  return typeof value === 'string' ? value : { regex: (value as { regex: string }).regex };
}

function matchers(record: unknown): Record<string, ValueMatcher> {
  return structuredClone(record ?? {}) as Record<string, ValueMatcher>;
}

function normaliseExpectation(e: Obj): Expectation {
  const since = typeof e['since'] === 'string' ? { since: e['since'] } : {};
  if (e['sends'] !== undefined) {
    const count = e['count'] as { atLeast?: number; atMost?: number } | undefined;
    return {
      type: 'sends',
      pattern: pattern(e['sends']),
      withinMs: e['within'] !== undefined ? ms(e['within']) : DEFAULT_WITHIN_MS,
      ...since,
      ...(e['afterReply'] !== undefined ? { afterReply: pattern(e['afterReply']) } : {}),
      ...(count !== undefined ? { count: { ...count } } : {}),
    };
  }
  if (e['neverSends'] !== undefined) {
    return {
      type: 'neverSends',
      pattern: pattern(e['neverSends']),
      ...since,
      ...(e['afterReply'] !== undefined ? { afterReply: pattern(e['afterReply']) } : {}),
      ...(e['until'] !== undefined ? { until: pattern(e['until']) } : {}),
    };
  }
  if (e['sendsInOrder'] !== undefined) {
    return {
      type: 'sendsInOrder',
      patterns: (e['sendsInOrder'] as unknown[]).map(pattern),
      withinMs: e['within'] !== undefined ? ms(e['within']) : DEFAULT_WITHIN_MS,
      ...since,
    };
  }
  if (e['oneCommandAtATime'] !== undefined) return { type: 'oneCommandAtATime' };
  if (e['captured'] !== undefined) return { type: 'captured', values: matchers(e['captured']) };
  if (e['outcome'] !== undefined) {
    return {
      type: 'outcome',
      ...(typeof e['of'] === 'string' ? { of: e['of'] } : {}),
      fields: matchers(e['outcome']),
      ...(e['acceptUncertain'] === true ? { acceptUncertain: true } : {}),
    };
  }
  if (e['machine'] !== undefined) {
    const m = e['machine'] as Obj;
    return {
      type: 'machine',
      ...(m['inserted'] !== undefined ? { inserted: structuredClone(m['inserted']) as ValueMatcher } : {}),
      ...(m['dispensed'] !== undefined ? { dispensed: structuredClone(m['dispensed']) as ValueMatcher } : {}),
      ...(m['recyclers'] !== undefined ? { recyclers: matchers(m['recyclers']) } : {}),
      ...(m['stacker'] !== undefined ? { stacker: matchers(m['stacker']) } : {}),
    };
  }
  return { type: 'operator', question: localized(e['operator'] as Localized) };
}


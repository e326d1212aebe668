/**
 * The checks of a checklist that its shape cannot express: unique ids, dependencies that
 * exist and form no cycle, step names and captures used after they are defined, amounts where
 * an action needs one. Each rule is a small function over the raw document, an item or a step,
 * reporting through the reporter. They are written defensively and run even when the shape had
 * errors, so that the user sees every problem in one go.
 *
 * Rules run in list order, item by item and step by step: issues at the same position keep
 * that order in the output.
 */
import { closest } from '../format/issues.js';
import { isPlainObject, type Reporter } from '../format/shape.js';
import type { PathSegment } from '../format/yaml.js';
import type { PosAction } from '../pos/types.js';
import { capturesOf, commandOf, referencesIn, RESERVED_NAMES, usesAmount } from './pattern-syntax.js';
import type { FramePattern } from './types.js';

type Obj = Record<string, unknown>;

/** Outcome fields of docs/runner.md, Drivers; others are allowed (POS extras) but get a warning. */
const OUTCOME_FIELDS = ['outcome', 'paid', 'change', 'owed', 'refunded', 'message', 'uncertain'];
const ACTIONS_WITH_AMOUNT: readonly PosAction[] = ['sale', 'refund', 'refill'];
const ACTIONS_NEEDING_AMOUNT: readonly PosAction[] = ['sale', 'refund'];
const RESERVED: readonly string[] = RESERVED_NAMES;

// ---------------------------------------------------------------------------------------
// The document

/** What the item rules learn about the whole document first. */
interface DocumentFacts {
  items: unknown[];
  /** Integrations the checklist says it is written for. */
  integrations: unknown[];
  /** Item id → index of its first occurrence. */
  firstIndexOf: Map<string, number>;
  /** Item id → the ids it depends on (first occurrence of each id only). */
  edges: Map<string, string[]>;
}

type ItemRule = (item: Obj, index: number, facts: DocumentFacts, report: Reporter) => void;

/** Cross-checks of a checklist document (the `crossCheck` of the loading pipeline). */
export function checkChecklist(doc: unknown, report: Reporter): void {
  if (!isPlainObject(doc) || !Array.isArray(doc['items'])) return;
  const items = doc['items'] as unknown[];
  const facts: DocumentFacts = {
    items,
    integrations: Array.isArray(doc['integrations']) ? (doc['integrations'] as unknown[]).filter((x) => typeof x === 'string') : [],
    firstIndexOf: uniqueIds(items, report),
    edges: new Map(),
  };
  items.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    for (const rule of ITEM_RULES) rule(item, i, facts, report);
  });
  dependencyCycles(facts, report);
}

function uniqueIds(items: unknown[], report: Reporter): Map<string, number> {
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isPlainObject(item) || typeof item['id'] !== 'string') return;
    const id = item['id'];
    const earlier = firstIndexOf.get(id);
    if (earlier !== undefined) report.error(['items', i, 'id'], `duplicate item id "${id}"`, `items[${earlier}] already uses it; ids must be unique`);
    else firstIndexOf.set(id, i);
  });
  return firstIndexOf;
}

function dependencyCycles(facts: DocumentFacts, report: Reporter): void {
  for (const cycle of findCycles(facts.edges)) {
    const first = cycle[0] as string;
    const index = facts.firstIndexOf.get(first) ?? 0;
    const item = facts.items[index] as Obj;
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

// ---------------------------------------------------------------------------------------
// Items

/** Dependencies name other items of the file; the graph is kept for the cycle check. */
const dependsOnKnownItems: ItemRule = (item, i, facts, report) => {
  const id = typeof item['id'] === 'string' ? item['id'] : undefined;
  const deps = Array.isArray(item['dependsOn']) ? (item['dependsOn'] as unknown[]) : [];
  deps.forEach((dep, j) => {
    if (typeof dep !== 'string') return;
    if (dep === id) report.error(['items', i, 'dependsOn', j], `item "${id}" depends on itself`);
    else if (!facts.firstIndexOf.has(dep)) {
      const guess = closest(dep, [...facts.firstIndexOf.keys()]);
      report.error(['items', i, 'dependsOn', j], `unknown dependency "${dep}"`, guess !== undefined ? `did you mean "${guess}"?` : 'dependsOn lists ids of items in this file');
    } else if (id !== undefined && facts.firstIndexOf.get(id) === i) {
      facts.edges.set(id, [...(facts.edges.get(id) ?? []), dep]);
    }
  });
};

/** An item for an integration the checklist is not written for is probably a slip. */
const appliesToListedIntegrations: ItemRule = (item, i, facts, report) => {
  const applies = isPlainObject(item['appliesTo']) ? item['appliesTo'] : undefined;
  const ints = applies && Array.isArray(applies['integrations']) ? (applies['integrations'] as unknown[]) : [];
  ints.forEach((integration, j) => {
    if (typeof integration === 'string' && facts.integrations.length > 0 && !facts.integrations.includes(integration)) {
      report.warning(['items', i, 'appliesTo', 'integrations', j], `the checklist is not written for "${integration}" (integrations: ${facts.integrations.join(', ')})`);
    }
  });
};

const stepsHold: ItemRule = (item, i, _facts, report) => {
  if (!Array.isArray(item['steps'])) return;
  const itemPath: PathSegment[] = ['items', i];
  const scan = newScan(item['steps'] as unknown[]);
  scan.steps.forEach((step, k) => {
    if (!isPlainObject(step)) return;
    const at: StepAt = { index: k, path: [...itemPath, 'steps', k] };
    for (const rule of STEP_RULES) rule(step, at, scan, report);
  });
  for (const rule of AFTER_STEPS_RULES) rule(item, itemPath, scan, report);
};

const ITEM_RULES: readonly ItemRule[] = [dependsOnKnownItems, appliesToListedIntegrations, stepsHold];

// ---------------------------------------------------------------------------------------
// Steps: the rules share what the earlier steps of the item defined.

interface StepScan {
  steps: unknown[];
  /** Step name → its index and whether it is an action step. */
  names: Map<string, { index: number; action: boolean }>;
  /** Names captured by earlier patterns. */
  captures: Set<string>;
  /** Command codes the expectations look for. */
  expectedCodes: Set<string>;
  /** An earlier action carried an amount: `{amount}` means something. */
  amountKnown: boolean;
  actions: number;
  expectations: number;
  /** An earlier action runs in the background (`wait: false`). */
  backgroundAction: boolean;
}

function newScan(steps: unknown[]): StepScan {
  return { steps, names: new Map(), captures: new Set(), expectedCodes: new Set(), amountKnown: false, actions: 0, expectations: 0, backgroundAction: false };
}

interface StepAt {
  index: number;
  path: PathSegment[];
}

type StepRule = (step: Obj, at: StepAt, scan: StepScan, report: Reporter) => void;
type AfterStepsRule = (item: Obj, itemPath: PathSegment[], scan: StepScan, report: Reporter) => void;

/** A customer or operator step waits for a screen only a background action can open. */
const screenNeedsBackgroundAction: StepRule = (step, at, scan, report) => {
  if ((isPlainObject(step['customer']) || isPlainObject(step['operator'])) && !scan.backgroundAction) {
    const who = isPlainObject(step['customer']) ? 'customer' : 'operator';
    report.warning([...at.path, who], `no earlier action runs in the background: the ${who} step waits for a screen that no running action opens`, 'give the action that opens it `wait: false`');
  }
};

const actionStep: StepRule = (step, at, scan, report) => {
  if (typeof step['action'] !== 'string') return;
  const action = step['action'] as PosAction;
  scan.actions++;
  if (action === 'cancel' && !scan.backgroundAction) {
    report.warning([...at.path, 'action'], 'nothing runs in the background to cancel', 'start the sale with `wait: false` before the cancel');
  }
  if (step['wait'] === false) scan.backgroundAction = true;
  if (step['amount'] !== undefined && !ACTIONS_WITH_AMOUNT.includes(action)) {
    report.warning([...at.path, 'amount'], `the ${action} action takes no amount; it is ignored`);
  }
  if (step['amount'] === undefined && ACTIONS_NEEDING_AMOUNT.includes(action)) {
    report.error(at.path, `a ${action} needs an amount`, 'add `amount:` in integer cents, e.g. amount: 990');
  }
  if (typeof step['amount'] === 'number') scan.amountKnown = true;
};

const customerStep: StepRule = (step, at, scan, report) => {
  if (!isPlainObject(step['customer'])) return;
  const c = step['customer'];
  if (c['whenSends'] !== undefined) checkPattern(scan, c['whenSends'], [...at.path, 'customer', 'whenSends'], true, report);
  const acts = ['insert', 'cancel', 'confirm'].filter((k) => c[k] !== undefined);
  if (acts.length === 0) report.error([...at.path, 'customer'], 'a customer step needs one of insert, cancel, confirm');
  else if (acts.length > 1) report.error([...at.path, 'customer', acts[1] as string], `a customer step does one thing; found ${acts.join(' and ')}`, 'split it into separate customer steps', 'key');
};

const expectStep: StepRule = (step, at, scan, report) => {
  if (!isPlainObject(step['expect'])) return;
  scan.expectations++;
  const e = step['expect'];
  const ep: PathSegment[] = [...at.path, 'expect'];
  for (const rule of EXPECT_RULES) rule(e, ep, at.index, scan, report);
};

/** Names are unique within an item; `since:` and `of:` refer to them. */
const stepName: StepRule = (step, at, scan, report) => {
  if (typeof step['name'] !== 'string') return;
  const earlier = scan.names.get(step['name']);
  if (earlier !== undefined) report.error([...at.path, 'name'], `duplicate step name "${step['name']}"`, `steps[${earlier.index}] already uses it`);
  else scan.names.set(step['name'], { index: at.index, action: typeof step['action'] === 'string' });
};

const STEP_RULES: readonly StepRule[] = [screenNeedsBackgroundAction, actionStep, customerStep, expectStep, stepName];

/** An item without an expectation can never fail. */
const hasExpectation: AfterStepsRule = (item, itemPath, scan, report) => {
  if (scan.expectations === 0 && scan.steps.length > 0) {
    report.warning([...itemPath, 'steps'], `item "${String(item['id'])}" has no expectation: it can never fail`, 'add an `expect:` step');
  }
};

/** A command under test that no expectation looks for makes every pass `partial`. */
const underTestIsLookedFor: AfterStepsRule = (item, itemPath, scan, report) => {
  if (!Array.isArray(item['underTest'])) return;
  (item['underTest'] as unknown[]).forEach((code, k) => {
    if (typeof code === 'string' && !scan.expectedCodes.has(code) && scan.expectations > 0) {
      report.warning([...itemPath, 'underTest', k], `underTest lists "${code}" but no expectation looks for a #${code}# frame`, 'a pass will then always be "partial" when the POS never sends it');
    }
  });
};

const AFTER_STEPS_RULES: readonly AfterStepsRule[] = [hasExpectation, underTestIsLookedFor];

// ---------------------------------------------------------------------------------------
// Expectations

type ExpectRule = (e: Obj, path: PathSegment[], stepIndex: number, scan: StepScan, report: Reporter) => void;

/** `since:` names any earlier step, `of:` an earlier action step. */
const namedSteps: ExpectRule = (e, path, stepIndex, scan, report) => {
  if (e['since'] !== undefined) checkName(scan, e['since'], [...path, 'since'], false, stepIndex, report);
  if (e['of'] !== undefined) checkName(scan, e['of'], [...path, 'of'], true, stepIndex, report);
};

/** Frame patterns, in the order their captures become known. */
const framePatterns: ExpectRule = (e, path, _stepIndex, scan, report) => {
  if (e['afterReply'] !== undefined) checkPattern(scan, e['afterReply'], [...path, 'afterReply'], false, report);
  if (e['sends'] !== undefined) checkPattern(scan, e['sends'], [...path, 'sends'], true, report);
  if (e['neverSends'] !== undefined) checkPattern(scan, e['neverSends'], [...path, 'neverSends'], true, report);
  if (e['until'] !== undefined) checkPattern(scan, e['until'], [...path, 'until'], true, report);
  if (Array.isArray(e['sendsInOrder'])) (e['sendsInOrder'] as unknown[]).forEach((p, k) => checkPattern(scan, p, [...path, 'sendsInOrder', k], true, report));
};

const countBounds: ExpectRule = (e, path, _stepIndex, _scan, report) => {
  if (!isPlainObject(e['count'])) return;
  const least = e['count']['atLeast'];
  const most = e['count']['atMost'];
  if (typeof least === 'number' && typeof most === 'number' && least > most) report.error([...path, 'count'], `atLeast (${least}) is greater than atMost (${most})`);
  if (most === 0) report.warning([...path, 'count', 'atMost'], 'count.atMost 0 means "never": use neverSends instead');
};

const capturedNames: ExpectRule = (e, path, _stepIndex, scan, report) => {
  if (!isPlainObject(e['captured'])) return;
  for (const key of Object.keys(e['captured'])) {
    if (!scan.captures.has(key)) {
      const guess = closest(key, [...scan.captures]);
      report.error([...path, 'captured', key], `"${key}" is not captured by an earlier pattern`, guess !== undefined ? `did you mean "${guess}"?` : 'capture it first, e.g. sends: "#C#{op}#..."', 'key');
    }
  }
  checkMatchers(scan, e['captured'], [...path, 'captured'], report);
};

const outcomeFields: ExpectRule = (e, path, _stepIndex, scan, report) => {
  if (e['outcome'] === undefined) return;
  if (scan.actions === 0) report.error([...path, 'outcome'], 'no action before this outcome expectation', 'an outcome belongs to an earlier action step');
  if (!isPlainObject(e['outcome'])) return;
  for (const key of Object.keys(e['outcome'])) {
    if (!OUTCOME_FIELDS.includes(key)) {
      const guess = closest(key, OUTCOME_FIELDS);
      report.warning([...path, 'outcome', key], `"${key}" is not a standard outcome field`, guess !== undefined ? `did you mean "${guess}"?` : `standard fields: ${OUTCOME_FIELDS.join(', ')}`, 'key');
    }
  }
  checkMatchers(scan, e['outcome'], [...path, 'outcome'], report);
};

const machineMatchers: ExpectRule = (e, path, _stepIndex, scan, report) => {
  if (!isPlainObject(e['machine'])) return;
  const m = e['machine'];
  checkMatchers(scan, { inserted: m['inserted'], dispensed: m['dispensed'] }, [...path, 'machine'], report);
  checkMatchers(scan, m['recyclers'], [...path, 'machine', 'recyclers'], report);
  checkMatchers(scan, m['stacker'], [...path, 'machine', 'stacker'], report);
  if (Object.keys(m).length === 0) report.warning([...path, 'machine'], 'a machine expectation with nothing to check');
};

/** Tickets: the request fields may use `{amount}` and captures, like outcome fields. */
const requestFields: ExpectRule = (e, path, _stepIndex, scan, report) => {
  if (isPlainObject(e['requests'])) checkMatchers(scan, e['requests'], [...path, 'requests'], report);
};

const EXPECT_RULES: readonly ExpectRule[] = [namedSteps, framePatterns, countBounds, capturedNames, outcomeFields, machineMatchers, requestFields];

// ---------------------------------------------------------------------------------------
// What the rules share

/** `{name}` references in a matcher value: captured earlier, or `{amount}` after an amount. */
function checkRefs(scan: StepScan, value: unknown, path: PathSegment[], report: Reporter): void {
  for (const ref of referencesIn(value)) {
    if (RESERVED.includes(ref)) {
      if (!scan.amountKnown) report.error(path, `"{${ref}}" is used before any action with an amount`, 'add `amount:` to an earlier action step');
    } else if (!scan.captures.has(ref)) {
      const guess = closest(ref, [...scan.captures]);
      report.error(path, `"{${ref}}" is not captured by an earlier pattern`, guess !== undefined ? `did you mean "{${guess}}"?` : 'capture it first, e.g. sends: "#C#{op}#..."');
    }
  }
}

function checkMatchers(scan: StepScan, record: unknown, path: PathSegment[], report: Reporter): void {
  if (!isPlainObject(record)) return;
  for (const [key, matcher] of Object.entries(record)) {
    if (isPlainObject(matcher)) {
      for (const [mk, mv] of Object.entries(matcher)) {
        checkRefs(scan, mv, [...path, key, mk], report);
        if (Array.isArray(mv)) mv.forEach((v, k) => checkRefs(scan, v, [...path, key, mk, k], report));
      }
      const least = matcher['atLeast'];
      const most = matcher['atMost'];
      if (typeof least === 'number' && typeof most === 'number' && least > most) report.error([...path, key], `atLeast (${least}) is greater than atMost (${most})`);
    } else checkRefs(scan, matcher, [...path, key], report);
  }
}

/**
 * `{amount}` only after an amount; the pattern's captures become known (even from a malformed
 * pattern, whose own error the shape reports, so that later references do not cascade); a
 * command pattern says which command the item looks for.
 */
function checkPattern(scan: StepScan, pattern: unknown, path: PathSegment[], isCommand: boolean, report: Reporter): void {
  if (typeof pattern !== 'string' && !isPlainObject(pattern)) return;
  const p = pattern as FramePattern;
  if (typeof p === 'object' && typeof p.regex !== 'string') return;
  if (usesAmount(p) && !scan.amountKnown) report.error(path, '"{amount}" is used before any action with an amount', 'add `amount:` to an earlier action step');
  if (typeof p === 'string') {
    for (const ref of p.split('#').flatMap((f) => referencesIn(f))) {
      if (!RESERVED.includes(ref)) scan.captures.add(ref);
    }
  }
  for (const c of capturesOf(p)) scan.captures.add(c);
  if (isCommand) {
    const code = commandOf(p);
    if (code !== undefined) scan.expectedCodes.add(code);
  }
}

function checkName(scan: StepScan, ref: unknown, path: PathSegment[], needAction: boolean, index: number, report: Reporter): void {
  if (typeof ref !== 'string') return;
  const target = scan.names.get(ref);
  if (target === undefined) {
    const later = scan.steps.slice(index + 1).some((s) => isPlainObject(s) && s['name'] === ref);
    const guess = closest(ref, [...scan.names.keys()]);
    report.error(path, later ? `"${ref}" names a later step` : `no earlier step is named "${ref}"`, later ? 'it must name a step before this one' : guess !== undefined ? `did you mean "${guess}"?` : 'give the step a `name:`');
  } else if (needAction && !target.action) {
    report.error(path, `"${ref}" is not an action step`, '`of:` names the action whose outcome is checked');
  }
}

/**
 * Pre-flight: what the selected checklist items need from a POS profile, and what it lacks,
 * known before anything starts (pure). `validate pos.yaml` prints it; `run` refuses to start
 * when a required item needs a driver action the POS does not have, instead of erroring on
 * that item minutes into the run.
 *
 * What a driver has: a `command` driver exactly the actions listed under `driver.actions`;
 * `http` and `reference` answer every action (an HTTP hook cannot be inspected: "assumed");
 * `manual` has every action but needs a person, which --ci forbids.
 *
 * An item that does not apply to the POS (integration or features, as the runner decides)
 * needs nothing. Items left out by missing features are listed as "not covered" and items
 * with an operator check as needing a person in --ci: information, not problems. A whole
 * checklist of which no item applies (another integration's checklist) is a problem: its run
 * would judge nothing and still read as passed.
 */
import { InvalidInputError } from '../errors.js';
import { formatIssue, type Issue } from '../format/issues.js';
import { POS_ACTIONS, type DriverType, type IntegrationType, type PosAction, type PosProfile } from '../pos/types.js';
import { readYaml } from '../format/yaml.js';
import { applicability, defaultChecklistName } from './select.js';
import type { ChecklistItem, Level } from './types.js';

export interface NeedingItem {
  id: string;
  level: Level;
}

/** `present`: listed (command driver) · `assumed`: http/reference, not inspectable · `person`: manual · `missing`. */
export type ActionStatus = 'present' | 'assumed' | 'person' | 'missing';

export interface ActionNeed {
  action: PosAction;
  status: ActionStatus;
  /** The applicable items that ask the POS for this action, in checklist order. */
  items: NeedingItem[];
  /** For a missing action: `error` when a required item needs it, else `warning`. */
  severity?: 'error' | 'warning';
}

export interface NotCovered extends NeedingItem {
  /** The features the item needs that the POS does not declare. */
  features: string[];
}

export interface Preflight {
  checklist: { id: string; version: string };
  pos: { name: string; integration: string; features: string[]; driver: DriverType };
  ci: boolean;
  /** Items after --only/--tag/--shard. */
  selected: number;
  /** Of those, the items that apply to the POS (the ones that run). */
  applicable: number;
  /** Every action an applicable item needs, in the order of POS_ACTIONS. */
  actions: ActionNeed[];
  /** The `missing` entries of `actions`, errors first. */
  missing: ActionNeed[];
  /** Items of the POS's integration left out because it does not declare a feature. */
  notCovered: NotCovered[];
  /** Items for other integration types. */
  otherIntegration: NeedingItem[];
  /** Applicable items with an operator check: asked to a person, `skipped` in --ci. */
  operatorItems: NeedingItem[];
  /** The manual driver asks a person for every action, and --ci forbids prompting. */
  manualInCi: boolean;
  /** The whole checklist has items and none applies to the POS (whatever the selection). */
  nothingApplies: boolean;
  /** The integration types the items name (empty: every item is for any integration). */
  itemIntegrations: string[];
  /** No error: nothing required is missing and the driver can be used this way. */
  ok: boolean;
}

export interface PreflightOptions {
  /** Checked for `run --ci`: nobody answers prompts. */
  ci?: boolean;
  /** The whole checklist's items, when `items` are a selection (--only, --tag, --shard, --last-failed). */
  whole?: readonly ChecklistItem[];
}

/** The pre-flight of `items` (already selected) for `pos`. */
export function preflight(
  checklist: { id: string; version: string },
  items: readonly ChecklistItem[],
  pos: PosProfile,
  options: PreflightOptions = {},
): Preflight {
  const ci = options.ci === true;
  const driver = pos.driver;
  const needs = new Map<PosAction, NeedingItem[]>();
  const notCovered: NotCovered[] = [];
  const otherIntegration: NeedingItem[] = [];
  const operatorItems: NeedingItem[] = [];
  let applicable = 0;
  for (const item of items) {
    const who = { id: item.id, level: item.level };
    if (!applicability(item, pos).applicable) {
      // Same order as `applicability`: the integration decides first, then the features.
      const integrations = item.appliesTo.integrations;
      if (integrations.length > 0 && !integrations.includes(pos.integration)) otherIntegration.push(who);
      else notCovered.push({ ...who, features: item.appliesTo.features.filter((f) => !pos.features.includes(f)) });
      continue;
    }
    applicable++;
    for (const step of item.steps) {
      if (step.kind !== 'action') continue;
      const list = needs.get(step.action) ?? [];
      if (!list.some((i) => i.id === item.id)) list.push(who);
      needs.set(step.action, list);
    }
    if (item.steps.some((s) => s.kind === 'expect' && s.expect.type === 'operator')) operatorItems.push(who);
  }
  const actions: ActionNeed[] = POS_ACTIONS.filter((a) => needs.has(a)).map((action) => {
    const needing = needs.get(action) as NeedingItem[];
    const status = statusOf(driver.type, driver.type === 'command' ? hasCommand(driver.actions[action]) : true);
    return status === 'missing'
      ? { action, status, items: needing, severity: needing.some((i) => i.level === 'required') ? 'error' : 'warning' }
      : { action, status, items: needing };
  });
  const missing = actions.filter((a) => a.status === 'missing').sort((a, b) => rank(a) - rank(b));
  const manualInCi = ci && driver.type === 'manual' && applicable > 0;
  const whole = options.whole ?? items;
  const nothingApplies = whole.length > 0 && (whole === items ? applicable === 0 : !whole.some((item) => applicability(item, pos).applicable));
  const itemIntegrations = [...new Set(whole.flatMap((item) => item.appliesTo.integrations))];
  return {
    checklist: { id: checklist.id, version: checklist.version },
    pos: { name: pos.name, integration: pos.integration, features: [...pos.features], driver: driver.type },
    ci,
    selected: items.length,
    applicable,
    actions,
    missing,
    notCovered,
    otherIntegration,
    operatorItems,
    manualInCi,
    nothingApplies,
    itemIntegrations,
    ok: !manualInCi && !nothingApplies && missing.every((m) => m.severity !== 'error'),
  };
}

function hasCommand(argv: readonly string[] | undefined): boolean {
  return argv !== undefined && argv.length > 0;
}

function statusOf(type: DriverType, listed: boolean): ActionStatus {
  switch (type) {
    case 'command':
      return listed ? 'present' : 'missing';
    case 'manual':
      return 'person';
    case 'http':
    case 'reference':
      return 'assumed';
  }
}

function rank(need: ActionNeed): number {
  return need.severity === 'error' ? 0 : 1;
}

/** "EXP-16, required" · "COM-12, COM-13, required" · "EXP-15, EXP-17, required; EXP-18, optional". */
export function describeItems(items: readonly NeedingItem[]): string {
  const levels: Level[] = ['required', 'recommended', 'optional'];
  return levels
    .map((level) => {
      const ids = items.filter((i) => i.level === level).map((i) => i.id);
      return ids.length > 0 ? `${ids.join(', ')}, ${level}` : '';
    })
    .filter((part) => part !== '')
    .join('; ');
}

/** "chapter7-express needs action `backoffice` (EXP-16, required)". */
export function describeMissing(checklistId: string, need: ActionNeed): string {
  return `${checklistId} needs action \`${need.action}\` (${describeItems(need.items)})`;
}

/**
 * The errors and warnings of a pre-flight as issues located in the pos.yaml: a missing action
 * at the `actions:` key of the driver, the manual driver in --ci at its `type:`. `text` is the
 * pos.yaml source (omit it for a profile that has none, e.g. the built-in reference POS).
 */
export function preflightIssues(p: Preflight, file: string | undefined, text?: string): Issue[] {
  const source = file !== undefined && text !== undefined ? readYaml(text, file) : undefined;
  const at = (path: string[], which: 'key' | 'value'): Partial<Issue> => {
    if (file === undefined) return {};
    if (source === undefined || source.issues.length > 0) return { file };
    const where = source.locate(path, which);
    return { file, line: where.line, col: where.col, length: where.length, path: path.join('.') };
  };
  const issues: Issue[] = p.missing.map((need) => ({
    severity: need.severity ?? 'error',
    message: `${describeMissing(p.checklist.id, need)}, which this command driver does not list${need.severity === 'error' ? '' : `: ${need.items.map((i) => i.id).join(', ')} will end in error`}`,
    ...at(['driver', 'actions'], 'key'),
    hint: `add ${need.action}: ["…"] under driver.actions`,
  }));
  if (p.nothingApplies) {
    const forOthers = p.itemIntegrations.length > 0 && !p.itemIntegrations.includes(p.pos.integration);
    issues.unshift({
      severity: 'error',
      message: `no item of ${p.checklist.id} applies to this ${p.pos.integration} POS${forOthers ? `: its items are for ${p.itemIntegrations.join(' and ')} integrations` : ': each needs a feature the POS does not declare'}; a run of it would judge nothing`,
      ...at([forOthers ? 'integration' : 'features'], 'value'),
      hint: forOthers
        ? `run the checklist of an ${p.pos.integration} integration (${defaultChecklistName(p.pos.integration as IntegrationType)}: leave out --checklist), or correct \`integration\` in the POS profile`
        : 'declare the features your POS offers under `features`, or choose another checklist',
    });
  }
  if (p.manualInCi) {
    issues.unshift({
      severity: 'error',
      message: 'the manual driver asks a person for every action, which --ci forbids',
      ...at(['driver', 'type'], 'value'),
      hint: 'use the http or command driver in CI',
    });
  }
  return issues;
}

export interface PreflightTextOptions {
  /** How the checklist was chosen, said after its name ("the default for an express integration"). */
  chosen?: string;
  /** Leave out the per-action list (run prints only what matters before the first item). */
  brief?: boolean;
}

/** The pre-flight as indented plain-text lines, for the terminal. */
export function formatPreflight(p: Preflight, options: PreflightTextOptions = {}): string[] {
  const lines: string[] = [];
  const chosen = options.chosen !== undefined ? ` (${options.chosen})` : '';
  lines.push(
    `pre-flight against ${p.checklist.id} ${p.checklist.version}${chosen}: ${p.applicable} of ${count(p.selected, 'item')} ${p.applicable === 1 ? 'applies' : 'apply'} to this ${p.pos.integration} POS (${p.pos.driver} driver)`,
  );
  if (!options.brief) {
    const width = Math.max(0, ...p.actions.map((a) => a.action.length));
    for (const a of p.actions) {
      const state = a.status === 'missing' ? (a.severity === 'error' ? 'MISSING' : 'missing') : a.status;
      const who = a.status === 'missing' || a.items.length <= 4 ? describeItems(a.items) : `${a.items.length} items`;
      lines.push(`  action ${a.action.padEnd(width)}  ${state.padEnd(7)}  ${who}`);
    }
    if (p.pos.driver === 'http' && p.actions.length > 0) lines.push('  (assumed: an http hook cannot be inspected; it must answer every action above)');
    if (p.pos.driver === 'manual' && p.actions.length > 0) lines.push('  (person: the manual driver asks the operator at the terminal for each action)');
  } else {
    for (const a of p.missing) lines.push(`  ${a.severity === 'error' ? 'missing' : 'warning: missing'}: ${describeMissing(p.checklist.id, a)}`);
  }
  for (const group of groupByFeatures(p.notCovered)) {
    const ids = group.items.map((i) => i.id);
    lines.push(`  not covered: ${ids.join(', ')} ${ids.length === 1 ? 'needs' : 'need'} ${group.features.length === 1 ? 'feature' : 'features'} ${group.features.map((f) => `\`${f}\``).join(', ')}`);
  }
  if (p.otherIntegration.length > 0 && !options.brief) {
    lines.push(`  ${count(p.otherIntegration.length, 'item')} ${p.otherIntegration.length === 1 ? 'is' : 'are'} for other integration types`);
  }
  if (p.operatorItems.length > 0 && p.pos.driver !== 'manual' && (p.ci || !options.brief)) {
    const ids = p.operatorItems.map((i) => i.id).join(', ');
    lines.push(`  in --ci, ${count(p.operatorItems.length, 'item')} ${p.operatorItems.length === 1 ? 'needs' : 'need'} a person (skipped there): ${ids}`);
  }
  return lines;
}

function groupByFeatures(items: readonly NotCovered[]): { features: string[]; items: NotCovered[] }[] {
  const groups = new Map<string, { features: string[]; items: NotCovered[] }>();
  for (const item of items) {
    const key = item.features.join(',');
    const group = groups.get(key) ?? { features: item.features, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface RunPreflight {
  preflight: Preflight;
  /** What `run` prints before the first item. */
  text: string;
  /** Warnings (an action only recommended or optional items need), formatted with the pos.yaml line. */
  warnings: string;
  /** Set when the run must not start: exit 2 with every error located in the pos.yaml. */
  error?: InvalidInputError;
}

/**
 * The pre-flight as `run` uses it, on the items left after --only/--tag/--shard: the text to
 * print, and an error to stop on before anything starts. `text` is the pos.yaml source.
 */
export function preflightForRun(
  checklist: { id: string; version: string; items: readonly ChecklistItem[] },
  items: readonly ChecklistItem[],
  pos: PosProfile,
  ci: boolean,
  text?: string,
): RunPreflight {
  const p = preflight(checklist, items, pos, { ci, whole: checklist.items });
  const issues = preflightIssues(p, pos.file, text);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const result: RunPreflight = {
    preflight: p,
    text: formatPreflight(p, { brief: p.ok }).map((l) => `${l}\n`).join(''),
    warnings: warnings.map((w) => `${formatIssue(w, text)}\n\n`).join(''),
  };
  if (errors.length > 0) {
    const missingRequired = p.missing.filter((m) => m.severity === 'error').length;
    const what = p.nothingApplies
      ? `no item of ${checklist.id} applies to this ${p.pos.integration} POS`
      : p.manualInCi
        ? 'the manual driver cannot run with --ci'
        : `${count(missingRequired, 'driver action')} that required items need ${missingRequired === 1 ? 'is' : 'are'} missing`;
    result.error = new InvalidInputError(`pre-flight: ${what}; nothing was started (check it with: cashlogy-cert validate <pos.yaml> --checklist ${checklist.id})`, errors);
  }
  return result;
}

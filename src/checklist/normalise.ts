/**
 * The normaliser: a checklist document that passed its shape and rules becomes the model of
 * types.ts (durations in ms, defaults filled in, every frame pattern compiled for the runner).
 * The document is known to match the format here.
 */
import { parseDuration } from '../duration.js';
import type { FaultSpec } from '../faults/spec.js';
import type { Localized } from '../i18n.js';
import type { IntegrationType, PosAction } from '../pos/types.js';
import { frameMatcher } from './pattern-syntax.js';
import type { Checklist, ChecklistItem, Expectation, FramePattern, Level, Step, ValueMatcher } from './types.js';

export const DEFAULT_ITEM_TIMEOUT_MS = 120_000;
export const DEFAULT_WITHIN_MS = 30_000;
export const DEFAULT_SCREEN_WITHIN_MS = 30_000;

type Obj = Record<string, unknown>;

export interface RawChecklist {
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

export function normalise(raw: RawChecklist): Checklist {
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
        ...(s['ticketsFiles'] !== undefined ? { ticketsFiles: structuredClone(s['ticketsFiles']) as Record<string, string | Record<string, unknown>> } : {}),
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
      ...stepMessage(raw['message']),
    },
    raw,
  );
}

/** `message:` as English text alone, or in every language (its English is then `message`). */
function stepMessage(value: unknown): { message?: string; messages?: Localized } {
  if (typeof value === 'string') return { message: value };
  if (value !== null && typeof value === 'object') {
    const messages = localized(value as Localized);
    return { message: messages.en, messages };
  }
  return {};
}

/** Compiled here, once: the runner matches with the compiled form (pattern-syntax.ts). */
function pattern(value: unknown): FramePattern {
  const p: FramePattern = typeof value === 'string' ? value : { regex: (value as { regex: string }).regex };
  frameMatcher(p);
  return p;
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
      ...(e['mustAnswer'] === true ? { mustAnswer: true } : {}),
    };
  }
  if (e['requests'] !== undefined) {
    const count = e['count'] as { atLeast?: number; atMost?: number } | undefined;
    return {
      type: 'requests',
      fields: matchers(e['requests']),
      withinMs: e['within'] !== undefined ? ms(e['within']) : DEFAULT_WITHIN_MS,
      ...since,
      ...(count !== undefined ? { count: { ...count } } : {}),
    };
  }
  if (e['noFileEvent'] !== undefined) return { type: 'noFileEvent', prefix: e['noFileEvent'] as string, ...since };
  if (e['uniqueRequests'] !== undefined) return { type: 'uniqueRequests' };
  if (e['requestsLeft'] !== undefined) {
    const r = e['requestsLeft'] as Obj;
    return { type: 'requestsLeft', atMost: r['atMost'] as number, extension: typeof r['extension'] === 'string' ? r['extension'] : '.azk' };
  }
  if (e['answersRemoved'] !== undefined) {
    return { type: 'answersRemoved', withinMs: ms((e['answersRemoved'] as Obj)['within']), ...since };
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


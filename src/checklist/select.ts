/**
 * Which checklist runs for a POS, which items apply to it, and in what order.
 *
 * Applicability: an item applies when its `appliesTo.integrations` is empty or lists the
 * POS's integration, AND the POS declares every feature in `appliesTo.features`.
 *
 * Mixed integrations (no --checklist): every item of chapter7-express, then the items of
 * chapter7-complete that apply to the POS by the rule above — in the shipped file those are
 * the items that list `mixed` and name a feature (refund by #P#, refill, error polling).
 */
import { sha256 } from '../hash.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, UsageError } from '../errors.js';
import { closest } from '../format/issues.js';
import type { IntegrationType, PosProfile } from '../pos/types.js';
import { CHECKLISTS_DIR, loadChecklist } from './load.js';
import type { Checklist, ChecklistItem } from './types.js';


/** Shipped checklist names → files. `chapter7-mixed` is composed from the two files. */
export const SHIPPED_CHECKLISTS = {
  'chapter7-express': join(CHECKLISTS_DIR, 'chapter7-express.yaml'),
  'chapter7-complete': join(CHECKLISTS_DIR, 'chapter7-complete.yaml'),
  'tickets-micro': join(CHECKLISTS_DIR, 'tickets-micro.yaml'),
} as const;

export const MIXED_CHECKLIST_ID = 'chapter7-mixed';
export const CHECKLIST_NAMES = ['chapter7-express', 'chapter7-complete', MIXED_CHECKLIST_ID, 'tickets-micro'];

/** The name of the shipped checklist an integration type runs when `--checklist` is left out. */
export function defaultChecklistName(integration: IntegrationType): string {
  return integration === 'mixed' ? MIXED_CHECKLIST_ID : integration === 'tickets' ? 'tickets-micro' : `chapter7-${integration}`;
}

/** The shipped checklist file(s) for an integration type (mixed: express then complete). */
export function defaultChecklistFor(integration: IntegrationType): string[] {
  switch (integration) {
    case 'express':
      return [SHIPPED_CHECKLISTS['chapter7-express']];
    case 'complete':
      return [SHIPPED_CHECKLISTS['chapter7-complete']];
    case 'mixed':
      return [SHIPPED_CHECKLISTS['chapter7-express'], SHIPPED_CHECKLISTS['chapter7-complete']];
    case 'tickets':
      return [SHIPPED_CHECKLISTS['tickets-micro']];
  }
}

/**
 * The checklist to run for `pos`: `arg` is a shipped name (`chapter7-express`,
 * `chapter7-complete`, `chapter7-mixed`, `tickets-micro`) or a path to a YAML file; without it, the shipped
 * checklist for the POS's integration type.
 */
export function resolveChecklist(pos: PosProfile, arg?: string): Checklist {
  if (arg === undefined || arg === '') return resolveChecklist(pos, defaultChecklistName(pos.integration));
  if (arg === MIXED_CHECKLIST_ID) return mixedChecklist(pos);
  if (Object.hasOwn(SHIPPED_CHECKLISTS, arg)) return loadChecklist(SHIPPED_CHECKLISTS[arg as keyof typeof SHIPPED_CHECKLISTS]);
  if (existsSync(arg) || /[\\/]|\.ya?ml$/i.test(arg)) return loadChecklist(arg);
  const guess = closest(arg, CHECKLIST_NAMES);
  throw new UsageError(
    `unknown checklist "${arg}": not a shipped name and no such file${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}; shipped: ${CHECKLIST_NAMES.join(', ')}`,
  );
}

/** Express items plus the complete items that apply to this (mixed) POS. */
export function mixedChecklist(pos: PosProfile): Checklist {
  const express = loadChecklist(SHIPPED_CHECKLISTS['chapter7-express']);
  const complete = loadChecklist(SHIPPED_CHECKLISTS['chapter7-complete']);
  return composeMixed(express, complete, pos);
}

/** Pure part of `mixedChecklist`, for tests and for users composing their own files. */
export function composeMixed(express: Checklist, complete: Checklist, pos: PosProfile): Checklist {
  const extra = complete.items.filter((item) => applicability(item, { ...pos, integration: 'mixed' }).applicable);
  const items = [...express.items, ...extra];
  const present = new Set(items.map((i) => i.id));
  const duplicate = express.items.find((i) => complete.items.some((c) => c.id === i.id && extra.includes(c)));
  if (duplicate !== undefined) {
    throw new InvalidInputError(`item id "${duplicate.id}" is in both ${express.id} and ${complete.id}`, []);
  }
  return {
    id: MIXED_CHECKLIST_ID,
    version: express.version === complete.version ? express.version : `${express.version}+${complete.version}`,
    title: {
      fr: 'Chapitre 7 — intégration mixte (Express + fonctions de l’intégration complète)',
      en: 'Chapter 7 — mixed integration (Express + complete-integration features)',
      es: 'Capítulo 7 — integración mixta (Express + funciones de la integración completa)',
    },
    source: `${express.id} + the ${complete.id} items for the features ${pos.features.length > 0 ? pos.features.join(', ') : '(none)'}`,
    integrations: ['mixed'],
    // A dependency on an item that does not apply to this POS cannot hold it back.
    items: items.map((item) => ({ ...item, dependsOn: item.dependsOn.filter((d) => present.has(d)) })),
    ...(express.file !== undefined ? { file: express.file } : {}),
    sha256: sha256(`${express.sha256 ?? ''}\n${complete.sha256 ?? ''}\n${extra.map((i) => i.id).join(',')}`),
  };
}

export interface Applicability {
  applicable: boolean;
  /** Why not, in plain English ("needs the feature refund, which the POS does not declare"). */
  reason?: string;
}

export function applicability(item: ChecklistItem, pos: Pick<PosProfile, 'integration' | 'features'>): Applicability {
  const integrations = item.appliesTo.integrations;
  if (integrations.length > 0 && !integrations.includes(pos.integration)) {
    return {
      applicable: false,
      reason: `applies to ${listWords(integrations)} integrations only; the POS is ${pos.integration}`,
    };
  }
  const missing = item.appliesTo.features.filter((f) => !pos.features.includes(f));
  if (missing.length > 0) {
    return {
      applicable: false,
      reason: `needs the feature${missing.length > 1 ? 's' : ''} ${listWords(missing)}, which the POS does not declare`,
    };
  }
  return { applicable: true };
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * Dependency order: an item comes after the items it depends on; otherwise the given order
 * is kept. Dependencies on ids not in `items` are ignored (e.g. filtered out by --only).
 * A cycle throws InvalidInputError.
 */
export function orderItems<T extends Pick<ChecklistItem, 'id' | 'dependsOn'>>(items: readonly T[]): T[] {
  const ids = new Set(items.map((i) => i.id));
  const placed = new Set<string>();
  const ordered: T[] = [];
  const waiting = [...items];
  while (waiting.length > 0) {
    const index = waiting.findIndex((item) => item.dependsOn.every((d) => !ids.has(d) || placed.has(d)));
    if (index === -1) {
      throw new InvalidInputError(`dependency cycle between items ${waiting.map((i) => i.id).join(', ')}`, []);
    }
    const [item] = waiting.splice(index, 1) as [T];
    ordered.push(item);
    placed.add(item.id);
  }
  return ordered;
}

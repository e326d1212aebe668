import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { loadChecklist } from '../../src/checklist/load.js';
import {
  applicability,
  CHECKLIST_NAMES,
  composeMixed,
  defaultChecklistFor,
  orderItems,
  resolveChecklist,
  SHIPPED_CHECKLISTS,
} from '../../src/checklist/select.js';
import type { ChecklistItem } from '../../src/checklist/types.js';
import { referencePosProfile } from '../../src/pos/profile.js';
import type { PosProfile } from '../../src/pos/types.js';
import { tempDir } from '../helpers/temp.js';

const pos = (integration: PosProfile['integration'], features: string[] = []): PosProfile => ({
  ...referencePosProfile(integration),
  features,
});

const item = (id: string, dependsOn: string[] = [], appliesTo: ChecklistItem['appliesTo'] = { integrations: [], features: [] }): ChecklistItem => ({
  id,
  title: { fr: id, en: id, es: id },
  description: { fr: '', en: '', es: '' },
  ref: '6.3',
  level: 'required',
  appliesTo,
  dependsOn,
  tags: [],
  catches: { fr: '', en: '', es: '' },
  underTest: [],
  timeoutMs: 1000,
  steps: [],
});

describe('applicability', () => {
  it('applies when the integration is listed (or none is) and every feature is declared', () => {
    expect(applicability(item('X'), pos('express'))).toEqual({ applicable: true });
    expect(applicability(item('X', [], { integrations: ['complete', 'mixed'], features: [] }), pos('mixed'))).toEqual({ applicable: true });
    expect(applicability(item('X', [], { integrations: ['complete'], features: [] }), pos('express'))).toEqual({
      applicable: false,
      reason: 'applies to complete integrations only; the POS is express',
    });
    expect(applicability(item('X', [], { integrations: [], features: ['refund', 'refill'] }), pos('mixed', ['refund']))).toEqual({
      applicable: false,
      reason: 'needs the feature refill, which the POS does not declare',
    });
    expect(applicability(item('X', [], { integrations: ['complete', 'express'], features: ['refund', 'refill'] }), pos('mixed')).reason).toBe(
      'applies to complete and express integrations only; the POS is mixed',
    );
  });
});

describe('checklist selection', () => {
  it('picks the shipped file(s) per integration type', () => {
    expect(defaultChecklistFor('express')).toEqual([SHIPPED_CHECKLISTS['chapter7-express']]);
    expect(defaultChecklistFor('complete')).toEqual([SHIPPED_CHECKLISTS['chapter7-complete']]);
    expect(defaultChecklistFor('mixed')).toEqual([SHIPPED_CHECKLISTS['chapter7-express'], SHIPPED_CHECKLISTS['chapter7-complete']]);
    expect(defaultChecklistFor('tickets')).toEqual([SHIPPED_CHECKLISTS['tickets-micro']]);
    expect(resolveChecklist(pos('express')).id).toBe('chapter7-express');
    expect(resolveChecklist(pos('complete')).id).toBe('chapter7-complete');
    expect(resolveChecklist(pos('tickets')).id).toBe('tickets-micro');
  });

  it('accepts a shipped name or a path, and suggests a name for a typo', () => {
    expect(resolveChecklist(pos('express'), 'chapter7-complete').id).toBe('chapter7-complete');
    expect(resolveChecklist(pos('express'), SHIPPED_CHECKLISTS['chapter7-complete']).id).toBe('chapter7-complete');
    expect(() => resolveChecklist(pos('express'), 'chapter7-expres')).toThrow(/did you mean "chapter7-express"/);
    expect(() => resolveChecklist(pos('express'), 'missing/file.yaml')).toThrow(/no such file/);
    expect(CHECKLIST_NAMES).toEqual(['chapter7-express', 'chapter7-complete', 'chapter7-mixed', 'tickets-micro']);
  });

  it('mixed = every Express item plus the complete items whose features the POS declares', () => {
    const express = loadChecklist(SHIPPED_CHECKLISTS['chapter7-express']);
    const expressIds = express.items.map((i) => i.id);
    const none = resolveChecklist(pos('mixed'));
    expect(none.id).toBe('chapter7-mixed');
    expect(none.items.map((i) => i.id)).toEqual(expressIds);
    const refund = resolveChecklist(pos('mixed', ['refund']));
    expect(refund.items.map((i) => i.id)).toEqual([...expressIds, 'COM-12', 'COM-13']);
    const all = resolveChecklist(pos('mixed', ['refund', 'refill', 'error-polling']), 'chapter7-mixed');
    expect(all.items.map((i) => i.id)).toEqual([...expressIds, 'COM-12', 'COM-13', 'COM-14', 'COM-20']);
    expect(all.sha256).not.toBe(refund.sha256);
    expect(all.integrations).toEqual(['mixed']);
  });

  it('drops a dependency on an item the mixed POS does not run', () => {
    const express = { ...loadChecklist(SHIPPED_CHECKLISTS['chapter7-express']), items: [item('EXP-01')] };
    const complete = {
      ...loadChecklist(SHIPPED_CHECKLISTS['chapter7-complete']),
      items: [item('COM-01', [], { integrations: ['complete'], features: [] }), item('COM-02', ['COM-01', 'EXP-01'], { integrations: ['mixed'], features: ['refund'] })],
    };
    const mixed = composeMixed(express, complete, pos('mixed', ['refund']));
    expect(mixed.items.map((i) => [i.id, i.dependsOn])).toEqual([
      ['EXP-01', []],
      ['COM-02', ['EXP-01']],
    ]);
  });

  it('loads a user file given as a relative path', () => {
    const dir = tempDir('sel-');
    const file = join(dir, 'mine.yaml');
    writeFileSync(
      file,
      `id: mine
version: "1"
title: {fr: m, en: m, es: m}
source: me
integrations: [express]
items:
  - id: M-01
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: optional
    catches: {fr: c, en: c, es: c}
    steps:
      - action: startup
      - expect: {sends: "#I#"}
`,
    );
    expect(resolveChecklist(pos('express'), file).items.map((i) => i.id)).toEqual(['M-01']);
  });
});

describe('orderItems', () => {
  it('puts dependencies first and otherwise keeps the order (stable)', () => {
    const ordered = orderItems([item('A', ['C']), item('B'), item('C', ['D']), item('D'), item('E', ['B'])]);
    expect(ordered.map((i) => i.id)).toEqual(['B', 'D', 'C', 'A', 'E']);
  });

  it('ignores dependencies outside the list (filtered by --only)', () => {
    expect(orderItems([item('B', ['A']), item('C')]).map((i) => i.id)).toEqual(['B', 'C']);
  });

  it('throws on a cycle', () => {
    expect(() => orderItems([item('A', ['B']), item('B', ['A']), item('C')])).toThrow(InvalidInputError);
    expect(() => orderItems([item('A', ['A'])])).toThrow(/cycle/);
  });

  it('keeps the shipped files in their written order (dependencies come first already)', () => {
    for (const file of Object.values(SHIPPED_CHECKLISTS)) {
      const items = loadChecklist(file).items;
      expect(orderItems(items).map((i) => i.id)).toEqual(items.map((i) => i.id));
    }
  });
});

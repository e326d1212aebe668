/**
 * Pre-flight on the shipped checklists: what each needs from a POS profile, what a
 * command-driver profile lacks, and where the problem is in its pos.yaml.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { loadChecklist } from '../../src/checklist/load.js';
import { describeMissing, formatPreflight, preflight, preflightForRun, preflightIssues } from '../../src/checklist/preflight.js';
import { composeMixed, SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import type { Checklist, ChecklistItem } from '../../src/checklist/types.js';
import { parsePosProfile } from '../../src/pos/profile.js';
import type { PosAction, PosProfile } from '../../src/pos/types.js';
import { selectItems } from '../../src/runner/selection.js';

const express = loadChecklist(SHIPPED_CHECKLISTS['chapter7-express']);
const complete = loadChecklist(SHIPPED_CHECKLISTS['chapter7-complete']);

/** A pos.yaml text with a command driver listing exactly `actions`. */
function commandYaml(integration: string, features: string[], actions: readonly PosAction[]): string {
  return [
    'name: Test POS',
    'version: "1"',
    'company: Test SARL',
    'email: test@example.invalid',
    `integration: ${integration}`,
    `features: [${features.join(', ')}]`,
    'driver:',
    '  type: command',
    '  actions:',
    ...actions.map((a) => `    ${a}: ["node", "pos.js", "${a}"]`),
    '',
  ].join('\n');
}

const commandPos = (integration: string, features: string[], actions: readonly PosAction[]): PosProfile =>
  parsePosProfile(commandYaml(integration, features, actions), 'pos.yaml');

/** The applicable items of `items` that have an action step for `action`, worked out from the steps themselves. */
function itemsNeeding(items: readonly ChecklistItem[], action: PosAction, pos: PosProfile): string[] {
  return items
    .filter((i) => i.appliesTo.integrations.length === 0 || i.appliesTo.integrations.includes(pos.integration))
    .filter((i) => i.appliesTo.features.every((f) => pos.features.includes(f)))
    .filter((i) => i.steps.some((s) => s.kind === 'action' && s.action === action))
    .map((i) => i.id);
}

function levelOf(checklist: Checklist, id: string): string {
  return checklist.items.find((i) => i.id === id)?.level ?? '?';
}

describe('pre-flight of chapter7-express', () => {
  const pos = commandPos('express', [], ['startup', 'sale']);
  const p = preflight(express, express.items, pos);

  it('lists every missing action with the items that need it; a required one is an error', () => {
    const missing = Object.fromEntries(p.missing.map((m) => [m.action, m]));
    for (const action of ['backoffice', 'shutdown', 'cancel'] as const) {
      const ids = itemsNeeding(express.items, action, pos);
      expect(ids.length, action).toBeGreaterThan(0);
      expect(missing[action]?.items.map((i) => i.id)).toEqual(ids);
      const required = ids.some((id) => levelOf(express, id) === 'required');
      expect(missing[action]?.severity).toBe(required ? 'error' : 'warning');
    }
    expect(Object.keys(missing).sort()).toEqual(['backoffice', 'cancel', 'shutdown']);
    expect(p.ok).toBe(false);
  });

  it('says it the way the issue asks: "chapter7-express needs action `backoffice` (EXP-16, required)"', () => {
    const backoffice = p.missing.find((m) => m.action === 'backoffice');
    expect(backoffice).toBeDefined();
    expect(backoffice?.items).toContainEqual({ id: 'EXP-16', level: 'required' });
    expect(describeMissing(express.id, backoffice!)).toBe(
      `chapter7-express needs action \`backoffice\` (${backoffice!.items.map((i) => i.id).join(', ')}, required)`,
    );
  });

  it('errors come before warnings, and the listed actions are present', () => {
    expect(p.missing.map((m) => m.severity)).toEqual([...p.missing.map((m) => m.severity)].sort());
    expect(p.actions.filter((a) => a.status === 'present').map((a) => a.action)).toEqual(['startup', 'sale']);
  });

  it('the operator-check items are listed as needing a person, not as problems', () => {
    const operator = express.items.filter((i) => i.steps.some((s) => s.kind === 'expect' && s.expect.type === 'operator')).map((i) => i.id);
    expect(operator.length).toBeGreaterThan(0);
    expect(p.operatorItems.map((i) => i.id)).toEqual(operator);
    const text = formatPreflight(preflight(express, express.items, commandPos('express', [], ['startup', 'sale', 'cancel', 'backoffice', 'shutdown']), { ci: true }), { brief: true });
    expect(text).toContain(`  in --ci, ${operator.length} items need a person (skipped there): ${operator.join(', ')}`);
  });

  it('a POS with every action it needs passes, and one missing only the optional action gets a warning', () => {
    expect(preflight(express, express.items, commandPos('express', [], ['startup', 'sale', 'cancel', 'backoffice', 'shutdown'])).missing).toEqual([]);
    const noCancel = preflight(express, express.items, commandPos('express', [], ['startup', 'sale', 'backoffice', 'shutdown']));
    expect(noCancel.missing.map((m) => [m.action, m.severity])).toEqual([['cancel', 'warning']]);
    expect(noCancel.ok).toBe(true);
  });

  it('only the selected items count (--only/--tag/--shard applied first)', () => {
    const without16 = express.items.filter((i) => i.id !== 'EXP-16' && !itemsNeeding([i], 'backoffice', pos).length);
    const selected = selectItems(express.items, { only: without16.map((i) => i.id) });
    const q = preflight(express, selected, pos);
    expect(q.missing.map((m) => m.action)).not.toContain('backoffice');
    expect(q.selected).toBe(selected.length);
  });
});

describe('pre-flight of chapter7-complete', () => {
  it('a complete POS declaring refund and refill but listing only startup and sale lacks refund, refill, cancel and shutdown', () => {
    const pos = commandPos('complete', ['refund', 'refill'], ['startup', 'sale']);
    const p = preflight(complete, complete.items, pos);
    for (const m of p.missing) expect(m.items.map((i) => i.id), m.action).toEqual(itemsNeeding(complete.items, m.action, pos));
    expect(p.missing.map((m) => m.action).sort()).toEqual(['cancel', 'refill', 'refund', 'shutdown']);
    expect(p.missing.find((m) => m.action === 'refund')?.severity).toBe('error');
    expect(p.notCovered).toEqual([]);
  });

  it('items whose feature the POS does not declare need nothing: "not covered", information only', () => {
    const pos = commandPos('complete', [], ['startup', 'sale', 'cancel', 'shutdown']);
    const p = preflight(complete, complete.items, pos);
    const featured = complete.items.filter((i) => i.appliesTo.features.length > 0 && i.appliesTo.integrations.includes('complete'));
    expect(featured.length).toBeGreaterThan(0);
    expect(p.notCovered.map((i) => i.id)).toEqual(featured.map((i) => i.id));
    expect(p.missing).toEqual([]);
    expect(p.ok).toBe(true);
    const refundItems = featured.filter((i) => i.appliesTo.features.includes('refund')).map((i) => i.id);
    expect(formatPreflight(p)).toContain(`  not covered: ${refundItems.join(', ')} need feature \`refund\``);
  });

  it('against an express POS, the complete-only items need nothing', () => {
    const pos = commandPos('express', [], ['startup']);
    const p = preflight(complete, complete.items, pos);
    const forExpress = complete.items.filter((i) => i.appliesTo.integrations.length === 0 || i.appliesTo.integrations.includes('express'));
    expect(p.applicable).toBe(forExpress.length);
    expect(p.otherIntegration.length).toBe(complete.items.length - forExpress.length);
  });

  it('a whole checklist of which nothing applies is an error at `integration`; a selection is not', () => {
    const text = commandYaml('express', [], ['startup', 'sale']);
    const pos = parsePosProfile(text, 'pos.yaml');
    const p = preflight(complete, complete.items, pos);
    expect(p.applicable).toBe(0);
    expect(p.nothingApplies).toBe(true);
    expect(p.ok).toBe(false);
    const issues = preflightIssues(p, 'pos.yaml', text);
    expect(issues[0]).toMatchObject({
      severity: 'error',
      message: 'no item of chapter7-complete applies to this express POS: its items are for complete and mixed integrations; a run of it would judge nothing',
      line: 5,
      col: 14,
      hint: 'run the checklist of an express integration (chapter7-express: leave out --checklist), or correct `integration` in the POS profile',
    });
    const run = preflightForRun(complete, complete.items, pos, false, text);
    expect(exitCodeForError(run.error)).toBe(2);
    expect(run.error?.message).toMatch(/^pre-flight: no item of chapter7-complete applies to this express POS; nothing was started/);
    // A selection of it (--only, --tag, --shard) changes nothing: the whole checklist is for others.
    expect(exitCodeForError(preflightForRun(complete, complete.items.slice(0, 2), pos, false, text).error)).toBe(2);
    // Chosen items that do not apply, from a checklist of which others do: the run is incomplete, not wrong.
    const completePos = commandPos('complete', [], ['startup', 'sale', 'cancel', 'shutdown']);
    const refundItems = complete.items.filter((i) => i.appliesTo.features.includes('refund'));
    expect(refundItems.length).toBeGreaterThan(0);
    const chosen = preflightForRun(complete, refundItems, completePos, false);
    expect(chosen.preflight.applicable).toBe(0);
    expect(chosen.preflight.nothingApplies).toBe(false);
    expect(chosen.error).toBeUndefined();
    // Items for every integration that need features the POS lacks: the hint is the features.
    const featureOnly = { ...complete, items: complete.items.map((i) => ({ ...i, appliesTo: { integrations: [], features: ['refill'] as const } })) } as unknown as Checklist;
    expect(preflightIssues(preflight(featureOnly, featureOnly.items, pos), 'pos.yaml', text)[0]).toMatchObject({
      message: 'no item of chapter7-complete applies to this express POS: each needs a feature the POS does not declare; a run of it would judge nothing',
      line: 6,
    });
  });

  it('a mixed POS gets the feature items of the mixed composition', () => {
    const pos = commandPos('mixed', ['refund'], ['startup', 'sale', 'cancel', 'backoffice', 'shutdown']);
    const mixed = composeMixed(express, complete, pos);
    const p = preflight(mixed, mixed.items, pos);
    expect(p.missing.map((m) => m.action)).toEqual(['refund']);
    expect(p.missing[0]?.items.map((i) => i.id)).toEqual(itemsNeeding(mixed.items, 'refund', pos));
  });
});

describe('drivers that cannot be inspected, and the manual driver', () => {
  const base = commandPos('express', [], ['startup']);
  it('http and reference answer every action: "assumed", nothing missing', () => {
    for (const driver of [{ type: 'http' as const, url: 'http://127.0.0.1:{hookPort}' }, { type: 'reference' as const }]) {
      const p = preflight(express, express.items, { ...base, driver });
      expect(p.missing).toEqual([]);
      expect(new Set(p.actions.map((a) => a.status))).toEqual(new Set(['assumed']));
      expect(p.ok).toBe(true);
    }
  });

  it('manual has every action through a person; with --ci that is an error at driver.type', () => {
    const text = 'name: M\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: express\ndriver:\n  type: manual\n';
    const pos = parsePosProfile(text, 'manual.yaml');
    expect(preflight(express, express.items, pos).ok).toBe(true);
    const p = preflight(express, express.items, pos, { ci: true });
    expect(p.manualInCi).toBe(true);
    expect(p.ok).toBe(false);
    expect(preflightIssues(p, 'manual.yaml', text)).toEqual([expect.objectContaining({ severity: 'error', line: 7, col: 9, message: 'the manual driver asks a person for every action, which --ci forbids' })]);
  });
});

describe('issues in the pos.yaml', () => {
  it('point at the `actions:` key of the driver, errors and warnings alike', () => {
    const text = commandYaml('express', [], ['startup', 'sale']);
    const pos = parsePosProfile(text, 'pos.yaml');
    const issues = preflightIssues(preflight(express, express.items, pos), 'pos.yaml', text);
    const line = text.split('\n').indexOf('  actions:') + 1;
    expect(issues.length).toBe(3);
    for (const issue of issues) expect(issue).toMatchObject({ file: 'pos.yaml', line, col: 3, path: 'driver.actions' });
    expect(issues.map((i) => i.severity)).toEqual(['error', 'error', 'warning']);
    expect(issues[0]?.hint).toMatch(/^add (backoffice|shutdown): \["…"\] under driver\.actions$/);
  });

  it('preflightForRun: an error to stop on (exit 2) when a required action is missing, with the list to print', () => {
    const text = commandYaml('express', [], ['startup', 'sale', 'shutdown', 'cancel']);
    const pos = parsePosProfile(text, 'pos.yaml');
    const r = preflightForRun(express, express.items, pos, true, text);
    expect(exitCodeForError(r.error)).toBe(2);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^chapter7-express needs action `backoffice` \(.*EXP-16.*required\)/),
    ]);
    expect(r.text).toMatch(/action backoffice +MISSING +/);
    expect(r.warnings).toBe('');
    const ok = preflightForRun(express, express.items, commandPos('express', [], ['startup', 'sale', 'shutdown', 'backoffice']), true, undefined);
    expect(ok.error).toBeUndefined();
    expect(ok.warnings).toContain('warning: chapter7-express needs action `cancel`');
  });
});

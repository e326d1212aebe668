/**
 * The shipped chapter 7 checklists: they load without a single error or warning, and each
 * item is complete enough to be run and to explain itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeChecklist } from '../../src/checklist/load.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import type { Checklist } from '../../src/checklist/types.js';
import { LANGS } from '../../src/i18n.js';
import { main } from '../../src/cli/main.js';
import { captureIo } from './helpers.js';

const files = Object.values(SHIPPED_CHECKLISTS);

function load(file: string): Checklist {
  const result = analyzeChecklist(readFileSync(file, 'utf8'), file);
  expect(result.issues.map((i) => `${i.severity}: ${i.message} (${i.path})`)).toEqual([]);
  expect(result.checklist).toBeDefined();
  return result.checklist as Checklist;
}

describe('shipped checklists', () => {
  it.each(files)('%s loads with no error and no warning', (file) => {
    const checklist = load(file);
    // The Cashlogy Tickets micro-integration is a smaller exchange than chapter 7.
    expect(checklist.items.length).toBeGreaterThanOrEqual(checklist.integrations.includes('tickets') ? 10 : 15);
    expect(checklist.source).toMatch(/reconstruction/);
  });

  it.each(files)('%s starts with the yaml-language-server schema line', (file) => {
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/checklist.schema.json');
  });

  it('has unique item ids across both files', () => {
    const ids = files.flatMap((f) => load(f).items.map((i) => i.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(files)('%s: every item names its defect in fr/en/es and can fail without a person', (file) => {
    for (const item of load(file).items) {
      for (const lang of LANGS) {
        expect(item.catches[lang].length, `${item.id} catches.${lang}`).toBeGreaterThan(20);
        expect(item.title[lang].length, `${item.id} title.${lang}`).toBeGreaterThan(5);
        expect(item.description[lang].length, `${item.id} description.${lang}`).toBeGreaterThan(20);
      }
      // Chapter 7 items cite the integration manual; tickets items the CashlogyTickets specification (P-TIX).
      expect(item.ref).toMatch(/^(6(\.\d+)+|P-TIX \d+(\.\d+)*)$/);
      const automatic = item.steps.filter((s) => s.kind === 'expect' && s.expect.type !== 'operator');
      expect(automatic.length, `${item.id} has an automatic expectation`).toBeGreaterThan(0);
      expect(item.steps.some((s) => s.kind === 'action'), `${item.id} asks the POS to act`).toBe(true);
    }
  });

  it('covers the items the certification needs', () => {
    const express = load(SHIPPED_CHECKLISTS['chapter7-express']);
    const complete = load(SHIPPED_CHECKLISTS['chapter7-complete']);
    const patterns = (c: Checklist) =>
      c.items.flatMap((i) =>
        i.steps.flatMap((s) => {
          if (s.kind !== 'expect') return [];
          const e = s.expect;
          if (e.type === 'sends' || e.type === 'neverSends') return [JSON.stringify(e.pattern)];
          if (e.type === 'sendsInOrder') return e.patterns.map((p) => JSON.stringify(p));
          return [];
        }),
      );
    const faults = (c: Checklist) => c.items.flatMap((i) => i.steps.flatMap((s) => (s.kind === 'setup' ? (s.faults ?? []) : s.kind === 'fault' ? [s.fault] : []).map((f) => f.type)));
    const expressPatterns = patterns(express).join(' ');
    for (const code of ['#I#', '#Z#', '#C#', '#G#', '#E#', '#!#']) expect(expressPatterns).toContain(code);
    const completePatterns = patterns(complete).join(' ');
    for (const code of ['#B#', '#Q#', '#J#', '#P#', '#A#2#', '#?#', '#Z#', '#E#']) expect(completePatterns).toContain(code);
    for (const fault of ['busy', 'restart', 'disconnect', 'split', 'partial-dispense', 'note-jam', 'latency']) {
      expect(faults(express)).toContain(fault);
    }
    for (const fault of ['busy', 'restart', 'disconnect', 'split', 'partial-dispense', 'latency']) {
      expect(faults(complete)).toContain(fault);
    }
    const lowFloat = (c: Checklist) => c.items.some((i) => i.steps.some((s) => s.kind === 'setup' && s.inventory !== undefined));
    expect(lowFloat(express) && lowFloat(complete)).toBe(true);
    expect(express.items.some((i) => i.steps.some((s) => s.kind === 'expect' && s.expect.type === 'oneCommandAtATime'))).toBe(true);
  });

  it('validate exits 0 on the shipped files', async () => {
    const io = captureIo();
    const code = await main(['validate', ...files], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/ok: .*chapter7-express\.yaml \(22 items\)/);
    expect(io.out()).toMatch(/ok: .*chapter7-complete\.yaml \(22 items\)/);
  });
});

describe('docs/checklist-format.md', () => {
  it('has a checklist example that validates as written', () => {
    const doc = readFileSync('docs/checklist-format.md', 'utf8');
    const block = /```yaml\n(# yaml-language-server: \$schema=\.\.\/schema\/checklist\.schema\.json\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const result = analyzeChecklist(block as string, 'docs-example.yaml');
    expect(result.issues).toEqual([]);
    expect(result.checklist?.items.map((i) => i.id)).toEqual(['MY-01', 'MY-02']);
  });

  it('has a pos.yaml example that validates as written', async () => {
    const { analyzePosProfile } = await import('../../src/pos/profile.js');
    const doc = readFileSync('docs/checklist-format.md', 'utf8');
    const block = /```yaml\n(# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/pos\.schema\.json\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const result = analyzePosProfile(block as string, 'docs-pos.yaml');
    expect(result.issues).toEqual([]);
    expect(result.profile?.driver.type).toBe('http');
  });
});

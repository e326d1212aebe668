import { describe, expect, it } from 'vitest';
import { buildManualView, MANUAL_SECTIONS } from '../../src/reporters/manual.js';
import type { ItemResult } from '../../src/runner/result.js';
import { loadFixture } from './helpers.js';

function item(id: string, tags: string[], verdict: ItemResult['verdict'], extra: Partial<ItemResult> = {}): ItemResult {
  const title = `title ${id}`;
  return {
    id, title, titles: { fr: title, en: title, es: title }, description: { fr: '', en: '', es: '' }, catches: { fr: '', en: '', es: '' },
    ref: '', level: 'required', tags, verdict, durationMs: 1, checks: [], operatorAnswers: [], faults: [],
    actions: [{ action: 'sale', amount: 990, startedAt: 0, durationMs: 1 }],
    transcript: [
      { at: 1, conn: 1, dir: 'in', data: `#C#${id}#1#990#1#15360#0#0#0#1#0#0#` },
      { at: 2, conn: 1, dir: 'out', data: '#WR:LEVEL#2000#1010#0#0#' },
    ],
    ...extra,
  };
}

describe('manual skeleton', () => {
  it('has every section the certification asks for, in order, plus the errors', () => {
    const view = buildManualView({ pos: { name: 'P', version: '1', integration: 'express' }, lang: 'en' });
    expect(view.sections.map((s) => s.key)).toEqual([...MANUAL_SECTIONS]);
    expect(view.sections.map((s) => s.title)).toEqual([
      'Installing and configuring the connection to CashlogyConnector', 'Making a sale', 'Making a sale with change', 'Cancelling a payment',
      'Making a refund', 'Entering the backoffice', 'Refilling the change float', 'Withdrawing cash', 'Closing the day',
    ]);
    expect(view.errors.title).toBe('What the cashier sees on each error');
    expect(view.cover.find((c) => c.label === 'Company')?.value).toBe('(to be completed)');
  });

  it('fills a section with the plainest exchange of the run, not an item about a fault or a failure', () => {
    const result = loadFixture('sample');
    result.items = [
      item('LOW', ['sale', 'change', 'inventory'], 'fail'),
      item('JAM', ['sale', 'change', 'fault'], 'pass', { faults: ['note-jam'] }),
      item('CHG', ['sale', 'change'], 'skipped'),
      item('EXACT', ['sale'], 'pass'),
    ];
    const view = buildManualView({ pos: result.pos, lang: 'en', result });
    const section = (key: string) => view.sections.find((s) => s.key === key);
    expect(section('saleChange')?.exchangeHeading).toBe('Exchange your POS performed during the run (item CHG, skipped):');
    expect(section('saleChange')?.exchange.join('\n')).toContain('POS → Cashlogy  #C#CHG#1#990');
    expect(section('sale')?.exchangeHeading).toContain('item EXACT');
    expect(section('refill')?.note).toBe('Not exercised during this run.');
    expect(section('refund')?.note).toBe('Not part of this integration type (Express): remove this section or explain how the cashier does it.');
    expect(view.errors.entries[0]).toMatchObject({ title: 'JAM · title JAM', detail: 'Simulated problem: note-jam' });
  });

  it('uses the checklist\'s underTest codes to break ties', () => {
    const result = loadFixture('sample');
    result.items = [item('A', ['backoffice'], 'pass'), item('B', ['backoffice'], 'pass')];
    const checklist = { items: [{ id: 'B', underTest: ['G'] }] } as never;
    const view = buildManualView({ pos: result.pos, lang: 'en', result, checklist });
    expect(view.sections.find((s) => s.key === 'backoffice')?.exchangeHeading).toContain('item B');
  });

  it('without a run, shows labelled examples for the integration type', () => {
    const express = buildManualView({ pos: { name: 'P', version: '1', integration: 'express' }, lang: 'fr' });
    const complete = buildManualView({ pos: { name: 'P', version: '1', integration: 'complete' }, lang: 'fr' });
    expect(express.sections[1]?.exchangeHeading).toBe('Échange type (exemple tiré de la référence du protocole) :');
    expect(express.sections[1]?.exchange[0]).toBe('TPV → Cashlogy  #C#1#1#990#1#15360#0#0#0#1#0#0#');
    expect(complete.sections[1]?.exchange[0]).toBe('TPV → Cashlogy  #B#0#0#0#');
    expect(complete.sections[4]?.note).toBe('');
  });
});

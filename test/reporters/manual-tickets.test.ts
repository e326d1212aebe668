/**
 * The integration manual of a Cashlogy Tickets POS: the shared folder, the licence, a sale, a
 * refund and what the cashier sees on a `.NOK`, in fr/en/es (golden files), and, from a real
 * run, the files the POS really exchanged (name and content) in the sale section.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n.js';
import { buildManualView, renderManual, TICKETS_MANUAL_SECTIONS } from '../../src/reporters/manual.js';
import type { RunResult } from '../../src/runner/result.js';

const LANGS: Lang[] = ['fr', 'en', 'es'];
const POS = { name: 'Acme Tickets', version: '1.0.0', company: 'Acme Software SARL', email: 'integration@acme.example', integration: 'tickets' as const, features: ['refund'] };

async function golden(text: string, name: string): Promise<void> {
  const file = join(import.meta.dirname, 'golden', name);
  if (process.env['UPDATE_GOLDEN'] !== '1') expect(existsSync(file), `golden file ${name} is missing`).toBe(true);
  await expect(text).toMatchFileSnapshot(`golden/${name}`);
}

describe('the manual of a tickets POS', () => {
  for (const lang of LANGS) {
    it(`from the POS profile alone ${lang}`, async () => {
      await golden(renderManual({ pos: POS, lang, date: '2000-01-01T00:00:00.000Z' }), `manual-tickets-profile.${lang}.md`);
    });
  }

  it('has the tickets sections, names the CashlogyTickets folder setting, and the typical .NOK errors', () => {
    const view = buildManualView({ pos: POS, lang: 'en', date: '2000-01-01T00:00:00.000Z' });
    expect(view.sections.map((s) => s.key)).toEqual([...TICKETS_MANUAL_SECTIONS]);
    expect(view.sections[0]?.fields).toContain('Herramientas → Carpetas → Peticiones');
    expect(view.sections.find((s) => s.key === 'ticketsSale')?.exchange[0]).toMatch(/\.azk \{"type":"venta"/);
    expect(view.errors.entries.map((e) => e.title)).toContain('No answer from CashlogyTickets in time: is it running? Nothing is booked; check the machine before trying again');
    // Without the refund feature, the refund section says it is not part of the integration.
    const noRefund = buildManualView({ pos: { ...POS, features: [] }, lang: 'en' });
    expect(noRefund.sections.find((s) => s.key === 'ticketsRefund')?.note).toMatch(/Not part of this integration type/);
  });

  it('from a run, the sale section shows the files the POS exchanged', () => {
    const at = 0;
    const result = {
      pos: POS,
      items: [
        {
          id: 'TIX-01',
          title: 'Sale',
          level: 'required',
          verdict: 'pass',
          reason: '',
          tags: ['sale', 'change'],
          actions: [{ action: 'sale', amount: 990, startedAt: 0, durationMs: 1 }],
          faults: [],
          checks: [],
          transcript: [
            { at, conn: 0, dir: 'in', file: 'pos-1.azk', data: '{"type":"venta","ticket":"1","amount":990}' },
            { at, conn: 0, dir: 'event', kind: 'file', file: 'pos-1.OK', data: 'removed: pos-1.OK was removed from the folder (the POS consumed the answer)' },
            { at, conn: 0, dir: 'out', file: 'pos-1.OK', data: '{"ticket":"1","amount":990,"paid":2000,"change":1010}' },
          ],
        },
      ],
      checklist: { id: 'tickets-micro', version: '1.0.0' },
      seed: 1,
      finishedAt: '2000-01-01T00:00:00.000Z',
      verdict: 'pass',
    } as unknown as RunResult;
    const sale = buildManualView({ pos: POS, lang: 'en', result }).sections.find((s) => s.key === 'ticketsSale');
    expect(sale?.exchangeHeading).toContain('TIX-01');
    expect(sale?.exchange.some((l) => l.includes('pos-1.azk {"type":"venta"'))).toBe(true);
    expect(sale?.exchange.some((l) => l.includes('pos-1.OK {"ticket":"1"'))).toBe(true);
  });
});

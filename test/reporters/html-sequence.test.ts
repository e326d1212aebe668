/**
 * The HTML report's sequence view on a long transcript, and the check texts in the report's
 * language (the runner writes them in English; frames stay as they crossed the wire).
 */
import { describe, expect, it } from 'vitest';
import { localizeActual, localizeExpected } from '../../src/reporters/check-phrases.js';
import { renderHtml } from '../../src/reporters/html.js';
import { formattersFor } from '../../src/reporters/i18n.js';
import { TRANSCRIPT_EXCERPT_LINES } from '../../src/reporters/view.js';
import { evaluateNeverSends, evaluateOneCommandAtATime, evaluateOutcome, evaluateSends, type WireContext } from '../../src/runner/expect.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { loadFixture, stabilize } from './helpers.js';

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

describe('sequence view', () => {
  it('draws one arrow per frame of the excerpt and says how much of a long transcript it left out', () => {
    const result = stabilize(loadFixture('sample'));
    const item = result.items.find((i) => i.verdict === 'fail')!;
    const long: TranscriptEntry[] = [];
    for (let i = 0; i < 500; i++) {
      long.push(i % 5 === 4 ? { at: i, conn: 0, dir: 'event', kind: 'machine', data: `event ${i}` } : { at: i, conn: 1, dir: i % 2 ? 'out' : 'in', data: `#T#${i}#` });
    }
    item.transcript = long;
    const html = renderHtml({ result, lang: 'en' });
    const shown = long.slice(0, TRANSCRIPT_EXCERPT_LINES);
    const others = result.items.filter((i) => i !== item).flatMap((i) => i.transcript.slice(0, TRANSCRIPT_EXCERPT_LINES));
    const frames = (entries: TranscriptEntry[]) => entries.filter((e) => e.dir !== 'event').length;
    expect(count(html, 'class="seq-arrow ')).toBe(frames(shown) + frames(others));
    expect(html).toContain(`#T#${TRANSCRIPT_EXCERPT_LINES - 2}#`);
    expect(html).not.toContain(`#T#${TRANSCRIPT_EXCERPT_LINES + 1}#`);
    expect(html).toContain(`${long.length - TRANSCRIPT_EXCERPT_LINES} more lines in transcripts/`);
  });

  it('names the connection on each arrow only when the item used more than one', () => {
    const result = stabilize(loadFixture('sample'));
    const item = result.items.find((i) => i.verdict === 'pass')!;
    item.transcript = [
      { at: 1, conn: 1, dir: 'in', data: '#I#' },
      { at: 2, conn: 2, dir: 'in', data: '#T#' },
    ];
    const html = renderHtml({ result, lang: 'en' });
    expect(count(html, 'class="seq-conn"')).toBe(2);
    item.transcript = [{ at: 1, conn: 1, dir: 'in', data: '#I#' }];
    expect(count(renderHtml({ result, lang: 'en' }), 'class="seq-conn"')).toBe(0);
  });
});

describe('check texts in the report language', () => {
  const entries: TranscriptEntry[] = [
    { at: 10, conn: 1, dir: 'in', data: '#I#' },
    { at: 20, conn: 1, dir: 'out', data: '#0#2.01#' },
    { at: 30, conn: 1, dir: 'in', data: '#T#' },
  ];
  const ctx: WireContext = { captures: {}, entries, now: 10_000, final: true };
  const since = { index: 0, at: 0 };
  // Texts as the runner writes them, not copies that could drift from it.
  const texts = [
    evaluateSends({ type: 'sends', pattern: '#I#', withinMs: 5000 }, since, ctx),
    evaluateSends({ type: 'sends', pattern: '#Z#', withinMs: 5000 }, since, ctx),
    evaluateSends({ type: 'sends', pattern: '#T#', afterReply: '#0#...', count: { atLeast: 2 } }, since, ctx),
    evaluateNeverSends({ type: 'neverSends', pattern: '#C#...' }, since, ctx),
    evaluateNeverSends({ type: 'neverSends', pattern: '#T#' }, since, ctx),
    evaluateOneCommandAtATime(ctx),
    evaluateOutcome({ type: 'outcome', fields: { outcome: 'completed' } }, { label: 'sale', outcome: { outcome: 'completed', paid: 990 } }, { captures: {} }),
    evaluateOutcome({ type: 'outcome', fields: { outcome: 'completed' } }, { label: 'sale', error: 'timeout' }, { captures: {} }),
  ] as const;

  for (const lang of ['fr', 'es'] as const) {
    it(`translates the runner's sentences into ${lang} and keeps the frames as they are`, () => {
      const f = formattersFor(lang);
      for (const ev of texts) {
        for (const [english, local] of [
          [ev.expected, localizeExpected(ev.expected, f)],
          [ev.actual, localizeActual(ev.actual, f)],
        ] as const) {
          expect(local, english).not.toBe(english);
          expect(local, english).not.toMatch(/\bthe POS\b|\bconnector\b|\bwithin\b|\bmatching\b/);
          for (const frame of english.match(/#[^\s,;()]*#/g) ?? []) expect(local, english).toContain(frame);
        }
      }
    });
  }

  it('leaves English, and a text it does not know, as written', () => {
    const en = formattersFor('en');
    for (const ev of texts) expect(localizeExpected(ev.expected, en)).toBe(ev.expected);
    const fr = formattersFor('fr');
    expect(localizeExpected('the cashier sees the change on the customer display', fr)).toBe('the cashier sees the change on the customer display');
  });

  it('counts commands with the right plural', () => {
    const fr = formattersFor('fr');
    expect(localizeActual('1 command, each sent after the previous reply', fr)).toBe('1 commande, chacune envoyée après la réponse précédente');
    expect(localizeActual('3 commands, each sent after the previous reply', fr)).toBe('3 commandes, chacune envoyée après la réponse précédente');
  });
});

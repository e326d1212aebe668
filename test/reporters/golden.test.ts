import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderManual, renderManualHtml } from '../../src/reporters/manual.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { loadFixture, stabilize } from './helpers.js';
import { incompleteVariant } from './coverage-fixtures.js';

const LANGS: Lang[] = ['fr', 'en', 'es'];
const result = stabilize(loadFixture('sample'));
/** The sample narrowed by --only to its one passing item, of a 22-item checklist. */
const incomplete = incompleteVariant(result);

/**
 * toMatchFileSnapshot writes a missing file and passes: a deleted or misnamed golden would
 * then test nothing. A golden must exist unless UPDATE_GOLDEN=1 (creating new ones on purpose:
 * `UPDATE_GOLDEN=1 npx vitest run test/reporters/golden.test.ts -u`).
 */
async function golden(text: string, name: string): Promise<void> {
  const file = join(import.meta.dirname, 'golden', name);
  if (process.env['UPDATE_GOLDEN'] !== '1') expect(existsSync(file), `golden file ${name} is missing`).toBe(true);
  await expect(text).toMatchFileSnapshot(`golden/${name}`);
}

describe('golden reports (sample-result.json, timestamps and durations blanked)', () => {
  for (const lang of LANGS) {
    it(`markdown ${lang}`, async () => {
      await golden(renderMarkdown({ result, lang }), `checklist.${lang}.md`);
    });
    it(`html ${lang}`, async () => {
      await golden(renderHtml({ result, lang }), `checklist.${lang}.html`);
    });
    it(`junit ${lang}`, async () => {
      await golden(renderJunit({ result, lang }), `junit.${lang}.xml`);
    });
    it(`manual from the run ${lang}`, async () => {
      await golden(renderManual({ pos: result.pos, lang, result }), `manual-run.${lang}.md`);
    });
    it(`printable manual from the run ${lang}`, async () => {
      await golden(renderManualHtml({ pos: result.pos, lang, result }), `manual-run.${lang}.html`);
    });
    it(`manual from a POS profile alone ${lang}`, async () => {
      const pos = { name: 'Acme POS', version: '4.2.0', company: 'Acme Software SARL', email: 'integration@acme.example', integration: 'complete' as const, features: [] };
      await golden(renderManual({ pos, lang, date: '2000-01-01T00:00:00.000Z' }), `manual-profile.${lang}.md`);
    });
  }
});

describe('golden reports of an incomplete run (--only EXP-01 of 22 items)', () => {
  for (const lang of LANGS) {
    it(`markdown ${lang}`, async () => {
      await golden(renderMarkdown({ result: incomplete, lang }), `incomplete.${lang}.md`);
    });
    it(`html ${lang}`, async () => {
      await golden(renderHtml({ result: incomplete, lang }), `incomplete.${lang}.html`);
    });
    it(`manual ${lang}`, async () => {
      await golden(renderManual({ pos: incomplete.pos, lang, result: incomplete }), `incomplete-manual.${lang}.md`);
    });
  }
});

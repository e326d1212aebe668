import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/checklist/types.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderManual, renderManualHtml } from '../../src/reporters/manual.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { loadFixture, stabilize } from './helpers.js';

const LANGS: Lang[] = ['fr', 'en', 'es'];
const result = stabilize(loadFixture('sample'));

describe('golden reports (sample-result.json, timestamps and durations blanked)', () => {
  for (const lang of LANGS) {
    it(`markdown ${lang}`, async () => {
      await expect(renderMarkdown({ result, lang })).toMatchFileSnapshot(`golden/checklist.${lang}.md`);
    });
    it(`html ${lang}`, async () => {
      await expect(renderHtml({ result, lang })).toMatchFileSnapshot(`golden/checklist.${lang}.html`);
    });
    it(`junit ${lang}`, async () => {
      await expect(renderJunit({ result, lang })).toMatchFileSnapshot(`golden/junit.${lang}.xml`);
    });
    it(`manual from the run ${lang}`, async () => {
      await expect(renderManual({ pos: result.pos, lang, result })).toMatchFileSnapshot(`golden/manual-run.${lang}.md`);
    });
    it(`printable manual from the run ${lang}`, async () => {
      await expect(renderManualHtml({ pos: result.pos, lang, result })).toMatchFileSnapshot(`golden/manual-run.${lang}.html`);
    });
    it(`manual from a POS profile alone ${lang}`, async () => {
      const pos = { name: 'Acme POS', version: '4.2.0', company: 'Acme Software SARL', email: 'integration@acme.example', integration: 'complete' as const, features: [] };
      await expect(renderManual({ pos, lang, date: '2000-01-01T00:00:00.000Z' })).toMatchFileSnapshot(`golden/manual-profile.${lang}.md`);
    });
  }
});

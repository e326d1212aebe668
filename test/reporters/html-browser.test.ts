import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reporters/html.js';
import { launchTestBrowser } from '../helpers/browser.js';
import type { ItemResult } from '../../src/runner/result.js';
import { loadFixture, tempDir } from './helpers.js';

/** The order the report promises: failed required, errors, other non-pass, passes; checklist order within. */
function attentionRank(item: ItemResult): number {
  if (item.verdict === 'fail' && item.level === 'required') return 0;
  if (item.verdict === 'error') return 1;
  return item.verdict === 'pass' ? 3 : 2;
}
function failuresFirst(items: readonly ItemResult[]): string[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => attentionRank(a.item) - attentionRank(b.item) || a.index - b.index)
    .map(({ item }) => item.id);
}

// The one browser global the page-side checks use: the tests compile without the DOM library.
declare const getComputedStyle: (element: unknown, pseudo?: string) => Record<string, string>;

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    // The first run on a machine may extract the npm-shipped Chromium (~200 MB) first.
    browser = await launchTestBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: 'sample' | 'hostile', viewport?: { width: number; height: number }) {
    const result = loadFixture(name);
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml({ result, lang: 'en' }));
    const page = await browser.newPage(viewport ? { viewport } : {});
    const requests: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    return { page, result, requests, dialogs, errors };
  }

  it('lists every item and filters failed/errored ones', async () => {
    const { page, result, requests, errors } = await open('sample');
    const ids = await page.locator('tbody.item td.id').allTextContents();
    expect(ids).toEqual(failuresFirst(result.items));
    expect(ids.slice(0, 2)).toEqual(['EXP-03', 'EXP-05']); // the failed required item, then the error
    expect(ids.slice(-4)).toEqual(result.items.filter((i) => i.verdict === 'pass').map((i) => i.id));
    await expect.poll(() => page.locator('tbody.item:visible').count()).toBe(9);

    await page.locator('#failed-only').check();
    const visible = await page.locator('tbody.item:visible td.id').allTextContents();
    expect(visible).toEqual(['EXP-03', 'EXP-05']);
    expect(await page.locator('#filter-empty').isVisible()).toBe(false);

    await page.locator('#failed-only').uncheck();
    expect(await page.locator('tbody.item:visible').count()).toBe(9);
    expect(await page.locator('#overall').textContent()).toContain('FAILED');
    expect(requests).toEqual([]); // self-contained: no network at all
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('failed evidence is open, passing evidence expands on click', async () => {
    const { page } = await open('sample');
    const failing = page.locator('tbody.item[data-id="EXP-03"] details');
    expect(await failing.getAttribute('open')).not.toBeNull();
    await expect.poll(() => page.locator('tbody.item[data-id="EXP-03"] .seq').isVisible()).toBe(true);
    const passing = page.locator('tbody.item[data-id="EXP-02"]');
    expect(await passing.locator('.seq').isVisible()).toBe(false);
    await passing.locator('summary').click();
    expect(await passing.locator('.seq').isVisible()).toBe(true);
    expect(await passing.locator('.seq').textContent()).toContain('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await passing.locator('.view-toggle button[data-show="text"]').click();
    expect(await passing.locator('table.transcript').isVisible()).toBe(true);
    expect(await passing.locator('table.transcript').textContent()).toContain('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await page.close();
  }, 60_000);

  it('searches items by id, title, reason and transcript text', async () => {
    const { page, result, errors } = await open('sample');
    const visibleIds = () => page.locator('tbody.item:visible td.id').allTextContents();
    const search = page.locator('#search');
    const order = failuresFirst(result.items);
    const inOrder = (ids: string[]) => order.filter((id) => ids.includes(id));

    // A frame that only one item's transcript holds.
    const frame = '#C#3#1#360#1#15360#0#0#0#1#0#0#';
    const withFrame = result.items.filter((i) => i.transcript.some((e) => e.data === frame)).map((i) => i.id);
    expect(withFrame).toHaveLength(1);
    await search.fill(frame.toLowerCase());
    expect(await visibleIds()).toEqual(withFrame);

    await search.fill('exp-05');
    expect(await visibleIds()).toEqual(['EXP-05']);

    const title = result.items.find((i) => i.id === 'EXP-08')!.title;
    await search.fill(title.toUpperCase());
    expect(await visibleIds()).toEqual(inOrder(result.items.filter((i) => i.title === title).map((i) => i.id)));

    const reason = result.items.find((i) => i.id === 'EXP-03')!.reason!;
    await search.fill(reason.split(' ').slice(2, 6).join(' '));
    expect(await visibleIds()).toContain('EXP-03');

    await search.fill('no-such-thing-anywhere');
    expect(await visibleIds()).toEqual([]);
    expect(await page.locator('#filter-empty').isVisible()).toBe(true);
    expect(await page.locator('#filter-count').textContent()).toBe(`Shown: 0 of ${result.items.length}`);

    await page.locator('#filter-clear').click();
    expect(await search.inputValue()).toBe('');
    expect(await visibleIds()).toEqual(order);
    expect(await page.locator('#filter-empty').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('filters by verdict, level and tag, alone and together', async () => {
    const { page, result } = await open('sample');
    const visibleIds = () => page.locator('tbody.item:visible td.id').allTextContents();
    const order = failuresFirst(result.items);
    const expected = (keep: (i: ItemResult) => boolean) => order.filter((id) => keep(result.items.find((i) => i.id === id)!));

    for (const verdict of new Set(result.items.map((i) => i.verdict))) {
      await page.selectOption('#filter-verdict', verdict);
      expect(await visibleIds(), verdict).toEqual(expected((i) => i.verdict === verdict));
    }
    await page.selectOption('#filter-verdict', '');
    for (const level of new Set(result.items.map((i) => i.level))) {
      await page.selectOption('#filter-level', level);
      expect(await visibleIds(), level).toEqual(expected((i) => i.level === level));
    }
    await page.selectOption('#filter-level', '');
    const tags = new Set(result.items.flatMap((i) => i.tags));
    expect(await page.locator('#filter-tag option').count()).toBe(tags.size + 1);
    for (const tag of tags) {
      await page.selectOption('#filter-tag', tag);
      expect(await visibleIds(), tag).toEqual(expected((i) => i.tags.includes(tag)));
    }

    // Together: every filter must hold.
    await page.selectOption('#filter-tag', 'sale');
    await page.selectOption('#filter-verdict', 'pass');
    await page.selectOption('#filter-level', 'required');
    const both = expected((i) => i.tags.includes('sale') && i.verdict === 'pass' && i.level === 'required');
    expect(both.length).toBeGreaterThan(0);
    expect(await visibleIds()).toEqual(both);
    expect(await page.locator('#filter-count').textContent()).toBe(`Shown: ${both.length} of ${result.items.length}`);
    await page.locator('#filter-clear').click();
    expect(await visibleIds()).toEqual(order);
    await page.close();
  }, 60_000);

  it('draws each transcript as a sequence of arrows between the POS and the connector, under a sticky summary', async () => {
    const { page, result, errors } = await open('sample', { width: 1280, height: 900 });
    const item = result.items.find((i) => i.id === 'EXP-03')!;
    const block = page.locator('tbody.item[data-id="EXP-03"]');
    const seq = block.locator('.seq');
    expect(await seq.isVisible()).toBe(true);
    expect(await block.locator('table.transcript').isVisible()).toBe(false);

    const ins = item.transcript.filter((e) => e.dir === 'in').length;
    const outs = item.transcript.filter((e) => e.dir === 'out').length;
    const events = item.transcript.filter((e) => e.dir === 'event').length;
    expect(ins).toBeGreaterThan(0);
    expect(outs).toBeGreaterThan(0);
    expect(await seq.locator('.seq-arrow').count()).toBe(ins + outs);
    expect(await seq.locator('.seq-arrow-in').count()).toBe(ins);
    expect(await seq.locator('.seq-arrow-out').count()).toBe(outs);
    expect(await seq.locator('.seq-note').count()).toBe(events);
    const arrows = await seq.locator('.seq-arrow code').allTextContents();
    expect(arrows).toEqual(item.transcript.filter((e) => e.dir !== 'event').map((e) => e.data));

    // The arrows run between the two lifelines: a command points to the connector, a reply back.
    expect(await seq.locator('.seq-head .seq-lane').allTextContents()).toEqual(['POS', 'CashlogyConnector']);
    const heads = await seq.locator('.seq-arrow').evaluateAll((els) =>
      els.map((e) => {
        const after = getComputedStyle(e, '::after');
        return { dir: e.classList.contains('seq-arrow-in') ? 'in' : 'out', width: e.getBoundingClientRect().width, left: after['borderLeftWidth'], right: after['borderRightWidth'] };
      }),
    );
    expect(heads).toHaveLength(ins + outs);
    for (const h of heads) {
      expect(h.width).toBeGreaterThan(200); // from one lifeline to the other
      // The head points the way the frame went: right for a command, left for a reply.
      if (h.dir === 'in') expect([h.left, h.right]).toEqual(['10px', '0px']);
      else expect([h.left, h.right]).toEqual(['0px', '10px']);
    }

    // The summary bar stays at the top of the window while the items scroll under it.
    await page.locator('footer').scrollIntoViewIfNeeded();
    const bar = await page.locator('#summary-bar').evaluate((b) => b.getBoundingClientRect().top);
    expect(bar).toBe(0);
    expect(await page.locator('#bar-verdict').isVisible()).toBe(true);
    expect(await page.locator('#bar-verdict').textContent()).toContain('FAILED');

    await block.scrollIntoViewIfNeeded();
    await seq.scrollIntoViewIfNeeded();
    const shot = join(dir, 'sequence.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    if (process.env['CASHLOGY_KEEP_SCREENSHOTS'] === '1') writeFileSync(join(process.env['TMPDIR'] ?? '/tmp', 'cashlogy-report-sequence.png'), await page.screenshot());
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('prints every item with its evidence open and without the controls', async () => {
    const { page } = await open('sample');
    await page.locator('#failed-only').check();
    await page.emulateMedia({ media: 'print' });
    await page.evaluate('window.dispatchEvent(new Event("beforeprint"))');
    expect(await page.locator('tbody.item:visible').count()).toBe(9);
    expect(await page.locator('details:not([open])').count()).toBe(0);
    expect(await page.locator('.controls').isVisible()).toBe(false);
    expect((await page.pdf()).subarray(0, 4).toString()).toBe('%PDF');
    await page.close();
  }, 60_000);

  it('shows a hostile POS name literally and runs no injected script', async () => {
    const { page, result, dialogs, errors } = await open('hostile');
    expect(await page.locator('#pos-name').textContent()).toBe(result.pos.name);
    expect(await page.locator('tbody.item').count()).toBe(result.items.length);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reporters/html.js';
import { launchTestBrowser } from '../helpers/browser.js';
import { loadFixture, tempDir } from './helpers.js';

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

  async function open(name: 'sample' | 'hostile') {
    const result = loadFixture(name);
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml({ result, lang: 'en' }));
    const page = await browser.newPage();
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
    expect(ids).toEqual(result.items.map((i) => i.id));
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
    await expect.poll(() => page.locator('tbody.item[data-id="EXP-03"] table.transcript').isVisible()).toBe(true);
    const passing = page.locator('tbody.item[data-id="EXP-02"]');
    expect(await passing.locator('table.transcript').isVisible()).toBe(false);
    await passing.locator('summary').click();
    expect(await passing.locator('table.transcript').isVisible()).toBe(true);
    expect(await passing.locator('table.transcript').textContent()).toContain('#C#1#1#990#1#15360#0#0#0#1#0#0#');
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

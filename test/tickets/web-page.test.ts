/**
 * The web page in headless Chromium with the CashlogyTickets look-alike: a request held unread
 * (tickets-down) shows as pending in the folder panel, the answer shows once it is written, and the
 * traffic log names the files of the exchange.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { launchTestBrowser } from '../helpers/browser.js';
import { removeFolder, tempFolder } from './helpers.js';

let browser: Browser;
let sim: FullSimulatorHandle;
let plain: FullSimulatorHandle;
const dir = tempFolder();

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01, ticketsDir: dir });
  plain = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  browser = await launchTestBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await plain?.close();
  removeFolder(dir);
});

describe('web page with a tickets folder', () => {
  it('shows a pending .azk request, then its answer, and names the files in the traffic log', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`http://127.0.0.1:${sim.controlPort}/`);
    const downId = sim.armFault({ type: 'tickets-down' });
    writeFileSync(join(dir, 'w.tmp'), JSON.stringify({ type: 'abono', ticket: 'WEB-1', amount: 70 }));
    renameSync(join(dir, 'w.tmp'), join(dir, 'web-1.azk'));

    const pending = page.locator('#tickets-pending li[data-file="web-1.azk"]');
    await pending.waitFor({ timeout: 15_000 });
    await expect(pending.textContent()).resolves.toContain('not read yet');
    // A request written while CashlogyTickets is down piles up, and shows too.
    writeFileSync(join(dir, 'w.tmp'), JSON.stringify({ type: 'abono', ticket: 'WEB-2', amount: 30 }));
    renameSync(join(dir, 'w.tmp'), join(dir, 'web-2.azk'));
    await page.locator('#tickets-pending li[data-file="web-2.azk"]').waitFor({ timeout: 15_000 });
    await expect(page.locator('#tickets-dir').textContent()).resolves.toContain(dir);
    await expect(page.locator('#tickets-state').textContent()).resolves.toMatch(/not running/);

    sim.disarmFault(downId);
    const answer = page.locator('#tickets-answers li[data-file="web-1.OK"]');
    await answer.waitFor({ timeout: 15_000 });
    await expect(answer.textContent()).resolves.toContain('"dispensed":70');
    await page.locator('#tickets-answers li[data-file="web-2.OK"]').waitFor({ timeout: 15_000 });
    await vi.waitFor(async () => expect(await page.locator('#tickets-pending li[data-file]').count()).toBe(0), { timeout: 15_000, interval: 50 });
    await page.locator('#log div', { hasText: '[web-1.OK]' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('#log').textContent()).resolves.toContain('POS → [web-1.azk] {"type":"abono"');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps the panel hidden when the simulator runs without a tickets folder', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${plain.controlPort}/`);
    await page.locator('#inventory tr').first().waitFor();
    // Give the first refresh (state, then tickets) time to land before judging the panel.
    await page.waitForResponse((r) => r.url().endsWith('/tickets'), { timeout: 15_000 });
    await expect(page.locator('#tickets').isHidden()).resolves.toBe(true);
    await page.close();
  });
});

/**
 * The web page in headless Chromium: a test POS starts a charge over TCP, a "customer" clicks
 * the 20 € note on the page, and the charge's reply arrives on the wire.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { launchTestBrowser } from '../helpers/browser.js';
import { TestClient } from './helpers.js';

let browser: Browser;
let sim: FullSimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  // The first run on a machine may extract the npm-shipped Chromium (~200 MB) first.
  browser = await launchTestBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

describe('web page', () => {
  it('inserts a note clicked on the page into a charge started over TCP', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    await page.goto(`http://127.0.0.1:${sim.controlPort}/`);
    const note = page.locator('#money button[data-denomination="2000"]');
    await note.waitFor();
    await expect(note.isDisabled()).resolves.toBe(true);

    const pos = await TestClient.open(sim.port);
    try {
      await pos.exchange('#I#', '#0#2.01#');
      pos.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
      // The page learns about the charge from the live event stream and enables the buttons.
      await vi.waitFor(async () => expect(await note.isEnabled()).toBe(true), { timeout: 15_000, interval: 50 });
      await expect(page.locator('#operation [data-field="amount"]').textContent()).resolves.toMatch(/9[.,]90/);
      await note.click();
      await pos.expect('#WR:LEVEL#2000#1010#0#0#');
      // The traffic log shows the command and the reply, as text.
      await page.locator('#log div', { hasText: '#WR:LEVEL#2000#1010#0#0#' }).waitFor({ timeout: 15_000 });
      const log = await page.locator('#log').textContent();
      expect(log).toContain('POS → #C#1#1#990#1#15360#0#0#0#1#0#0#');
      const rows = await page.locator('#inventory tr').count();
      expect(rows).toBe(sim.getProfile().coins.length + sim.getProfile().notes.length);
    } finally {
      pos.destroy();
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('arms a fault from the fault panel and lists it', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${sim.controlPort}/`);
    await page.locator('#fault-type option[value="latency"]').waitFor({ state: 'attached' });
    await page.selectOption('#fault-type', 'latency');
    await page.fill('#fault-options input[name="ms"]', '250');
    await page.fill('#fault-trigger input[name="command"]', 'T');
    await page.click('#fault-form button[type="submit"]');
    await page.locator('#faults li[data-fault]').first().waitFor({ timeout: 15_000 });
    const faults = sim.listFaults();
    expect(faults).toHaveLength(1);
    expect(faults[0]!.spec).toMatchObject({ type: 'latency', ms: 250, on: { command: 'T' } });
    await page.locator('#faults li[data-fault] button').click();
    await page.locator('#faults li.idle').waitFor({ timeout: 15_000 });
    expect(sim.listFaults()).toEqual([]);
    await page.close();
  });
});

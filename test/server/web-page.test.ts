/**
 * The web page in headless Chromium: a test POS starts a charge over TCP, a "customer" clicks
 * the 20 € note on the page, and the charge's reply arrives on the wire. The page says whether
 * a POS is connected, names the operation's fields in words, greys out what cannot be pressed
 * and wraps a long frame only between its fields.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { launchTestBrowser } from '../helpers/browser.js';
import { TestClient } from './helpers.js';

// The few browser globals the page-side checks use: the tests compile without the DOM library.
declare const getComputedStyle: (element: unknown, pseudo?: string) => Record<string, string>;
declare const document: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): Iterable<{ top: number }> } };

let browser: Browser;
let sim: FullSimulatorHandle;
const shots = mkdtempSync(join(tmpdir(), 'cashlogy-web-'));

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  // The first run on a machine may extract the npm-shipped Chromium (~200 MB) first.
  browser = await launchTestBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  // CASHLOGY_KEEP_SCREENSHOTS=1 keeps them to look at.
  if (process.env['CASHLOGY_KEEP_SCREENSHOTS'] !== '1') rmSync(shots, { recursive: true, force: true });
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

  it('says whether a POS is connected, names fields in words, greys out disabled buttons, clears a closed operation', async () => {
    await sim.reset();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`http://127.0.0.1:${sim.controlPort}/`);
    const indicator = page.locator('#pos-state');
    const waitConnected = (value: 'true' | 'false') =>
      vi.waitFor(async () => expect(await indicator.getAttribute('data-connected')).toBe(value), { timeout: 15_000, interval: 50 });

    // The page reaches the simulator, but no POS is connected: it must not say "connected".
    await page.locator('#inventory tr').first().waitFor();
    await waitConnected('false');
    expect(await indicator.textContent()).toBe('No POS connected');

    const note = page.locator('#money button[data-denomination="2000"]');
    const look = (selector: string) =>
      page.locator(selector).evaluate((b) => {
        const style = getComputedStyle(b);
        return { cursor: style['cursor'], background: style['backgroundColor'], color: style['color'], disabled: (b as unknown as { disabled: boolean }).disabled };
      });
    const disabledNote = await look('#money button[data-denomination="2000"]');
    const disabledAccept = await look('#accept');
    expect(disabledNote.disabled).toBe(true);
    expect(disabledAccept).toMatchObject({ disabled: true, cursor: 'not-allowed' });
    expect(disabledNote.cursor).toBe('not-allowed');

    const pos = await TestClient.open(sim.port);
    try {
      await waitConnected('true');
      expect(await indicator.textContent()).toBe('POS connected');
      await pos.exchange('#I#', '#0#2.01#');
      pos.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
      await vi.waitFor(async () => expect(await note.isEnabled()).toBe(true), { timeout: 15_000, interval: 50 });

      // Live buttons look live: their colour and cursor change with the disabled state.
      const liveNote = await look('#money button[data-denomination="2000"]');
      const liveAccept = await look('#accept');
      expect(liveNote.cursor).toBe('pointer');
      expect(liveNote.background).not.toBe(disabledNote.background);
      expect(liveAccept.background).not.toBe(disabledAccept.background);
      expect(liveAccept.color).not.toBe(disabledAccept.color);

      // Fields in words: "Accept button: hidden", not "acceptButton false".
      const field = (name: string) => page.locator(`#operation dd[data-field="${name}"]`);
      await expect(field('acceptButton').textContent()).resolves.toBe('hidden');
      await expect(page.locator('#operation dt').allTextContents()).resolves.toEqual(expect.arrayContaining(['Accept button', 'Partial payment', 'Amount due', 'Waiting for']));
      await expect(field('partialCharge').textContent()).resolves.toBe('not allowed');
      await expect(field('waitingFor').textContent()).resolves.toBe('the customer');
      const labels = (await page.locator('#operation').innerText()).toLowerCase();
      for (const raw of ['acceptbutton', 'partialcharge', 'waitingfor', 'true', 'false']) expect(labels).not.toContain(raw);

      // The traffic log: one line per entry, a frame wraps only between its fields.
      const frameLine = page.locator('#log .line', { hasText: '#C#1#1#990#1#15360#0#0#0#1#0#0#' });
      await frameLine.waitFor({ timeout: 15_000 });
      await page.locator('#log').evaluate((log) => {
        log.style.width = '230px';
      });
      // The lines each text piece (one field of the frame) is laid out on.
      const wrap = await frameLine.locator('.data').evaluate((data) => {
        const TEXT_NODE = 3;
        const pieces = [...data.childNodes].filter((n) => n.nodeType === TEXT_NODE);
        const tops = (n: unknown) => {
          const range = document.createRange();
          range.selectNodeContents(n);
          return [...range.getClientRects()].map((r) => Math.round(r.top));
        };
        return {
          wordBreak: getComputedStyle(data)['wordBreak'],
          pieces: pieces.map((n) => n.textContent),
          linesPerPiece: pieces.map((n) => new Set(tops(n)).size),
          lines: new Set(pieces.flatMap(tops)).size,
        };
      });
      expect(wrap.wordBreak).toBe('normal');
      expect(wrap.pieces.join('')).toBe('#C#1#1#990#1#15360#0#0#0#1#0#0#');
      expect(wrap.lines).toBeGreaterThan(1); // the narrow log did wrap the frame…
      expect(wrap.linesPerPiece.every((n) => n === 1)).toBe(true); // …but never inside a field
      expect(await page.locator('#log .line').count()).toBe(await page.locator('#log > *').count());
      await page.locator('#log').evaluate((log) => {
        log.style.width = '';
      });

      await page.screenshot({ path: join(shots, 'charge-open.png'), fullPage: true });
      expect(statSync(join(shots, 'charge-open.png')).size).toBeGreaterThan(10_000);

      // The charge ends: its amounts leave the screen with it.
      await note.click();
      await pos.expect('#WR:LEVEL#2000#1010#0#0#');
      await vi.waitFor(async () => expect(await page.locator('#operation dd').count()).toBe(0), { timeout: 15_000, interval: 50 });
      expect(await page.locator('#operation').textContent()).toContain('No operation open');
      await vi.waitFor(async () => expect(await note.isDisabled()).toBe(true), { timeout: 15_000, interval: 50 });
    } finally {
      pos.destroy();
    }
    await waitConnected('false');
    expect(await indicator.textContent()).toBe('No POS connected');
    await page.screenshot({ path: join(shots, 'closed.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

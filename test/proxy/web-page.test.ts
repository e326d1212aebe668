/**
 * The proxy's web page in headless Chromium, with a simulator standing in for the real
 * connector: a POS's `#I#` and its reply show in the traffic log and its connection in the
 * connections table, a transport fault armed through the control API is listed (and its disarm
 * button disarms it), and the page never shows nor asks for an inventory: the cash is the real
 * machine's.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startProxy, type ProxyHandle } from '../../src/proxy/proxy.js';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { launchTestBrowser } from '../helpers/browser.js';
import { eventually, TestClient } from '../server/helpers.js';

const WAIT = { timeout: 15_000, interval: 50 } as const;

let browser: Browser;
let sim: FullSimulatorHandle;
let proxy: ProxyHandle;
let base: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01 });
  proxy = await startProxy({ upstream: { host: sim.host, port: sim.port }, port: 0, controlPort: 0 });
  base = `http://127.0.0.1:${proxy.controlPort}`;
  // The first run on a machine may extract the npm-shipped Chromium first.
  browser = await launchTestBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await sim?.close();
});

/** A page that records its script errors and every path it asks the control server for. */
async function openPage(): Promise<{ page: Page; problems: string[]; paths: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const paths: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('request', (req) => paths.push(new URL(req.url()).pathname));
  await page.goto(`${base}/`);
  return { page, problems, paths };
}

describe('proxy web page', () => {
  it('shows a POS frame relayed to the connector, its reply and the connection', async () => {
    const { page, problems, paths } = await openPage();
    // The header names the upstream once the first refresh has landed.
    await vi.waitFor(async () => expect(await page.locator('#upstream').textContent()).toBe(`127.0.0.1:${sim.port}`), WAIT);

    const pos = await TestClient.open(proxy.port);
    try {
      pos.send('#I#');
      // The reply as the proxy recorded it from the connector; the POS must have got the same bytes.
      const reply = await eventually(() => proxy.getTranscript().find((e) => e.dir === 'out' && e.conn === 1)?.data, 'the reply to #I#');
      await pos.expect(reply);

      await page.locator('#log div', { hasText: 'POS → #I#' }).waitFor(WAIT);
      const replyLine = page.locator('#log div', { hasText: `POS ← ${reply}` });
      await replyLine.waitFor(WAIT);
      await expect(replyLine.first().textContent()).resolves.toContain('#1 ');
      await expect(replyLine.first().getAttribute('class')).resolves.toBe('out');

      const row = page.locator('#conns tr', { hasText: `127.0.0.1:${pos.socket.localPort}` });
      // A refresh made between the command and its reply shows it waiting; the next one must not.
      await vi.waitFor(async () => expect(await row.locator('td').allTextContents()).toEqual(['1', `127.0.0.1:${pos.socket.localPort}`, 'open', '']), WAIT);
      await expect(page.locator('#conns tr').count()).resolves.toBe(1);

      // The POS leaves: its row goes, and the log says the connection closed.
      pos.close();
      await pos.waitClosed();
      await page.locator('#log div', { hasText: 'connection 1 closed' }).waitFor(WAIT);
      await vi.waitFor(async () => expect(await page.locator('#conns tr').count()).toBe(0), WAIT);
    } finally {
      pos.destroy();
    }
    expect(paths).not.toContain('/inventory');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists a transport fault armed through the control API, and disarms it from its button', async () => {
    const { page, problems } = await openPage();
    await vi.waitFor(async () => expect(await page.locator('#upstream').textContent()).toBe(`127.0.0.1:${sim.port}`), WAIT);
    await expect(page.locator('#faults tr').count()).resolves.toBe(0);

    const res = await fetch(`${base}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'disconnect', on: { command: 'C', nth: 2 } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const listed = (await (await fetch(`${base}/faults`)).json()) as { id: string; description: string }[];
    const description = listed.find((f) => f.id === id)?.description;
    expect(description).toBeTruthy();

    const row = page.locator('#faults tr', { has: page.locator(`button[data-id="${id}"]`) });
    await row.waitFor(WAIT);
    await expect(row.locator('td').allTextContents()).resolves.toEqual([id, description, 'disarm']);
    // The arming shows in the traffic log too, as a control event.
    await page.locator('#log div', { hasText: `armed fault ${id}` }).waitFor(WAIT);

    await row.locator('button').click();
    await vi.waitFor(async () => expect(await page.locator('#faults tr').count()).toBe(0), WAIT);
    expect(proxy.listFaults()).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows no inventory and never asks the control server for one', async () => {
    const { page, problems, paths } = await openPage();
    await vi.waitFor(async () => expect(await page.locator('#upstream').textContent()).toBe(`127.0.0.1:${sim.port}`), WAIT);
    // The first refresh asks for the faults after the state: wait for it so the page is complete.
    await vi.waitFor(() => expect(paths).toContain('/faults'), WAIT);
    await expect(page.locator('#inventory, [data-denomination], #money').count()).resolves.toBe(0);
    const headings = await page.locator('h2').allTextContents();
    expect(headings).toEqual(['Connections', 'Armed faults', 'Traffic']);
    const text = (await page.locator('body').innerText()).toLowerCase();
    expect(text).not.toMatch(/inventory|denomination|float/);
    expect(paths.filter((p) => ['/inventory', '/profile', '/customer', '/operator'].includes(p))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

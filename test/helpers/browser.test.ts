/**
 * The browser lookup order of test/helpers/browser.ts, on fake executables in a temp dir, plus
 * one real launch of the npm-shipped Chromium with any system browser ruled out.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowserUnavailableError, findOnPath, launchTestBrowser, locateBrowser, NPM_CHROMIUM } from './browser.js';

const dir = mkdtempSync(join(tmpdir(), 'cashlogy-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeExecutable(sub: string, name: string, mode = 0o755): string {
  const folder = join(dir, sub);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  writeFileSync(file, '#!/bin/sh\nexit 1\n');
  chmodSync(file, mode);
  return file;
}

describe('findOnPath', () => {
  it('prefers chromium over chromium-browser over google-chrome, whatever the PATH order', () => {
    const chrome = fakeExecutable('a', 'google-chrome');
    const browser = fakeExecutable('b', 'chromium-browser');
    expect(findOnPath([join(dir, 'a'), join(dir, 'b')].join(delimiter))).toBe(browser);
    const plain = fakeExecutable('c', 'chromium');
    expect(findOnPath([join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(delimiter))).toBe(plain);
    expect(findOnPath(join(dir, 'a'))).toBe(chrome);
  });

  it('ignores files that are not executable, directories, and an empty PATH', () => {
    fakeExecutable('noexec', 'chromium', 0o644);
    mkdirSync(join(dir, 'isdir', 'chromium'), { recursive: true });
    expect(findOnPath([join(dir, 'noexec'), join(dir, 'isdir')].join(delimiter))).toBeUndefined();
    expect(findOnPath('')).toBeUndefined();
    expect(findOnPath(undefined)).toBeUndefined();
  });
});

describe('locateBrowser', () => {
  it('takes CHROMIUM_PATH first, even when a system browser is on PATH', async () => {
    const explicit = fakeExecutable('explicit', 'my-chrome');
    fakeExecutable('sys', 'chromium');
    const choice = await locateBrowser({ env: { CHROMIUM_PATH: explicit, PATH: join(dir, 'sys') } });
    expect(choice).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: explicit });
    expect(choice.args).toContain('--no-sandbox');
  });

  it('fails on a CHROMIUM_PATH that is not an executable file, naming it', async () => {
    const missing = join(dir, 'nowhere', 'chrome');
    await expect(locateBrowser({ env: { CHROMIUM_PATH: missing } })).rejects.toThrow(`CHROMIUM_PATH=${missing} is not an executable file`);
    const plain = fakeExecutable('plain', 'chrome', 0o644);
    await expect(locateBrowser({ env: { CHROMIUM_PATH: plain } })).rejects.toBeInstanceOf(BrowserUnavailableError);
  });

  it('uses a system browser from PATH unless CASHLOGY_TEST_NO_SYSTEM_BROWSER=1', async () => {
    const sys = fakeExecutable('sys2', 'chromium-browser');
    expect(await locateBrowser({ env: { PATH: join(dir, 'sys2') } })).toMatchObject({ source: 'PATH', executablePath: sys });
    const npm = await locateBrowser({ env: { PATH: join(dir, 'sys2'), CASHLOGY_TEST_NO_SYSTEM_BROWSER: '1' } });
    expect(npm.source).toBe('npm');
    expect(npm.executablePath).not.toBe(sys);
  }, 120_000);

  it('fails with how to provide a browser when there is none at all', async () => {
    const attempt = locateBrowser({ env: { PATH: join(dir, 'empty') }, npmPackage: '@cashlogy-cert/no-such-chromium' });
    await expect(attempt).rejects.toBeInstanceOf(BrowserUnavailableError);
    await expect(attempt).rejects.toThrow(/npm ci.*CHROMIUM_PATH/);
  });
});

describe(`the Chromium shipped in ${NPM_CHROMIUM}`, () => {
  it('launches and renders a page with no system browser in reach', async () => {
    const choice = await locateBrowser({ env: { PATH: '', CASHLOGY_TEST_NO_SYSTEM_BROWSER: '1' } });
    expect(choice.source).toBe('npm');
    const browser = await launchTestBrowser({ env: { PATH: '', CASHLOGY_TEST_NO_SYSTEM_BROWSER: '1' } });
    try {
      // Two pages one after the other, as the browser tests do: the package's own flags include
      // --single-process, under which closing the first page takes the whole browser down.
      for (const text of ['20 €', '50 €']) {
        const page = await browser.newPage();
        await page.setContent(`<p id="x">${text}</p><script>document.getElementById("x").dataset.ran = "yes"</script>`);
        expect(await page.locator('#x').getAttribute('data-ran')).toBe('yes');
        expect(await page.locator('#x').textContent()).toBe(text);
        await page.close();
      }
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

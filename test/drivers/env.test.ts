/**
 * What a POS process sees of the runner's environment (docs/runner.md, Drivers): everything by
 * default, and with `driver.inheritEnv: false` only a minimal set, so CI secrets stay with the runner.
 */
import { describe, expect, it } from 'vitest';
import { CommandDriver } from '../../src/drivers/command.js';
import { parsePosProfile } from '../../src/pos/profile.js';
import type { CommandDriverConfig } from '../../src/pos/types.js';
import { context, driverPool, signal, TARGET } from './helpers.js';

const printEnv = [process.execPath, '-e', 'console.log(JSON.stringify({ outcome: "completed", env: process.env }))'];
const runner = { ...process.env, CI_DEPLOY_TOKEN: 'secret-token', LC_ALL: 'C.UTF-8', LANG: 'fr_FR.UTF-8' };

const { track } = driverPool((c: CommandDriverConfig, ctx) => new CommandDriver(c, ctx));

async function envOf(config: Omit<CommandDriverConfig, 'type' | 'actions'>): Promise<Record<string, string>> {
  const driver = track(new CommandDriver({ type: 'command', actions: { sale: printEnv }, ...config }, context({ env: runner })));
  await driver.start(TARGET);
  const r = await driver.perform('sale', { amount: 100 }, { timeoutMs: 20_000, signal: signal() });
  expect(r.error).toBeUndefined();
  return r.outcome?.['env'] as Record<string, string>;
}

describe('the environment of POS processes', () => {
  it("by default, the runner's whole environment, plus driver.env and the runner's variables", async () => {
    const env = await envOf({ env: { ACME_MODE: 'certification' } });
    expect(env).toMatchObject({ CI_DEPLOY_TOKEN: 'secret-token', ACME_MODE: 'certification', CASHLOGY_PORT: String(TARGET.port), POS_ACTION: 'sale' });
  });

  it('with inheritEnv: false, only PATH, HOME, the locale and temp folder, plus driver.env and the runner variables', async () => {
    const env = await envOf({ inheritEnv: false, env: { ACME_MODE: 'certification' } });
    expect(env['CI_DEPLOY_TOKEN']).toBeUndefined();
    expect(env).toMatchObject({ PATH: process.env['PATH'], LC_ALL: 'C.UTF-8', LANG: 'fr_FR.UTF-8', ACME_MODE: 'certification', CASHLOGY_HOST: TARGET.host, CASHLOGY_PORT: String(TARGET.port), POS_ACTION: 'sale', POS_AMOUNT: '100' });
    const allowed = /^(PATH|HOME|LANG|LANGUAGE|TZ|TMPDIR|TEMP|TMP|LC_.*|ACME_MODE|CASHLOGY_HOST|CASHLOGY_PORT|POS_HOOK_PORT|POS_ACTION|POS_AMOUNT)$/;
    // What the child itself may add at start-up is outside our control; what we passed is not.
    const unexpected = Object.keys(env).filter((k) => !allowed.test(k) && k in runner);
    expect(unexpected).toEqual([]);
  });

  it('pos.yaml takes inheritEnv, and refuses anything but true or false', () => {
    const yaml = (value: string) => `name: P\nversion: "1"\ncompany: C\nemail: a@b.example\nintegration: express\ndriver:\n  type: command\n  inheritEnv: ${value}\n  actions: {sale: ["x"]}\n`;
    expect(parsePosProfile(yaml('false'), 'pos.yaml').driver.inheritEnv).toBe(false);
    expect(() => parsePosProfile(yaml('"no"'), 'pos.yaml')).toThrow(/not a valid POS profile/);
  });
});

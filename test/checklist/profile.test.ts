import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { analyzePosProfile, loadPosProfile, parsePosProfile, referencePosProfile } from '../../src/pos/profile.js';
import { INTEGRATION_TYPES } from '../../src/pos/types.js';
import { tempDir } from '../helpers/temp.js';

describe('POS profiles', () => {
  it('loads each example, one per driver', () => {
    expect(loadPosProfile('examples/pos/http.yaml')).toEqual({
      name: 'Reference POS over HTTP',
      version: '1.0.0',
      company: 'cashlogy-cert',
      email: 'integration@example.com',
      integration: 'express',
      features: ['backoffice'],
      driver: {
        type: 'http',
        url: 'http://127.0.0.1:{hookPort}',
        readyTimeoutMs: 30_000,
        start: ['npx', 'tsx', 'src/reference-pos/main.ts', '--integration', 'express'],
        cwd: resolve('.'),
        timeoutsMs: { startup: 90_000, sale: 180_000, backoffice: 600_000 },
      },
      file: 'examples/pos/http.yaml',
    });
    const command = loadPosProfile('examples/pos/command.yaml');
    expect(command.driver.type).toBe('command');
    expect(command.driver.type === 'command' && command.driver.actions.sale).toEqual(['./acme-pos', 'cashlogy', 'sale', '{amount}']);
    expect(command.driver.cwd).toBe(resolve('examples/pos'));
    expect(command.driver.env).toEqual({ ACME_MODE: 'certification' });
    expect(loadPosProfile('examples/pos/manual.yaml')).toMatchObject({ version: '2026.3', integration: 'mixed', driver: { type: 'manual' } });
    expect(loadPosProfile('examples/pos/reference.yaml').driver).toMatchObject({ type: 'reference', inProcess: false });
  });

  it('reports every problem located, and unknown features only as warnings', () => {
    const text = `name: P
version: "1"
company: C
email: a@b.c
integration: complete
features: [refunds]
driver:
  type: command
  actions: {sael: [x]}
`;
    const r = analyzePosProfile(text, 'p.yaml');
    expect(r.profile).toBeUndefined();
    expect(r.issues.map((i) => `${i.severity} ${i.line}:${i.col} ${i.message} | ${i.hint}`)).toEqual([
      'error 9:13 unknown key "sael" in actions | did you mean "sale"?',
      'warning 6:12 unknown feature "refunds" | did you mean "refund"?',
      'warning 9:12 no command for "sale": every sale item will end in error | add sale: ["…", "{amount}"]',
    ]);
    expect(() => parsePosProfile(text, 'p.yaml')).toThrow(InvalidInputError);
  });

  it('checks the hook URL and warns about a command driver without sale', () => {
    const base = 'name: P\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: express\n';
    const bad = analyzePosProfile(`${base}driver: {type: http, url: "ftp://x:{hookPort}"}\n`, 'p.yaml');
    expect(bad.issues.map((i) => i.message)).toEqual(['the hook URL must be http or https, not ftp:']);
    const noSale = analyzePosProfile(`${base}driver: {type: command, actions: {startup: [x]}}\n`, 'p.yaml');
    expect(noSale.profile).toBeDefined();
    expect(noSale.issues.map((i) => `${i.severity}: ${i.message}`)).toEqual(['warning: no command for "sale": every sale item will end in error']);
  });

  it('gives the built-in reference POS profile for every integration', () => {
    for (const integration of INTEGRATION_TYPES) {
      const p = referencePosProfile(integration);
      expect(p.integration).toBe(integration);
      expect(p.driver).toEqual({ type: 'reference' });
      expect(p.file).toBeUndefined();
    }
    expect(referencePosProfile('mixed').features).toEqual(['refund', 'backoffice', 'refill', 'error-polling']);
  });

  it('resolves a relative cwd against the profile folder', () => {
    const dir = tempDir('pos-');
    const file = join(dir, 'pos.yaml');
    writeFileSync(file, 'name: P\nversion: "1"\ncompany: C\nemail: a@b.c\nintegration: express\ndriver: {type: manual, cwd: sub}\n');
    expect(loadPosProfile(file).driver.cwd).toBe(join(dir, 'sub'));
  });
});

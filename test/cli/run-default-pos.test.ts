/**
 * Without --pos, `run` uses the bundled reference POS in the integration the chosen checklist is
 * written for; with a POS of another integration, a checklist of which nothing applies is refused
 * before anything starts (a run of it would judge nothing and still read as passed).
 */
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function integrationOf(out: string): string {
  return (JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { pos: { integration: string } }).pos.integration;
}

describe('run without --pos', () => {
  it('runs the reference POS in the integration of --checklist', async () => {
    for (const [checklist, item, integration] of [
      ['chapter7-complete', 'COM-01', 'complete'],
      ['tickets-micro', 'TIX-01', 'tickets'],
      ['chapter7-mixed', 'EXP-01', 'mixed'],
      ['chapter7-express', 'EXP-01', 'express'],
    ] as const) {
      const out = join(tempDir('cashlogy-default-pos-'), 'reports');
      const ran = await runMain(['run', '--checklist', checklist, '--only', item, '--time-scale', '0.01', '--seed', '1', '--ci', '--quiet', '--out', out]);
      expect(ran.code, `${checklist}: ${ran.stderr}`).toBe(0);
      expect(integrationOf(out)).toBe(integration);
    }
  }, 90_000);
});

describe('run with a POS the checklist is not for', () => {
  it('stops before anything starts, at the profile\'s integration (exit 2)', async () => {
    const cwd = tempDir('cashlogy-default-pos-');
    writeFileSync(
      join(cwd, 'pos.yaml'),
      'name: Caisse\nversion: "1"\ncompany: ACME\nemail: a@example.invalid\nintegration: express\nfeatures: []\ndriver:\n  type: reference\n',
    );
    const ran = await runMain(['run', '--pos', 'pos.yaml', '--checklist', 'chapter7-complete', '--time-scale', '0.01', '--ci', '--out', 'reports'], { cwd });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/no item of chapter7-complete applies to this express POS: its items are for complete and mixed integrations/);
    expect(ran.stderr).toMatch(/--> .*pos\.yaml:5:14/);
    expect(existsSync(join(cwd, 'reports'))).toBe(false);
  });
});

/** The catalogue table of docs/faults.md is the registry's, so the docs cannot drift from the code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultDocsPath, faultTable, withFaultTable } from '../../scripts/fault-docs.js';
import { listFaultInfo } from '../../src/faults/registry.js';

const root = join(import.meta.dirname, '..', '..');

describe('docs/faults.md', () => {
  it('has the fault table the registry generates (npm run docs)', () => {
    const markdown = readFileSync(faultDocsPath(root), 'utf8');
    expect(markdown).toBe(withFaultTable(markdown));
  });

  it('the table has one row per registered fault, with every option', () => {
    const table = faultTable();
    for (const info of listFaultInfo()) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${info.type}\` |`));
      expect(row, info.type).toBeDefined();
      for (const option of info.options) expect(row, `${info.type}.${option.name}`).toContain(`\`${option.name}\``);
    }
  });

  it('refuses a document without the markers instead of guessing where the table goes', () => {
    expect(() => withFaultTable('# Faults\n')).toThrow(/markers/);
  });
});

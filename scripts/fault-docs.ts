/**
 * The catalogue table of docs/faults.md, generated from the fault registry so that the docs
 * cannot drift from what the simulator accepts:
 *   npm run docs            rewrite the table between the markers in docs/faults.md
 *   (test/faults/docs-table.test.ts fails when the table is stale)
 * README.md links docs/faults.md (it no longer includes it): nothing else to regenerate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultOptionInfo } from '../src/faults/engine-types.js';
import { listFaultInfo } from '../src/faults/registry.js';

export const TABLE_START = '<!-- fault table: generated from src/faults/catalogue by `npm run docs`; edit the catalogue, not this table -->';
export const TABLE_END = '<!-- end of the generated fault table -->';

export function faultTable(): string {
  const rows = listFaultInfo().map((info) => {
    const options = info.options.length === 0 ? '—' : info.options.map(optionText).join('<br>');
    return `| \`${info.type}\` | ${cell(info.summary)} | ${options} | ${cell(info.wireEffect)} |`;
  });
  return ['| fault | what it is | options | effect on the wire |', '|---|---|---|---|', ...rows].join('\n');
}

function optionText(option: FaultOptionInfo): string {
  const value = option.default !== undefined ? ` = \`${typeof option.default === 'string' ? option.default : JSON.stringify(option.default)}\`` : '';
  const required = option.required ? ' (required)' : '';
  const words = option.values !== undefined ? ` (${option.values.map((v) => `\`${v}\``).join(', ')})` : '';
  return `\`${option.name}\`${value}${required}: ${cell(option.description)}${words}`;
}

/** Markdown table cells: no pipes, no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/faults.md with the table between the markers replaced by the registry's. */
export function withFaultTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start) throw new Error(`docs/faults.md: the markers of the generated table are missing (${TABLE_START} … ${TABLE_END})`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n${faultTable()}\n${markdown.slice(end)}`;
}

export function faultDocsPath(root: string): string {
  return join(root, 'docs', 'faults.md');
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const root = join(import.meta.dirname, '..');
  const path = faultDocsPath(root);
  writeFileSync(path, withFaultTable(readFileSync(path, 'utf8')));
  process.stdout.write(`wrote the fault table of ${path}\n`);
}

/** The variant → catching items table of docs/runner.md, built from the fleet itself. */
import type { TicketsVariant, Variant } from './variants.js';

export function fleetTable(fleet: readonly Variant[]): string {
  const cell = (ids: string[] | undefined) => (ids?.length ? ids.join(', ') : '—');
  const rows = fleet.map((v) => `| \`${v.name}\` | ${v.defect.replace(/\|/g, '\\|')} | ${cell(v.caughtBy.express)} | ${cell(v.caughtBy.complete)} | ${cell(v.caughtBy.mixed)} |`);
  return ['| variant | defect | express | complete | mixed |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The tickets variant → catching items table of docs/runner.md. */
export function ticketsFleetTable(fleet: readonly TicketsVariant[]): string {
  const rows = fleet.map((v) => `| \`${v.name}\` | ${v.defect.replace(/\|/g, '\\|')} | ${v.caughtBy.join(', ')} |`);
  return ['| tickets variant | defect | tickets-micro |', '|---|---|---|', ...rows].join('\n');
}

/**
 * The decisive fact behind a failure (PURE): when the connector refused a frame the POS sent
 * (`#ER:BAD_DATA#`, `#ER:ILLEGAL#`) and no fault made it do so, that refusal usually explains
 * why the item failed ("never opened the backoffice" because `#G#` was malformed), so the
 * reason quotes it with its meaning from docs/protocol.md §3.
 */
import type { TranscriptEntry } from '../protocol/transcript.js';
import { statusMeaning } from '../protocol/statuses.js';
import { exchanges } from './consistency.js';
import { replyStatus } from './patterns.js';

/** Refusals that are the POS's own doing: a malformed frame, or a command out of place. */
const REFUSALS = new Set(['ER:BAD_DATA', 'ER:ILLEGAL']);

export interface Refusal {
  command: string;
  reply: string;
  /** The status's meaning (protocol.md §3) and, when the connector said why, its detail. */
  explanation: string;
}

export function connectorRefusals(entries: readonly TranscriptEntry[]): Refusal[] {
  // A fault that fired in the item (a restart answering ER:ILLEGAL, a corrupted frame) makes
  // refusals the test's doing, not the POS's: say nothing then.
  if (entries.some((e) => e.dir === 'event' && e.kind === 'fault')) return [];
  const found: Refusal[] = [];
  for (const x of exchanges(entries, 0, entries.length)) {
    if (!x.reply) continue;
    const status = replyStatus(x.reply.data) ?? '';
    if (!REFUSALS.has(status)) continue;
    const from = entries.indexOf(x.command);
    const to = entries.indexOf(x.reply);
    const detail = entries
      .slice(from + 1, to)
      .reverse()
      .find((e) => e.dir === 'event' && e.conn === x.command.conn && e.data.startsWith(`#${status}#: `));
    const meaning = statusMeaning(status) ?? status;
    found.push({
      command: x.command.data,
      reply: x.reply.data,
      explanation: detail ? `${meaning}: ${detail.data.slice(status.length + 4)}` : meaning,
    });
  }
  return found;
}

/** "the connector answered #ER:BAD_DATA# to #G# (malformed or invalid parameters: …; protocol.md §3)". */
export function describeRefusals(refusals: readonly Refusal[], limit = 2): string {
  const shown = refusals.slice(0, limit).map((r) => `${r.reply} to ${r.command} (${r.explanation}; protocol.md §3)`);
  const more = refusals.length > limit ? ` and ${refusals.length - limit} more` : '';
  return `the connector answered ${shown.join(', and ')}${more}`;
}

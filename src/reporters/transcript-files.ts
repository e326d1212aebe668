/**
 * Where each item's full transcript goes in a bundle, and the text of that file. Shared by
 * the reports (which link to the file) and the bundle (which writes it). Item ids come from
 * user checklists, so they are made file-name-safe and de-duplicated ("a/b" and "a-b" must
 * not overwrite each other).
 */
import type { ItemResult } from '../runner/result.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { safeFileName } from '../format/file-names.js';

export function transcriptFileNames(items: readonly Pick<ItemResult, 'id'>[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const item of items) {
    if (names.has(item.id)) continue;
    const base = safeFileName(item.id);
    let name = `${base}.log`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}.log`;
    taken.add(name.toLowerCase());
    names.set(item.id, name);
  }
  return names;
}

const DIR_ARROW: Record<TranscriptEntry['dir'], string> = { in: '->', out: '<-', event: '**' };

/** One line per entry: time, connection, direction, frame (or event) and the fault that touched it. */
export function formatTranscriptLine(entry: TranscriptEntry): string {
  const time = (entry.at / 1000).toFixed(3).padStart(9);
  const kind = entry.dir === 'event' && entry.kind ? ` [${entry.kind}]` : '';
  const fault = entry.fault ? `  (fault ${entry.fault})` : '';
  // A tickets file the POS or CashlogyTickets wrote: its name before its content.
  const file = entry.file !== undefined && entry.dir !== 'event' ? `${entry.file} ` : '';
  return `${time}s  #${entry.conn}  ${DIR_ARROW[entry.dir]}${kind} ${file}${entry.data.replace(/\r\n|\r|\n/g, "\\n")}${fault}`;
}

export function formatTranscriptFile(item: ItemResult): string {
  const header = [
    `# ${item.id}: ${item.titles.en || item.title}`,
    `# verdict: ${item.verdict}${item.reason ? ` (${item.reason})` : ''}`,
    `# columns: seconds since the simulator reset at the item start, connection, -> POS to Cashlogy, <- Cashlogy to POS, ** event`,
  ];
  const lines = item.transcript.map(formatTranscriptLine);
  return [...header.map((line) => line.replace(/[\r\n]+/g, ' ')), ...lines, ''].join('\n');
}

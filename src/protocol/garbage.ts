/**
 * How the transcript records bytes that are no frame (protocol-choices.md, Framing): a run of
 * them is one `in` entry, the bytes themselves when the run is one short piece, otherwise an
 * excerpt with its size. The simulator's session and the proxy's relay record them alike, so a
 * transcript reads the same whoever wrote it. Pure.
 */

/** How much of a run of bytes that are no frame the transcript keeps. */
export const GARBAGE_EXCERPT_CHARS = 64;
/** Garbage items recorded as one entry (and, by the simulator, answered in one write). */
export const MAX_GARBAGE_RUN = 1024;

/** The `in` entry's data for a run of garbage items (at least one). */
export function garbageEntryText(raws: readonly string[]): string {
  if (raws.length === 1 && (raws[0] as string).length <= GARBAGE_EXCERPT_CHARS) return raws[0] as string;
  let bytes = 0;
  for (const raw of raws) bytes += raw.length;
  const joined = raws.join(' ');
  const excerpt = joined.length > GARBAGE_EXCERPT_CHARS ? `${joined.slice(0, GARBAGE_EXCERPT_CHARS)}…` : joined;
  const pieces = raws.length === 1 ? '' : ` in ${raws.length} pieces`;
  return `${excerpt} (${bytes} bytes that are no frame${pieces})`;
}

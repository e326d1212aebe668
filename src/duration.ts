/** Durations as users write them ("250ms", "2s", "1.5s", "2m") ↔ milliseconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * The longest duration a user may give anywhere (24 h). Node's timers overflow past ~24.8 days
 * and fire after 1 ms, so an unbounded "1e308" would mean "now".
 */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
/** The limit as messages state it, in units a duration may be written in. */
export const MAX_DURATION_TEXT = '24 hours (1440m, 86400000ms)';

/** Milliseconds, or undefined when the text is not a duration or is above MAX_DURATION_MS. A bare number is milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  const ms = parseUnbounded(value);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** True when `value` is written as a duration but is longer than MAX_DURATION_MS. */
export function isDurationAboveLimit(value: unknown): boolean {
  const ms = parseUnbounded(value);
  return ms !== undefined && ms > MAX_DURATION_MS;
}

function parseUnbounded(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : value === Infinity ? Infinity : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${seconds ? ` ${seconds}s` : ''}`;
}

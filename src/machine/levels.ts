/**
 * Level states of `#GC#` (protocol.md §5.17, UnifiedPOS CHAN_STATUS): 0 OK · 11 EMPTY ·
 * 12 NEAR_EMPTY · 21 FULL · 22 NEAR_FULL (· 31 JAM for a jammed denomination). Any non-zero
 * level after an operation turns its `0` reply into `WR:LEVEL`.
 */
import type { Denomination, MachineProfile } from './profile.js';

/** How the web page colours a level. */
export type LevelName = 'ok' | 'empty' | 'near-empty' | 'near-full' | 'full';

export const LEVEL = { OK: 0, EMPTY: 11, NEAR_EMPTY: 12, FULL: 21, NEAR_FULL: 22, JAM: 31 } as const;

export function levelCode(d: Denomination, count: number): number {
  if (!d.recyclable) return LEVEL.OK;
  if (count <= 0) return LEVEL.EMPTY;
  if (count <= d.nearEmpty) return LEVEL.NEAR_EMPTY;
  if (count >= d.capacity) return LEVEL.FULL;
  if (count >= d.nearFull) return LEVEL.NEAR_FULL;
  return LEVEL.OK;
}

export function stackerLevelCode(profile: MachineProfile, notes: number, forcedFull: boolean): number {
  if (forcedFull || notes >= profile.stacker.capacity) return LEVEL.FULL;
  if (notes >= profile.stacker.nearFull) return LEVEL.NEAR_FULL;
  return LEVEL.OK;
}

export function isLevelWarning(code: number): boolean {
  return code === LEVEL.EMPTY || code === LEVEL.NEAR_EMPTY || code === LEVEL.FULL || code === LEVEL.NEAR_FULL;
}

export function levelName(code: number): LevelName {
  switch (code) {
    case LEVEL.EMPTY:
      return 'empty';
    case LEVEL.NEAR_EMPTY:
      return 'near-empty';
    case LEVEL.FULL:
      return 'full';
    case LEVEL.NEAR_FULL:
      return 'near-full';
    default:
      return 'ok';
  }
}

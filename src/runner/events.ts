/**
 * Progress events: the runner never prints; the CLI (src/cli/progress.ts) and tests listen.
 * With `run --json` every event is printed as one JSON line.
 */
import type { ItemResult, ItemVerdict, RunResult } from './result.js';

export type RunEvent =
  | { event: 'run:start'; seed: number; timeScale: number; items: number; lanes: number; checklist: string; pos: string }
  | { event: 'lane:ready'; lane: number; host: string; port: number; hookPort?: number }
  /** The POS was restarted between items: an item left it hung, crashed or timed out. */
  | { event: 'pos:restart'; lane: number; reason: string }
  | { event: 'item:start'; id: string; title: string; lane: number; index: number; total: number }
  | { event: 'step'; id: string; step: number; kind: string; text: string }
  | { event: 'item:end'; id: string; verdict: ItemVerdict; durationMs: number; reason?: string; item: ItemResult }
  | { event: 'operator'; text: string }
  | { event: 'warning'; message: string }
  | { event: 'run:end'; verdict: RunResult['verdict']; summary: RunResult['summary']; interrupted: boolean; durationMs: number };

export type RunEventListener = (event: RunEvent) => void;

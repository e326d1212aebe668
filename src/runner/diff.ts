/**
 * Re-certification diff (pure): what changed between two runs of a POS, item by item.
 *
 *   fixed      fail/error → pass
 *   regressed  pass → fail/error
 *   changed    any other change of verdict, or the same verdict for another reason
 *   added      only in the later run;  removed: only in the earlier one
 *
 * For every fixed, regressed or changed item, the first frame where the two wire transcripts
 * part: the `in`/`out` frames are compared by direction and data only, because times and
 * connection numbers differ from run to run without meaning anything.
 */
import type { Level } from '../checklist/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { ItemResult, ItemVerdict, RunResult, RunVerdict } from './result.js';

export type ChangeKind = 'fixed' | 'regressed' | 'changed' | 'added' | 'removed';

export interface DiffFrame {
  dir: 'in' | 'out';
  data: string;
}

export interface Divergence {
  /** 1-based position of the first differing frame among the item's `in`/`out` frames. */
  frame: number;
  /** The frame of the earlier run there; absent when its transcript had already ended. */
  before?: DiffFrame;
  /** The frame of the later run there; absent when its transcript had already ended. */
  after?: DiffFrame;
}

export interface ItemSide {
  verdict: ItemVerdict;
  reason?: string;
}

export interface ItemChange {
  id: string;
  title: string;
  /** The later run's level (the earlier one's for a removed item). */
  level: Level;
  kind: ChangeKind;
  before?: ItemSide;
  after?: ItemSide;
  /** Where the wire traffic first differs; absent when it is the same frame for frame (or the item is added/removed). */
  divergence?: Divergence;
}

export interface RunSide {
  checklist: { id: string; version: string; sha256: string };
  pos: { name: string; version: string };
  seed: number;
  verdict: RunVerdict;
  finishedAt: string;
}

export interface RunDiff {
  before: RunSide;
  after: RunSide;
  /** Every item that changed, in the later run's order, then the removed ones. */
  changes: ItemChange[];
  /** Items present in both runs with the same verdict and reason. */
  unchanged: number;
  /** True when a required item went from pass to fail or error: the diff's exit code is 4 then. */
  requiredRegressed: boolean;
  /** What makes the two runs hard to compare (another checklist or seed), in words. */
  notes: string[];
}

const BAD: readonly ItemVerdict[] = ['fail', 'error'];

export function diffRuns(before: RunResult, after: RunResult): RunDiff {
  const earlier = new Map(before.items.map((i) => [i.id, i]));
  const later = new Set(after.items.map((i) => i.id));
  const changes: ItemChange[] = [];
  let unchanged = 0;
  for (const item of after.items) {
    const old = earlier.get(item.id);
    if (!old) {
      changes.push({ id: item.id, title: item.title, level: item.level, kind: 'added', after: side(item) });
      continue;
    }
    const kind = changeKind(old, item);
    if (kind === undefined) {
      unchanged++;
      continue;
    }
    const divergence = firstDivergence(old.transcript, item.transcript);
    changes.push({ id: item.id, title: item.title, level: item.level, kind, before: side(old), after: side(item), ...(divergence ? { divergence } : {}) });
  }
  for (const item of before.items) {
    if (!later.has(item.id)) changes.push({ id: item.id, title: item.title, level: item.level, kind: 'removed', before: side(item) });
  }
  const notes: string[] = [];
  if (before.checklist.sha256 !== after.checklist.sha256) {
    notes.push(
      `the checklists differ: ${before.checklist.id} ${before.checklist.version} (sha256 ${before.checklist.sha256.slice(0, 12)}…) before, ${after.checklist.id} ${after.checklist.version} (sha256 ${after.checklist.sha256.slice(0, 12)}…) after`,
    );
  }
  if (before.seed !== after.seed) notes.push(`the seeds differ (${before.seed} before, ${after.seed} after): probabilistic faults may have fired differently`);
  return {
    before: runSide(before),
    after: runSide(after),
    changes,
    unchanged,
    requiredRegressed: changes.some((c) => c.kind === 'regressed' && c.level === 'required'),
    notes,
  };
}

function changeKind(before: ItemResult, after: ItemResult): ChangeKind | undefined {
  if (BAD.includes(before.verdict) && after.verdict === 'pass') return 'fixed';
  if (before.verdict === 'pass' && BAD.includes(after.verdict)) return 'regressed';
  if (before.verdict !== after.verdict || (before.reason ?? '') !== (after.reason ?? '')) return 'changed';
  return undefined;
}

/** The first `in`/`out` frame that differs in direction or data; undefined when both carry the same frames. */
export function firstDivergence(before: readonly TranscriptEntry[], after: readonly TranscriptEntry[]): Divergence | undefined {
  const a = frames(before);
  const b = frames(after);
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (x && y && x.dir === y.dir && x.data === y.data) continue;
    return { frame: k + 1, ...(x ? { before: x } : {}), ...(y ? { after: y } : {}) };
  }
  return undefined;
}

function frames(transcript: readonly TranscriptEntry[]): DiffFrame[] {
  const out: DiffFrame[] = [];
  for (const entry of transcript) {
    if (entry.dir === 'in' || entry.dir === 'out') out.push({ dir: entry.dir, data: entry.data });
  }
  return out;
}

function side(item: ItemResult): ItemSide {
  return { verdict: item.verdict, ...(item.reason !== undefined ? { reason: item.reason } : {}) };
}

function runSide(result: RunResult): RunSide {
  return {
    checklist: { id: result.checklist.id, version: result.checklist.version, sha256: result.checklist.sha256 },
    pos: { name: result.pos.name, version: result.pos.version },
    seed: result.seed,
    verdict: result.verdict,
    finishedAt: result.finishedAt,
  };
}

const ARROW: Record<DiffFrame['dir'], string> = { in: 'POS →', out: 'POS ←' };

/** A frame as one line of text ("POS → #C#…#"), or what stands in for a transcript that ended. */
export function describeFrame(frame: DiffFrame | undefined): string {
  return frame ? `${ARROW[frame.dir]} ${frame.data}` : '(no frame: the transcript had ended)';
}

const HEADINGS: Record<ChangeKind, string> = {
  fixed: 'Fixed',
  regressed: 'Regressed',
  changed: 'Changed',
  added: 'New',
  removed: 'Removed',
};

/** The console text of a diff (English, like every other console message). */
export function formatDiff(diff: RunDiff, labels: { before: string; after: string }): string {
  const lines: string[] = [];
  const run = (label: string, s: RunSide) =>
    `${label}: ${s.pos.name} ${s.pos.version} · ${s.checklist.id} ${s.checklist.version} · seed ${s.seed} · ${s.verdict}`;
  lines.push(run(`before ${labels.before}`, diff.before), run(`after  ${labels.after}`, diff.after));
  for (const note of diff.notes) lines.push(`note: ${note}`);
  for (const kind of ['regressed', 'fixed', 'changed', 'added', 'removed'] as const) {
    const changes = diff.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    lines.push('', `${HEADINGS[kind]} (${changes.length}):`);
    for (const c of changes) {
      const from = c.before ? c.before.verdict : '';
      const to = c.after ? c.after.verdict : '';
      const move = kind === 'added' ? to : kind === 'removed' ? from : `${from} → ${to}`;
      lines.push(`  ${c.id} [${c.level}] ${c.title}: ${move}`);
      if (c.before?.reason && kind !== 'added') lines.push(`      before: ${c.before.reason}`);
      if (c.after?.reason && kind !== 'removed') lines.push(`      after:  ${c.after.reason}`);
      if (kind === 'added' || kind === 'removed') continue;
      if (c.divergence) {
        lines.push(`      first diverging frame: #${c.divergence.frame}`);
        lines.push(`        before: ${describeFrame(c.divergence.before)}`);
        lines.push(`        after:  ${describeFrame(c.divergence.after)}`);
      } else {
        lines.push('      the wire traffic is the same frame for frame');
      }
    }
  }
  const counts = (['regressed', 'fixed', 'changed', 'added', 'removed'] as const).map((k) => `${diff.changes.filter((c) => c.kind === k).length} ${k === 'added' ? 'new' : k}`);
  lines.push('', `${counts.join(', ')}, ${diff.unchanged} unchanged${diff.requiredRegressed ? ' — a required item regressed' : ''}`);
  return `${lines.join('\n')}\n`;
}

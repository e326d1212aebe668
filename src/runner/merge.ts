/**
 * `merge`: combine the results of the shards of one run (pure; the CLI reads and writes).
 *
 * Parts must come from the same run configuration (checklist sha256, POS profile, tool version,
 * seed, machine profile) and must not overlap (no item, no shard twice); otherwise the merge is
 * refused with a `MergeConflictError` (exit 2) naming the field or item and both files. The
 * merged result holds every item once, in the order a single unsharded run would give them,
 * with verdict, summary and coverage recomputed over the whole: shards that are missing leave
 * it incomplete, and `missingShards` names them.
 */
import type { Checklist } from '../checklist/types.js';
import type { Lang } from '../i18n.js';
import { orderItems } from '../checklist/select.js';
import { CertError } from '../errors.js';
import type { PosProfile } from '../pos/types.js';
import {
  coverageItems,
  coverageItemsOfResult,
  coverageOf,
  coverageRecord,
  notRunOfResult,
  type Coverage,
  type CoverageItem,
} from './coverage.js';
import type { ItemResult, RunResult, RunSelection } from './result.js';
import { parseShard } from './selection.js';
import { runVerdict, summarize } from './verdict.js';

export interface MergePart {
  /** Where the part was read from, as the user wrote it: every error names it. */
  file: string;
  result: RunResult;
}

export interface MergeOptions {
  /**
   * The checklist the parts ran (same sha256): gives the order of the items and which required
   * items exist. Without it, coverage is judged from what the parts recorded and the items are
   * ordered by id.
   */
  checklist?: Pick<Checklist, 'items' | 'sha256'>;
  /** Language of the merged result (default: the first part's). */
  lang?: Lang;
  /** Whether an item applies to the POS; default: src/checklist/select.ts `applicability`. */
  applicability?: Parameters<typeof coverageItems>[2];
}

export interface MergeOutcome {
  result: RunResult;
  coverage: Coverage;
  /** Shards of the same split absent from the parts, as `i/n`. */
  missingShards: string[];
}

/** The parts cannot be merged: they come from different runs, or they overlap. Exit 2. */
export class MergeConflictError extends CertError {
  /** The field that differs ("seed", "checklist.sha256"…), or "items" / "selection.shard" for an overlap. */
  readonly field: string;
  constructor(field: string, message: string) {
    super('INVALID_INPUT', message);
    this.field = field;
  }
}

interface Compared {
  field: string;
  value: (r: RunResult) => string | number | undefined;
}

/** What makes two parts one run. pos.sha256 is compared only when a part records it. */
const SAME: Compared[] = [
  { field: 'checklist.sha256', value: (r) => r.checklist.sha256 },
  { field: 'pos.name', value: (r) => r.pos.name },
  { field: 'pos.version', value: (r) => r.pos.version },
  { field: 'pos.integration', value: (r) => r.pos.integration },
  { field: 'pos.sha256', value: (r) => (r.pos as { sha256?: string }).sha256 },
  { field: 'tool.version', value: (r) => r.tool.version },
  { field: 'seed', value: (r) => r.seed },
  { field: 'profile', value: (r) => r.profile },
];

export function mergeResults(parts: readonly MergePart[], options: MergeOptions = {}): MergeOutcome {
  const first = parts[0];
  if (first === undefined) throw new CertError('USAGE', 'merge needs at least one result');
  checkSameRun(parts);
  if (options.checklist?.sha256 !== undefined && options.checklist.sha256 !== first.result.checklist.sha256) {
    throw new MergeConflictError(
      'checklist.sha256',
      `the checklist given has sha256 ${options.checklist.sha256}, but ${first.file} ran ${first.result.checklist.sha256}`,
    );
  }
  const shards = checkShards(parts);
  const owner = new Map<string, { part: MergePart; item: ItemResult }>();
  for (const part of parts) {
    for (const item of part.result.items) {
      const seen = owner.get(item.id);
      if (seen) {
        const how = seen.item.verdict === item.verdict ? `${item.verdict} in both` : `${seen.item.verdict} in ${seen.part.file}, ${item.verdict} in ${part.file}`;
        throw new MergeConflictError('items', `item ${item.id} is in both ${seen.part.file} and ${part.file} (${how}): the parts overlap`);
      }
      owner.set(item.id, { part, item });
    }
  }
  const items = ordered([...owner.values()].map((o) => o.item), options.checklist);

  const r0 = first.result;
  const pos = { ...r0.pos, features: r0.pos.features ?? [] };
  const checklistItems: CoverageItem[] = options.checklist
    ? coverageItems(options.checklist.items, pos as Pick<PosProfile, 'integration' | 'features'>, options.applicability)
    : unionCoverageItems(parts.map((p) => p.result));
  const interrupted = parts.some((p) => p.result.interrupted === true);
  const selection = mergedSelection(parts, shards.present);
  const coverage = coverageOf({
    checklist: checklistItems,
    results: items,
    notRun: parts.flatMap((p) => notRunOfResult(p.result)),
    selection,
    interrupted,
  });
  const posOutput = mergedOutput(parts);
  const result: RunResult = {
    schemaVersion: 1,
    tool: { ...r0.tool },
    checklist: { ...r0.checklist },
    pos: { ...r0.pos },
    seed: r0.seed,
    timeScale: r0.timeScale,
    lang: options.lang ?? r0.lang,
    ci: parts.every((p) => p.result.ci),
    profile: r0.profile,
    startedAt: earliest(parts.map((p) => p.result.startedAt)),
    finishedAt: latest(parts.map((p) => p.result.finishedAt)),
    verdict: runVerdict(items),
    ...(interrupted ? { interrupted: true } : {}),
    complete: coverage.complete,
    coverage: coverageRecord(coverage),
    selection,
    summary: { ...summarize(items), ...mergedFloor(parts) },
    items,
    ...(posOutput ? { posOutput } : {}),
  };
  return { result, coverage, missingShards: shards.missing };
}

/** The parts ran disjoint items, so their floors add up; one part without a floor (older file) leaves it out. */
function mergedFloor(parts: readonly MergePart[]): { floorMs?: number } {
  const floors = parts.map((p) => p.result.summary.floorMs);
  return floors.every((f): f is number => typeof f === 'number') ? { floorMs: floors.reduce((sum, f) => sum + f, 0) } : {};
}

function checkSameRun(parts: readonly MergePart[]): void {
  const first = parts[0] as MergePart;
  for (const { field, value } of SAME) {
    const expected = value(first.result);
    for (const part of parts.slice(1)) {
      const actual = value(part.result);
      if (actual === expected) continue;
      if (field === 'pos.sha256' && (actual === undefined || expected === undefined)) continue;
      throw new MergeConflictError(
        field,
        `${field} differs: ${show(expected)} in ${first.file}, ${show(actual)} in ${part.file}; merge only parts of one run (same checklist, POS profile, tool version, seed and machine profile)${field === 'seed' ? '; run every shard with the same --seed' : ''}`,
      );
    }
  }
}

function show(value: string | number | undefined): string {
  return value === undefined ? '(none)' : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** The shards present (`i/n`, sorted by i) and the missing ones; refuses mixed splits and a shard given twice. */
function checkShards(parts: readonly MergePart[]): { present: string[]; missing: string[] } {
  const seen = new Map<string, string>();
  let count: { n: number; file: string } | undefined;
  for (const part of parts) {
    const selection = part.result.selection;
    const names = [...(selection?.shard ? [selection.shard] : []), ...(selection?.merged ?? [])];
    for (const name of names) {
      const shard = parseShard(name);
      if (!shard) throw new MergeConflictError('selection.shard', `${part.file} records the shard "${name}", which is not <i>/<n>`);
      const canonical = `${shard.index}/${shard.count}`;
      if (count && count.n !== shard.count) {
        throw new MergeConflictError(
          'selection.shard',
          `the parts split the checklist differently: ${count.n} shards in ${count.file}, ${shard.count} in ${part.file} (shard ${canonical})`,
        );
      }
      count ??= { n: shard.count, file: part.file };
      const other = seen.get(canonical);
      if (other !== undefined) throw new MergeConflictError('selection.shard', `shard ${canonical} is in both ${other} and ${part.file}: the parts overlap`);
      seen.set(canonical, part.file);
    }
  }
  if (!count) return { present: [], missing: [] };
  const n = count.n;
  const all = Array.from({ length: n }, (_, k) => `${k + 1}/${n}`);
  return { present: all.filter((s) => seen.has(s)), missing: all.filter((s) => !seen.has(s)) };
}

/** The order a single run gives: the checklist's, dependencies first (select.ts `orderItems`). */
function ordered(items: ItemResult[], checklist: MergeOptions['checklist']): ItemResult[] {
  if (checklist) {
    const byId = new Map(items.map((i) => [i.id, i]));
    const known = orderItems(checklist.items).flatMap((c) => {
      const item = byId.get(c.id);
      return item ? [item] : [];
    });
    // Items the checklist does not know cannot come from a part with its sha256, but a
    // hand-edited result could hold them: keep them rather than lose evidence.
    const rest = items.filter((i) => !checklist.items.some((c) => c.id === i.id));
    return [...known, ...rest.sort(byIdOrder)];
  }
  return [...items].sort(byIdOrder);
}

function byIdOrder(a: Pick<ItemResult, 'id'>, b: Pick<ItemResult, 'id'>): number {
  return a.id.localeCompare(b.id, 'en', { numeric: true });
}

function unionCoverageItems(results: readonly RunResult[]): CoverageItem[] {
  const byId = new Map<string, CoverageItem>();
  for (const result of results) {
    for (const item of coverageItemsOfResult(result)) {
      const known = byId.get(item.id);
      // A part that ran the item knows its level and applicability; another part only lists it as missing.
      if (!known || result.items.some((i) => i.id === item.id)) byId.set(item.id, item);
    }
  }
  return [...byId.values()].sort(byIdOrder);
}

function mergedSelection(parts: readonly MergePart[], shards: string[]): RunSelection {
  const only = new Set(parts.flatMap((p) => p.result.selection?.only ?? []));
  const tags = new Set(parts.flatMap((p) => p.result.selection?.tags ?? []));
  return {
    ...(only.size ? { only: [...only] } : {}),
    ...(tags.size ? { tags: [...tags] } : {}),
    ...(shards.length ? { merged: shards } : {}),
  };
}

function mergedOutput(parts: readonly MergePart[]): { stdout: string; stderr: string } | undefined {
  const outputs = parts.filter((p) => p.result.posOutput && (p.result.posOutput.stdout || p.result.posOutput.stderr));
  if (outputs.length === 0) return undefined;
  const label = (p: MergePart) => `── ${p.result.selection?.shard ? `shard ${p.result.selection.shard}` : p.file} ──`;
  return {
    stdout: outputs.map((p) => `${label(p)}\n${p.result.posOutput?.stdout ?? ''}`).join('\n'),
    stderr: outputs.map((p) => `${label(p)}\n${p.result.posOutput?.stderr ?? ''}`).join('\n'),
  };
}

function earliest(dates: string[]): string {
  return dates.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function latest(dates: string[]): string {
  return dates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

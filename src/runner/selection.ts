/**
 * Which items a run executes, and in which order (pure).
 *
 * --only / --tag filter first; --shard i/n then splits what is left deterministically: the
 * items sorted by id are dealt round-robin, item k going to shard (k mod n) + 1, so every
 * machine of a CI matrix computes the same split without talking to the others. A dependency
 * outside the selection is not enforced (it did not run here, so it cannot block).
 */
import type { ChecklistItem } from '../checklist/types.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface SelectionOptions {
  only?: readonly string[];
  tags?: readonly string[];
  shard?: Shard;
}

export function selectItems(items: readonly ChecklistItem[], options: SelectionOptions): ChecklistItem[] {
  let selected = [...items];
  if (options.only && options.only.length) {
    const wanted = new Set(options.only.map((id) => id.toLowerCase()));
    selected = selected.filter((i) => wanted.has(i.id.toLowerCase()));
  }
  if (options.tags && options.tags.length) {
    const tags = new Set(options.tags);
    selected = selected.filter((i) => i.tags.some((t) => tags.has(t)));
  }
  if (options.shard) {
    const { index, count } = options.shard;
    const byId = [...selected].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const mine = new Set(byId.filter((_, k) => k % count === index - 1).map((i) => i.id));
    selected = selected.filter((i) => mine.has(i.id));
  }
  return selected;
}

/** Ids in `only` that name no item (for a "did you mean" usage error). */
export function unknownIds(items: readonly ChecklistItem[], only: readonly string[]): string[] {
  const known = new Set(items.map((i) => i.id.toLowerCase()));
  return only.filter((id) => !known.has(id.toLowerCase()));
}

/** "2/4" → {index: 2, count: 4}; undefined when malformed. */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

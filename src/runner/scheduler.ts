/**
 * Which item a lane runs next. Items run in checklist order, except that an item waits until
 * every selected item it depends on is done (on any lane). `pickNext` decides, purely; the
 * queue around it lets lanes wait for one another.
 */
import type { ChecklistItem } from '../checklist/types.js';
import type { ItemVerdict } from './result.js';
import { dependencyMet } from './verdict.js';

export type Pick =
  /** Run `item`; `queue` is what is left. */
  | { kind: 'run'; item: ChecklistItem; queue: ChecklistItem[] }
  /** Every waiting item depends on one still running: wait for it. */
  | { kind: 'wait' }
  /** Nothing left. */
  | { kind: 'done' };

/** The first queued item whose selected dependencies are all done. */
export function pickNext(queue: readonly ChecklistItem[], done: ReadonlySet<string>, selected: ReadonlySet<string>): Pick {
  for (let k = 0; k < queue.length; k++) {
    const item = queue[k] as ChecklistItem;
    const deps = item.dependsOn.filter((d) => selected.has(d));
    if (deps.every((d) => done.has(d))) return { kind: 'run', item, queue: [...queue.slice(0, k), ...queue.slice(k + 1)] };
  }
  return queue.length ? { kind: 'wait' } : { kind: 'done' };
}

/** How a finished item ended, as its dependants see it. */
export interface Finished {
  verdict: ItemVerdict;
  /** Skipped because one of its own dependencies failed. */
  skippedForDependency: boolean;
}

/** The first dependency of `item` that ran and was not met, if any. */
export function unmetDependency(item: ChecklistItem, finished: (id: string) => Finished | undefined): { id: string; verdict: ItemVerdict } | undefined {
  for (const id of item.dependsOn) {
    const f = finished(id);
    if (f !== undefined && !dependencyMet(f.verdict, f.skippedForDependency)) return { id, verdict: f.verdict };
  }
  return undefined;
}

/**
 * `--max-failures`: what counts is a required item that did not pass (fail or error), the
 * items the summary lists as "Required items not passed"; recommended and optional ones never
 * stop a run.
 */
export function countsAsFailure(item: { level: ChecklistItem['level'] }, verdict: ItemVerdict): boolean {
  return item.level === 'required' && (verdict === 'fail' || verdict === 'error');
}

/** The reason of an item the run never reached because `--max-failures` stopped it. */
export function notRunAfterFailures(limit: number): string {
  return `not run: the run stopped after ${limit} required item${limit === 1 ? '' : 's'} failed (--max-failures ${limit})`;
}

/** The run's queue, shared by its lanes. */
export class WorkQueue {
  private queue: ChecklistItem[];
  private closed = false;
  private readonly done = new Set<string>();
  private readonly selected: ReadonlySet<string>;
  private wake: () => void = () => undefined;
  private changed: Promise<void>;

  constructor(
    items: readonly ChecklistItem[],
    private readonly signal: AbortSignal,
  ) {
    this.queue = [...items];
    this.selected = new Set(items.map((i) => i.id));
    this.changed = new Promise<void>((r) => (this.wake = r));
  }

  /** The next item for a lane, after waiting for its dependencies; undefined when nothing is left or the run stopped. */
  async take(): Promise<ChecklistItem | undefined> {
    for (;;) {
      if (this.signal.aborted || this.closed) return undefined;
      const pick = pickNext(this.queue, this.done, this.selected);
      if (pick.kind === 'done') return undefined;
      if (pick.kind === 'wait') {
        await this.changed;
        continue;
      }
      this.queue = pick.queue;
      return pick.item;
    }
  }

  /** Hand out nothing more (`--max-failures` reached); items already running finish. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  finish(id: string): void {
    this.done.add(id);
    this.notify();
  }

  /** Wake every waiting lane (an item finished, a lane ended, the run stopped). */
  notify(): void {
    const w = this.wake;
    this.changed = new Promise<void>((r) => (this.wake = r));
    w();
  }
}

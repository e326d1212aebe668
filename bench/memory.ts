/**
 * Heap and RSS readings for the memory benchmarks. A reading after a full garbage collection
 * is what makes "growth" mean retained memory rather than garbage not yet collected, so the
 * collector is taken from `--expose-gc` when given, else switched on at run time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = () => void;

let collector: Collect | null | undefined;

function findCollector(): Collect | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as Collect;
  try {
    // Node documents setFlagsFromString as "use with care": the flag only affects contexts
    // created afterwards, hence the fresh context to fetch `gc` from.
    setFlagsFromString('--expose-gc');
    const fresh: unknown = runInNewContext('gc');
    if (typeof fresh === 'function') return fresh as Collect;
  } catch {
    // Fall through: readings are then noisier but still produced.
  }
  return null;
}

/** Whether readings are taken after a full collection. */
export function canCollect(): boolean {
  if (collector === undefined) collector = findCollector();
  return collector !== null;
}

export interface MemoryReading {
  heapUsed: number;
  rss: number;
  /** Buffers and other memory outside the JS heap (socket buffers land here). */
  external: number;
}

/** Memory in use after a full collection (several passes: weak references and finalizers need more than one). */
export async function settledMemory(): Promise<MemoryReading> {
  if (canCollect()) {
    for (let i = 0; i < 3; i++) {
      collector?.();
      // Let pending socket close callbacks and finalizers run between passes.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

export const MB = 1024 * 1024;

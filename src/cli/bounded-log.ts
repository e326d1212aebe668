/**
 * The live log of `simulate`, `proxy` and `replay` (docs/simulator.md, The log): lines to a
 * stdout that may stall. Past `maxBuffered` unsent bytes a line is dropped and counted; the next
 * 'drain' (the reader caught up) writes `notice(count)` first. The transcript itself keeps
 * every entry.
 *
 * The lines of one event-loop turn are gathered as bytes in one buffer and go out in one write:
 * a system call per line cost more than the simulator, and a string per line (then one string
 * of them all, then its bytes) was the largest share of the garbage a command made under load.
 */
import { JsonBytes } from '../protocol/json-bytes.js';

/** Log bytes that may wait for a slow stdout reader before lines are dropped. */
export const LOG_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface BoundedLog {
  line(text: string): void;
  /** A line that `write` encodes from `value` straight into the log's buffer (no string is made); the newline is added. */
  encoded<T>(write: (out: JsonBytes, value: T) => void, value: T): void;
  /** Writes the "n lines dropped" notice now if any were dropped (at exit). */
  flushDropped(): void;
  dropped(): number;
}

export function boundedLog(stream: NodeJS.WritableStream, maxBuffered: number, notice: (count: number) => string): BoundedLog {
  let open = true;
  let dropped = 0;
  let totalDropped = 0;
  const batch = new JsonBytes();
  let scheduled = false;
  // `simulate --json | head -1` closes the pipe: keep simulating, stop logging.
  stream.on('error', () => {
    open = false;
  });
  const buffered = () => ((stream as { writableLength?: number }).writableLength ?? 0) + batch.length;
  const flush = () => {
    scheduled = false;
    if (batch.length === 0 || !open) return;
    // A copy: the stream keeps the chunk until it is written, the batch buffer is reused.
    stream.write(batch.take());
    // A write that completed at once emits no 'drain': say what was dropped as soon as there is room.
    if (dropped > 0 && buffered() <= maxBuffered) setImmediate(() => {
      noticeDropped();
    });
  };
  const ended = () => {
    batch.ascii('\n');
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const noticeDropped = () => {
    if (dropped === 0 || !open) return;
    const count = dropped;
    dropped = 0;
    batch.text(notice(count));
    ended();
  };
  /** Whether a line may be added now; counts it as dropped when not. */
  const room = (): boolean => {
    if (!open) return false;
    if (buffered() > maxBuffered) {
      dropped++;
      totalDropped++;
      return false;
    }
    noticeDropped();
    return true;
  };
  stream.on('drain', noticeDropped);
  return {
    line(text) {
      if (!room()) return;
      batch.text(text);
      ended();
    },
    encoded(write, value) {
      if (!room()) return;
      write(batch, value);
      ended();
    },
    flushDropped() {
      noticeDropped();
      flush();
    },
    dropped: () => totalDropped,
  };
}

/**
 * The waits of a connection (a latency fault, the pause between the pieces of a split reply),
 * all ended at once when the connection goes: a closed connection must not keep timers, and
 * the delivery waiting on one must go on to find the connection closed.
 */
export class Sleeps {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
      };
      this.pending.add(entry);
    });
  }

  /** Ends every wait now (each one resolves). */
  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}

/**
 * A POS living inside the runner process: the reference POS with `inProcess: true`, the
 * defective fleet in the tests, or your own POS module in your own test suite.
 *
 *   runChecklist({ ..., driverFactory: () => inProcessDriver((target) => createMyPos(target)) })
 *
 * The factory is called at `start` with the simulator's address; `perform` must resolve to an
 * outcome. An in-process POS cannot be killed: on timeout the runner moves on and the
 * promise is left to settle (its result is ignored); `close()` is awaited at `stop`.
 */
import { formatDuration } from '../duration.js';
import type { PosAction, PosOutcome } from '../pos/types.js';
import { parseOutcome, type ActionBody, type DriverTarget, type PerformOptions, type PerformResult, type PosDriver } from './driver.js';

export interface InProcessPos {
  perform(action: PosAction, body: ActionBody): Promise<PosOutcome>;
  close(): Promise<void> | void;
}

export type InProcessPosFactory = (target: { host: string; port: number; ticketsDir?: string }) => InProcessPos | Promise<InProcessPos>;

export function inProcessDriver(factory: InProcessPosFactory, name = 'in-process'): PosDriver {
  let pos: InProcessPos | undefined;
  return {
    type: name,
    async start(target: DriverTarget) {
      pos = await factory({ host: target.host, port: target.port, ...(target.ticketsDir !== undefined ? { ticketsDir: target.ticketsDir } : {}) });
    },
    async perform(action: PosAction, body: ActionBody, options: PerformOptions): Promise<PerformResult> {
      if (!pos) return { error: 'the in-process POS was not started' };
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const interrupted = new Promise<PerformResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ error: `the POS did not finish "${action}" within ${formatDuration(options.timeoutMs)}`, timedOut: true }),
          options.timeoutMs,
        );
        onAbort = () => resolve({ error: `"${action}" abandoned (${String(options.signal.reason ?? 'aborted')})` });
        if (options.signal.aborted) onAbort();
        else options.signal.addEventListener('abort', onAbort, { once: true });
      });
      const performed = Promise.resolve()
        .then(() => (pos as InProcessPos).perform(action, body))
        .then(
          (value): PerformResult => {
            const parsed = parseOutcome(JSON.stringify(value ?? null));
            return 'error' in parsed ? { error: `the POS answered ${parsed.error}` } : { outcome: parsed.outcome };
          },
          (err: unknown): PerformResult => ({ error: `the POS threw: ${err instanceof Error ? err.message : String(err)}` }),
        );
      try {
        return await Promise.race([performed, interrupted]);
      } finally {
        clearTimeout(timer);
        if (onAbort) options.signal.removeEventListener('abort', onAbort);
      }
    },
    async stop() {
      const p = pos;
      pos = undefined;
      await p?.close();
    },
    output: () => ({ stdout: '', stderr: '' }),
  };
}

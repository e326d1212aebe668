/**
 * `http` driver: `POST {url}/actions/{action}` with the JSON body; the reply body is the
 * outcome. A non-2xx reply means the POS reported an error: its body becomes a `failed`
 * outcome (or the outcome it carries), so the checklist judges it like any other answer.
 */
import { request } from 'node:http';
import { formatDuration } from '../duration.js';
import type { HttpDriverConfig, PosAction } from '../pos/types.js';
import {
  DEFAULT_ACTION_TIMEOUTS_MS,
  describeStderr,
  parseOutcome,
  substitute,
  type ActionBody,
  type DriverContext,
  type DriverTarget,
  type PerformOptions,
  type PerformResult,
  type PosDriver,
} from './driver.js';
import { canConnect } from './ports.js';
import { deadline, driverError, PosProcessHost } from './pos-process.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;

/**
 * Pause between attempts to reach a starting POS's hook, by the time waited so far. A POS that
 * starts in a tenth of a second is found within 10 ms of being ready (a refused loopback connect
 * costs next to nothing); one that takes longer is asked less often.
 */
export function hookPollMs(waitedMs: number): number {
  return waitedMs < 2_000 ? 10 : waitedMs < 10_000 ? 50 : 250;
}

export class HttpDriver implements PosDriver {
  readonly type: string = 'http';
  protected readonly host: PosProcessHost;

  constructor(
    protected readonly config: HttpDriverConfig,
    context: DriverContext,
  ) {
    this.host = new PosProcessHost(config, context);
  }

  get hookPort(): number | undefined {
    return this.host.hookPort;
  }

  baseUrl(): URL {
    const text = substitute(this.config.url, this.host.values()).replace(/\/+$/, '');
    try {
      return new URL(text);
    } catch {
      throw driverError(`driver.url is not a valid URL: ${JSON.stringify(text)}`);
    }
  }

  async start(target: DriverTarget): Promise<void> {
    await this.host.prepare(target);
    const url = this.baseUrl();
    this.host.startProcess();
    await this.waitForHook(url, target.signal);
  }

  private async waitForHook(url: URL, signal: AbortSignal | undefined): Promise<void> {
    const limit = this.config.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const started = performance.now();
    for (;;) {
      if (await canConnect(host, port, 1000)) return;
      if (signal?.aborted) throw driverError(`stopped while waiting for the POS hook ${url.origin}`);
      const death = this.host.deathNotice();
      if (death) throw driverError(`the POS hook ${url.origin} never accepted connections: ${death}`);
      if (performance.now() - started > limit) {
        const err = describeStderr(this.host.stderr().toString());
        throw driverError(
          `the POS hook ${url.origin} did not accept connections within ${formatDuration(limit)}` +
            (this.config.start ? ` (started: ${this.config.start.join(' ')})` : ' (no driver.start: is your POS running?)') +
            (err ? `; its stderr says: ${err}` : ''),
        );
      }
      await new Promise((r) => setTimeout(r, hookPollMs(performance.now() - started)));
    }
  }

  async perform(action: PosAction, body: ActionBody, options: PerformOptions): Promise<PerformResult> {
    const url = new URL(`${this.baseUrl().href.replace(/\/+$/, '')}/actions/${action}`);
    const outMark = this.host.stdout().mark();
    const errMark = this.host.stderr().mark();
    const timeoutMs = options.timeoutMs || this.config.timeoutsMs?.[action] || DEFAULT_ACTION_TIMEOUTS_MS[action];
    const limit = deadline(options.signal, timeoutMs);
    const captured = () => ({ stdout: this.host.stdout().since(outMark), stderr: this.host.stderr().since(errMark) });
    try {
      const reply = await post(url, JSON.stringify(body), limit.signal);
      const text = reply.body.trim();
      if (reply.status >= 200 && reply.status < 300) {
        const parsed = parseOutcome(text);
        if ('error' in parsed) return { error: `POST ${url.pathname} answered ${reply.status} but the body is ${parsed.error}`, ...captured() };
        return { outcome: parsed.outcome, ...captured() };
      }
      const parsed = parseOutcome(text);
      const outcome = 'outcome' in parsed ? parsed.outcome : { outcome: 'failed' as const, message: text.slice(0, 500) || `HTTP ${reply.status}` };
      return { outcome, error: `the POS answered HTTP ${reply.status} to POST ${url.pathname}${text ? `: ${text.slice(0, 300)}` : ''}`, ...captured() };
    } catch (err) {
      if (limit.timedOut()) {
        return { error: `the POS did not answer POST ${url.pathname} within ${formatDuration(timeoutMs)}`, timedOut: true, ...captured() };
      }
      if (options.signal.aborted) return { error: `POST ${url.pathname} abandoned (${String(options.signal.reason ?? 'aborted')})`, ...captured() };
      const death = this.host.deathNotice();
      return { error: `POST ${url.pathname} failed: ${(err as Error).message}${death ? `; ${death}` : ''}`, ...captured() };
    } finally {
      limit.clear();
    }
  }

  output(): { stdout: string; stderr: string } {
    return this.host.output();
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }
}

function post(url: URL, body: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
        signal,
      },
      (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => {
          if (text.length < 1_000_000) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function httpDriver(config: HttpDriverConfig, context: DriverContext): PosDriver {
  return new HttpDriver(config, context);
}

/**
 * The POS's HTTP hook for the `http` driver (docs/runner.md, Drivers): the runner asks the POS to
 * act with `POST /actions/{action}` and a JSON body, and reads the outcome JSON back.
 *
 *   POST /actions/sale  {"amount": 990}  → 200 {"outcome":"completed","paid":990,…}
 *   GET  /health                         → 200 {"status":"ok",…}
 *
 * A wrong request (unknown action, bad JSON, missing amount) is a 400; a POS that could not
 * do its job at all (connector unreachable) is a 500. Both carry `{"error": "..."}`.
 * A vendor's own POS exposes the same two routes in its own stack.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PosOutcome } from '../pos/types.js';
import { PosRequestError, type ActionBody } from './pos.js';

export interface ActionPerformer {
  perform(action: string, body?: ActionBody): Promise<PosOutcome>;
}

export interface HookServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

export async function startHookServer(
  pos: ActionPerformer,
  options: { host?: string; port?: number; describe?: Record<string, unknown>; log?: (line: string) => void } = {},
): Promise<HookServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const server = createServer((req, res) => {
    handle(pos, req, res, options.describe ?? {}, log).catch((err: unknown) => {
      send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  // Actions such as a sale wait for a customer for minutes: no request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { host, port, close: () => closeServer(server) };
}

async function handle(
  pos: ActionPerformer,
  req: IncomingMessage,
  res: ServerResponse,
  describe: Record<string, unknown>,
  log: (line: string) => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://pos');
  if (url.pathname === '/health') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'use GET /health' });
    return send(res, 200, { status: 'ok', ...describe });
  }
  const match = /^\/actions\/([a-z-]+)$/.exec(url.pathname);
  if (match === null) return send(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}; use POST /actions/{action}` });
  if (req.method !== 'POST') return send(res, 405, { error: `use POST ${url.pathname}` });
  const action = match[1] ?? '';

  let body: ActionBody;
  try {
    body = parseBody(await readBody(req));
  } catch (err) {
    return send(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
  log(`action ${action} ${JSON.stringify(body)}`);
  try {
    const outcome = await pos.perform(action, body);
    log(`action ${action} → ${JSON.stringify(outcome)}`);
    send(res, 200, outcome);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`action ${action} failed: ${message}`);
    send(res, err instanceof PosRequestError ? 400 : 500, { error: message, outcome: 'failed', message });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): ActionBody {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`request body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('request body must be a JSON object such as {"amount": 990}');
  }
  return value as ActionBody;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

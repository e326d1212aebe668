/**
 * The control API of interfaces.md §2 on its own HTTP port: a thin JSON face over the same
 * handle methods the library exposes, plus the web page (`GET /`), a live transcript as
 * Server-Sent Events (`GET /events`), the fault catalogue and the profile.
 *
 * Errors are `4xx {"error": "..."}` naming what was wrong: 400 bad JSON or bad values,
 * 404 unknown path or fault id, 405 wrong method, 409 nothing open, 413 body too large.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CertError, InvalidInputError } from '../errors.js';
import { closest } from '../issues.js';
import type { FaultInfo } from '../faults/engine-types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { InsertOptions, ProfileView, ResetOptions, SimulatorHandle } from './types.js';
import { describeValue, expectRecord, rejectUnknownKeys } from './validate.js';
import { renderWebPage } from './web/page.js';

export interface ControlContext {
  handle: SimulatorHandle;
  /** The newest transcript entries, replayed to a new event stream. */
  transcriptTail(count: number): TranscriptEntry[];
  profile: ProfileView;
  clearErrors(): void;
  listFaultInfo(): FaultInfo[];
  /** Told when the transcript is cleared (reset), so SSE clients can empty their log. */
  onClear(listener: () => void): () => void;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** How much history a new event stream gets (the web page keeps as many lines). */
const SSE_BACKLOG = 2000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;
interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

export function createControlServer(context: ControlContext): Server {
  const sseStreams = new Set<ServerResponse>();
  const routes = buildRoutes(context, sseStreams);
  const server = createServer((req, res) => {
    void handle(routes, req, res);
  });
  // Streams are closed with the server; without this an open web page would keep close() waiting.
  server.on('close', () => {
    for (const stream of sseStreams) stream.end();
  });
  return server;
}

async function handle(routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  try {
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const handler = route.methods[method] ?? (method === 'HEAD' ? route.methods.GET : undefined);
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ');
        throw new HttpError(405, `${method} is not allowed on ${url.pathname} (allowed: ${allow})`, { Allow: allow });
      }
      await handler(req, res, match.slice(1).map((p) => decodeURIComponent(p)));
      return;
    }
    const known = ['/', '/state', '/inventory', '/customer', '/operator', '/faults', '/faults/catalog', '/transcript', '/events', '/reset', '/profile'];
    const guess = closest(url.pathname, known);
    throw new HttpError(404, `no endpoint ${url.pathname}${guess ? ` (did you mean ${guess}?)` : ''}`);
  } catch (err) {
    if (res.headersSent) {
      res.end();
      return;
    }
    const { status, message, headers } = toHttpError(err);
    sendJson(res, status, { error: message }, headers);
  }
}

function toHttpError(err: unknown): { status: number; message: string; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof InvalidInputError) {
    // A message that already names every problem is not repeated ("invalid inventory: recyclers.200: …").
    const details = err.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}${i.hint ? ` (${i.hint})` : ''}`).filter((d) => !err.message.includes(d));
    const message = details.length > 0 ? `${err.message}: ${details.join('; ')}` : err.message;
    return { status: 400, message, headers: {} };
  }
  if (err instanceof CertError) {
    return { status: err.code === 'NOTHING_OPEN' ? 409 : 400, message: err.message, headers: {} };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, message: `internal error: ${message}`, headers: {} };
}

function buildRoutes(context: ControlContext, sseStreams: Set<ServerResponse>): Route[] {
  const { handle } = context;
  return [
    {
      pattern: /^\/$/,
      methods: {
        GET: (_req, res) => {
          const body = renderWebPage();
          res.writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            'Cache-Control': 'no-store',
            // The page is self-contained: nothing may load from elsewhere.
            'Content-Security-Policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
          });
          res.end(body);
        },
      },
    },
    { pattern: /^\/state$/, methods: { GET: (_req, res) => sendJson(res, 200, handle.getState()) } },
    { pattern: /^\/profile$/, methods: { GET: (_req, res) => sendJson(res, 200, context.profile) } },
    {
      pattern: /^\/inventory$/,
      methods: {
        GET: (_req, res) => sendJson(res, 200, handle.getState().inventory),
        PUT: async (req, res) => {
          const body = expectObject(await readJson(req), 'the body');
          handle.setInventory(body);
          sendJson(res, 200, handle.getState());
        },
      },
    },
    {
      pattern: /^\/customer$/,
      methods: {
        POST: async (req, res) => {
          const body = expectObject(await readJson(req), 'the body');
          rejectUnknownKeys(body, ['insert', 'accept', 'cancel', 'confirm'], 'POST /customer');
          if (body.accept !== undefined && body.insert === undefined) {
            throw new HttpError(400, '"accept" goes with "insert": {"insert": [2000], "accept": false} inserts without pressing Accept');
          }
          requireActions(withoutKey(body, 'accept'), ['insert', 'cancel', 'confirm'], ['cancel', 'confirm'], 'POST /customer', 'one of "insert": [cents…], "cancel": true, "confirm": true');
          // The handle checks the value of "accept" before inserting anything.
          if (body.insert !== undefined) handle.insert(body.insert as number[], { accept: body.accept } as InsertOptions);
          if (body.cancel !== undefined) handle.cancel();
          if (body.confirm !== undefined) handle.confirm();
          sendJson(res, 200, handle.getState());
        },
        PUT: async (req, res) => {
          const body = expectObject(await readJson(req), 'the body');
          handle.setCustomer(body as never);
          sendJson(res, 200, { ok: true });
        },
      },
    },
    {
      pattern: /^\/operator$/,
      methods: {
        POST: async (req, res) => {
          const body = expectObject(await readJson(req), 'the body');
          const flags = ['close', 'clearErrors'];
          requireActions(body, flags, flags, 'POST /operator', '"close": true (close the backoffice screen) or "clearErrors": true');
          if (body.clearErrors !== undefined) context.clearErrors();
          if (body.close !== undefined) handle.closeBackoffice();
          sendJson(res, 200, handle.getState());
        },
      },
    },
    {
      pattern: /^\/faults$/,
      methods: {
        GET: (_req, res) => sendJson(res, 200, handle.listFaults()),
        POST: async (req, res) => {
          const body = await readJson(req);
          const id = handle.armFault(expectObject(body, 'the fault') as never);
          sendJson(res, 201, { id }, { Location: `/faults/${encodeURIComponent(id)}` });
        },
      },
    },
    { pattern: /^\/faults\/catalog$/, methods: { GET: (_req, res) => sendJson(res, 200, context.listFaultInfo()) } },
    {
      pattern: /^\/faults\/([^/]+)$/,
      methods: {
        GET: (_req, res, [id]) => {
          const fault = handle.listFaults().find((f) => f.id === id);
          if (!fault) throw new HttpError(404, `no armed fault with id "${id}"`);
          sendJson(res, 200, fault);
        },
        DELETE: (_req, res, [id]) => {
          if (id === undefined || !handle.disarmFault(id)) {
            const ids = handle.listFaults().map((f) => f.id);
            throw new HttpError(404, `no armed fault with id "${id}"${ids.length ? ` (armed: ${ids.join(', ')})` : ' (none is armed)'}`);
          }
          sendJson(res, 200, { id, disarmed: true });
        },
      },
    },
    { pattern: /^\/transcript$/, methods: { GET: (_req, res) => sendJson(res, 200, handle.getTranscript()) } },
    {
      pattern: /^\/events$/,
      methods: { GET: (req, res) => openEventStream(req, res, context, sseStreams) },
    },
    {
      pattern: /^\/reset$/,
      methods: {
        POST: async (req, res) => {
          const body = expectObject(await readJson(req, true), 'the body');
          // Answered once the clients' connections are closed, so the caller's next step finds them gone.
          await handle.reset(body as ResetOptions);
          sendJson(res, 200, handle.getState());
        },
      },
    },
  ];
}

/** Server-Sent Events: the transcript so far, then every new entry; `event: reset` when it is cleared. */
function openEventStream(req: IncomingMessage, res: ServerResponse, context: ControlContext, streams: Set<ServerResponse>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  const send = (entry: TranscriptEntry) => res.write(`event: entry\ndata: ${JSON.stringify(entry)}\n\n`);
  for (const entry of context.transcriptTail(SSE_BACKLOG)) send(entry);
  const unsubscribe = context.handle.onEntry(send);
  const unClear = context.onClear(() => res.write('event: reset\ndata: {}\n\n'));
  // Comments keep proxies and the browser from giving up on a quiet stream.
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  streams.add(res);
  const stop = () => {
    clearInterval(keepAlive);
    unsubscribe();
    unClear();
    streams.delete(res);
  };
  req.on('close', stop);
  res.on('close', stop);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

async function readJson(req: IncomingMessage, allowEmpty = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') {
    if (allowEmpty) return {};
    throw new HttpError(400, 'request body is empty; expected JSON');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

function expectObject(value: unknown, what: string): Record<string, unknown> {
  try {
    return expectRecord(value, what);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
}

function withoutKey(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _omitted, ...rest } = body;
  return rest;
}

function expectTrue(value: unknown, key: string): void {
  if (value !== true) throw new HttpError(400, `"${key}" must be true, got ${describeValue(value)}`);
}

/**
 * Checks a POST body of actions before any is done: only `keys`, at least one of them, and
 * each of `flags` present must be `true`.
 */
function requireActions(body: Record<string, unknown>, keys: readonly string[], flags: readonly string[], route: string, needs: string): void {
  rejectUnknownKeys(body, keys, route);
  if (keys.every((k) => body[k] === undefined)) throw new HttpError(400, `${route} needs ${needs}`);
  for (const flag of flags) if (body[flag] !== undefined) expectTrue(body[flag], flag);
}

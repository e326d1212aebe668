/**
 * The control API (docs/simulator.md, Control API reference) on its own HTTP port: a thin JSON face over the same
 * handle methods the library exposes, plus the web page (`GET /`), a live transcript as
 * Server-Sent Events (`GET /events`), the fault catalogue and the profile.
 *
 * Errors are `4xx {"error": "..."}` naming what was wrong: 400 bad JSON or bad values,
 * 404 unknown path or fault id, 405 wrong method, 409 nothing open, 413 body too large.
 * A 400 for bad values also lists them, `"problems": [{"path", "message", "hint"?}]`, with
 * every problem of the body at once.
 *
 * A local admin API must not be reachable from a web page the tester happens to have open
 * (OWASP, local admin APIs): requests whose `Host` is not a loopback name or address (or the
 * `--host` chosen) are refused, which stops DNS rebinding; state-changing requests from a
 * foreign `Origin` are refused (403), and JSON bodies must say `Content-Type:
 * application/json` (415), which a cross-site form or `text/plain` fetch cannot send without
 * a preflight the API never grants.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CertError, InvalidInputError } from '../errors.js';
import { closest } from '../format/issues.js';
import type { FaultInfo } from '../faults/engine-types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { InsertOptions, ProfileView, ResetOptions, SimulatorHandle, TicketsView } from './types.js';
import { checkBodyObject, checkCustomerAction, checkOperatorAction, InvalidRequestError, problemText, type RequestProblem } from './validate.js';
import { renderWebPage } from './web/page.js';

export interface ControlContext {
  handle: SimulatorHandle;
  /** The address the user bound the simulator to (`--host`): accepted in `Host` besides loopback. */
  host?: string;
  /** The newest transcript entries, replayed to a new event stream. */
  transcriptTail(count: number): TranscriptEntry[];
  /** Entries from index `since`, at most `limit` and about `maxBytes` of JSON (GET /transcript pages). */
  transcriptPage(since: number, limit: number, maxBytes?: number): TranscriptEntry[];
  /** Entries since start or the last reset. */
  transcriptSize(): number;
  profile: ProfileView;
  clearErrors(): void;
  listFaultInfo(): FaultInfo[];
  /** Told when the transcript is cleared (reset), so SSE clients can empty their log. */
  onClear(listener: () => void): () => void;
  /** The CashlogyTickets look-alike's folder (GET /tickets); null or absent when it does not run. */
  tickets?(): TicketsView | null;
  /**
   * Answers a request instead of the routes below, after the Host/Origin guard (the proxy in
   * front of a real connector: its own page, no inventory); undefined lets the routes answer.
   */
  override?(method: string, path: string): { status: number; json?: unknown; html?: string } | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * `GET /transcript` answers at most this many entries (the default and the largest `limit`) and
 * about TRANSCRIPT_PAGE_BYTES of JSON; `X-Transcript-Next` and a `Link: rel="next"` header say
 * where the next page starts.
 */
export const TRANSCRIPT_PAGE_ENTRIES = 10_000;
export const TRANSCRIPT_PAGE_BYTES = 4 * 1024 * 1024;
/** Entries serialised per write while a transcript page streams out. */
const TRANSCRIPT_WRITE_BATCH = 256;
/** How much history a new event stream gets (the web page keeps as many lines). */
const SSE_BACKLOG = 2000;
/**
 * Unsent bytes an event stream may hold before it is dropped: a client that stopped reading
 * must not make the simulator buffer its whole transcript. The browser's EventSource
 * reconnects by itself and resumes after `Last-Event-ID`.
 */
export const SSE_MAX_BUFFERED_BYTES = 256 * 1024;
/** Event streams open at once; more get 503 with `Retry-After`. */
export const SSE_MAX_STREAMS = 16;
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

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
  const feed = createEventFeed(context);
  const routes = buildRoutes(context, sseStreams, feed);
  const server = createServer((req, res) => {
    void handle(routes, req, res, context);
  });
  server.on('close', () => feed.stop());
  // Streams are closed with the server; without this an open web page would keep close() waiting.
  server.on('close', () => {
    for (const stream of sseStreams) stream.end();
  });
  return server;
}

async function handle(routes: Route[], req: IncomingMessage, res: ServerResponse, context: ControlContext): Promise<void> {
  const method = req.method ?? 'GET';
  try {
    guardRequest(req, method, context.host);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, `malformed request path ${JSON.stringify(req.url)}`);
    }
    const answer = context.override?.(method, url.pathname);
    if (answer !== undefined) {
      if (answer.status >= 400) throw new HttpError(answer.status, String((answer.json as { error?: unknown } | undefined)?.error ?? ''));
      if (answer.html === undefined) return sendJson(res, answer.status, answer.json ?? null);
      res.writeHead(answer.status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:" });
      res.end(answer.html);
      return;
    }
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const handler = route.methods[method] ?? (method === 'HEAD' ? route.methods.GET : undefined);
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ');
        throw new HttpError(405, `${method} is not allowed on ${url.pathname} (allowed: ${allow})`, { Allow: allow });
      }
      await handler(req, res, match.slice(1).map((p) => decodePathPart(p)));
      return;
    }
    const known = ['/', '/state', '/inventory', '/customer', '/operator', '/faults', '/faults/catalog', '/transcript', '/events', '/reset', '/profile', '/tickets'];
    const guess = closest(url.pathname, known);
    throw new HttpError(404, `no endpoint ${url.pathname}${guess ? ` (did you mean ${guess}?)` : ''}`);
  } catch (err) {
    if (res.headersSent) {
      res.end();
      return;
    }
    const { status, message, headers, problems } = toHttpError(err);
    sendJson(res, status, { error: message, ...(problems !== undefined ? { problems } : {}) }, headers);
  }
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in the path: "${part}"`);
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** `Host` header → host name (brackets kept off for IPv6) and port, or undefined when unreadable. */
function splitHost(value: string): { name: string; port?: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim());
  if (!m) return undefined;
  const name = (m[1] as string).toLowerCase().replace(/^\[|\]$/g, '');
  return m[2] !== undefined ? { name, port: Number(m[2]) } : { name };
}

function allowedHostName(name: string, chosen: string | undefined): boolean {
  if (LOOPBACK_NAMES.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name) || name.endsWith('.localhost')) return true;
  if (chosen === undefined) return false;
  const bound = chosen.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === bound) return true;
  // Bound to every interface: an address literal is fine, a DNS name is what rebinding uses.
  return WILDCARDS.has(bound) && (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes(':'));
}

/** Host (DNS rebinding), Origin (cross-site requests) and Content-Type checks, before any route. */
function guardRequest(req: IncomingMessage, method: string, chosenHost: string | undefined): void {
  const host = req.headers.host;
  const parsed = host === undefined ? undefined : splitHost(host);
  const localPort = req.socket.localPort;
  if (!parsed || !allowedHostName(parsed.name, chosenHost) || (parsed.port !== undefined && parsed.port !== localPort)) {
    throw new HttpError(403, `refused Host ${JSON.stringify(host ?? '')}: the control API answers only to a loopback name or address${chosenHost ? ` or ${chosenHost}` : ''} on port ${localPort} (a guard against DNS rebinding; see docs/simulator.md)`);
  }
  if (!STATE_CHANGING.has(method)) return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let o: URL | undefined;
    try {
      o = new URL(origin);
    } catch {
      o = undefined;
    }
    const same = o !== undefined && o.protocol === 'http:' && allowedHostName(o.hostname.replace(/^\[|\]$/g, ''), chosenHost) && Number(o.port || 80) === localPort;
    if (!same) throw new HttpError(403, `refused a ${method} from Origin ${origin}: the control API takes state-changing requests only from its own page or from tools that send no foreign Origin`);
  } else if (origin === 'null' || req.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpError(403, `refused a cross-site ${method}: the control API takes state-changing requests only from its own page or from tools`);
  }
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (hasBody && type !== 'application/json') {
    throw new HttpError(415, `a request body must be JSON sent with Content-Type: application/json (got ${type ? `"${type}"` : 'no Content-Type'}); e.g. curl -H 'Content-Type: application/json' -d '{…}'`);
  }
}

function toHttpError(err: unknown): { status: number; message: string; headers: Record<string, string>; problems?: RequestProblem[] } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof InvalidRequestError) return { status: 400, message: err.message, headers: {}, problems: err.problems };
  if (err instanceof InvalidInputError) {
    const problems = err.issues
      .filter((i) => i.severity === 'error')
      .map((i): RequestProblem => ({ path: i.path ?? '', message: i.message, ...(i.hint !== undefined ? { hint: i.hint } : {}) }));
    // A message that already names every problem is not repeated ("invalid inventory: recyclers.200: …").
    const details = problems.map(problemText).filter((d) => !err.message.includes(d));
    const message = details.length > 0 ? `${err.message}: ${details.join('; ')}` : err.message;
    return { status: 400, message, headers: {}, problems };
  }
  if (err instanceof CertError) {
    return { status: err.code === 'NOTHING_OPEN' ? 409 : 400, message: err.message, headers: {} };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, message: `internal error: ${message}`, headers: {} };
}

function buildRoutes(context: ControlContext, sseStreams: Set<ServerResponse>, feed: EventFeed): Route[] {
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
    { pattern: /^\/tickets$/, methods: { GET: (_req, res) => sendJson(res, 200, ticketsBody(context.tickets?.() ?? null)) } },
    {
      pattern: /^\/inventory$/,
      methods: {
        GET: (_req, res) => sendJson(res, 200, handle.getState().inventory),
        PUT: async (req, res) => {
          const body = checkBodyObject(await readJson(req));
          handle.setInventory(body);
          sendJson(res, 200, handle.getState());
        },
      },
    },
    {
      pattern: /^\/customer$/,
      methods: {
        POST: async (req, res) => {
          // Every part of the body is checked before any of it is done.
          const body = checkCustomerAction(checkBodyObject(await readJson(req)));
          if (body.insert !== undefined) handle.insert(body.insert, { accept: body.accept } as InsertOptions);
          if (body.cancel !== undefined) handle.cancel();
          if (body.confirm !== undefined) handle.confirm();
          sendJson(res, 200, handle.getState());
        },
        PUT: async (req, res) => {
          const body = checkBodyObject(await readJson(req));
          handle.setCustomer(body as never);
          sendJson(res, 200, { ok: true });
        },
      },
    },
    {
      pattern: /^\/operator$/,
      methods: {
        POST: async (req, res) => {
          const body = checkOperatorAction(checkBodyObject(await readJson(req)));
          if (body.clearErrors !== undefined) context.clearErrors();
          if (body.close !== undefined) handle.closeBackoffice();
          sendJson(res, 200, handle.getState());
        },
      },
    },
    {
      pattern: /^\/faults$/,
      methods: {
        // The list stays a bare array (pinned); the dialect in force rides along in a header, since a
        // fault's effect on the wire depends on it (docs/protocol-choices.md).
        GET: (_req, res) => sendJson(res, 200, handle.listFaults(), dialectHeader(handle.getState())),
        POST: async (req, res) => {
          const body = await readJson(req);
          const id = handle.armFault(checkBodyObject(body) as never);
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
    { pattern: /^\/transcript$/, methods: { GET: (req, res) => sendTranscriptPage(req, res, context) } },
    {
      pattern: /^\/events$/,
      methods: { GET: (req, res) => openEventStream(req, res, context, sseStreams, feed) },
    },
    {
      pattern: /^\/reset$/,
      methods: {
        POST: async (req, res) => {
          const body = checkBodyObject(await readJson(req, true));
          // Answered once the clients' connections are closed, so the caller's next step finds them gone.
          await handle.reset(body as ResetOptions);
          sendJson(res, 200, handle.getState());
        },
      },
    },
  ];
}

/**
 * Numbers the transcript entries for event ids (`<generation>-<index>`: a reset starts a new
 * generation), so a stream dropped for falling behind resumes where it stopped.
 */
interface EventFeed {
  generation(): number;
  stop(): void;
}

function createEventFeed(context: ControlContext): EventFeed {
  let generation = 0;
  const stop = context.onClear(() => {
    generation++;
  });
  return { generation: () => generation, stop };
}

/**
 * Server-Sent Events: the transcript so far, then every new entry; `event: reset` when it is
 * cleared. Bounded: a stream whose unsent bytes pass SSE_MAX_BUFFERED_BYTES is ended (the
 * EventSource reconnects with `Last-Event-ID` and gets what it missed, up to SSE_BACKLOG
 * entries); at most SSE_MAX_STREAMS streams are open at once.
 */
function openEventStream(req: IncomingMessage, res: ServerResponse, context: ControlContext, streams: Set<ServerResponse>, feed: EventFeed): void {
  if (streams.size >= SSE_MAX_STREAMS) {
    throw new HttpError(503, `too many event streams open (at most ${SSE_MAX_STREAMS}); close one and retry`, { 'Retry-After': '5' });
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  let dropped = false;
  const write = (text: string) => {
    if (dropped) return;
    res.write(text);
    if (res.writableLength > SSE_MAX_BUFFERED_BYTES) {
      // Behind by more than the bound: stop buffering for it; the client resumes by id.
      dropped = true;
      res.destroy();
    }
  };
  const send = (entry: TranscriptEntry, at: number) => write(`id: ${feed.generation()}-${at}\nevent: entry\ndata: ${JSON.stringify(entry)}\n\n`);
  // Only the backlog is read: the transcript itself may be far larger than memory (spilled to disk).
  const size = context.transcriptSize();
  const resumeAt = resumeIndex(req.headers['last-event-id'], feed.generation(), size);
  const from = Math.max(resumeAt ?? 0, size - SSE_BACKLOG);
  if (resumeAt === undefined && req.headers['last-event-id'] !== undefined) write('event: reset\ndata: {}\n\n');
  context.transcriptPage(from, size - from, Number.POSITIVE_INFINITY).forEach((entry, k) => send(entry, from + k));
  let index = size;
  const unsubscribe = context.handle.onEntry((entry) => send(entry, index++));
  const unClear = context.onClear(() => {
    index = 0;
    write('event: reset\ndata: {}\n\n');
  });
  // Comments keep proxies and the browser from giving up on a quiet stream.
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15_000);
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

/** Where a reconnecting stream resumes: after its last id, in the same generation; else from the start. */
function resumeIndex(header: string | string[] | undefined, generation: number, length: number): number | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[1]) !== generation) return undefined;
  return Math.min(Number(m[2]) + 1, length);
}

/**
 * `GET /transcript[?since=<index>&limit=<n>]`: the pinned shape (a JSON array of entries, in
 * order), one bounded page of it, written entry by entry so no giant string is built.
 * `X-Transcript-Total` is the number of entries; `X-Transcript-Next` (and `Link: rel="next"`)
 * the index to ask for next, present only when entries remain after this page.
 */
async function sendTranscriptPage(req: IncomingMessage, res: ServerResponse, context: ControlContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const since = queryInteger(url, 'since', 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInteger(url, 'limit', TRANSCRIPT_PAGE_ENTRIES, TRANSCRIPT_PAGE_ENTRIES);
  const total = context.transcriptSize();
  const entries = limit === 0 ? [] : context.transcriptPage(since, limit, TRANSCRIPT_PAGE_BYTES);
  const next = Math.min(since, total) + entries.length;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Transcript-Total': String(total),
  };
  if (next < total && entries.length > 0) {
    headers['X-Transcript-Next'] = String(next);
    headers.Link = `</transcript?since=${next}&limit=${limit}>; rel="next"`;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let open = true;
  res.on('close', () => {
    open = false;
  });
  for (let k = 0; k < entries.length && open; k += TRANSCRIPT_WRITE_BATCH) {
    const batch = entries.slice(k, k + TRANSCRIPT_WRITE_BATCH).map((e) => JSON.stringify(e));
    const text = (k === 0 ? '[' : ',') + batch.join(',');
    // A slow reader holds one batch at a time, not the page as one string.
    if (!res.write(text)) await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  res.end(entries.length === 0 ? '[]' : ']');
}

function queryInteger(url: URL, name: string, fallback: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new HttpError(400, `query parameter ${name} must be an integer from 0 to ${max}, got ${JSON.stringify(text)} (page the transcript with ?since=<index>&limit=<n>)`);
  }
  return Number(text);
}

/** `X-Cashlogy-Dialect: cancelReply=idle; u2Level=short; …` from the state's `dialect`, when it has one. */
function dialectHeader(state: object): Record<string, string> {
  const dialect = (state as { dialect?: unknown }).dialect;
  if (typeof dialect !== 'object' || dialect === null) return {};
  return { 'X-Cashlogy-Dialect': Object.entries(dialect).map(([k, v]) => `${k}=${String(v)}`).join('; ') };
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

/** GET /tickets: one shape whether the look-alike runs or not, so a client needs no special case. */
function ticketsBody(view: TicketsView | null): Record<string, unknown> {
  if (view === null) return { enabled: false, dir: null, mode: null, running: false, pending: [], queued: [], current: null, answers: [] };
  return { enabled: true, ...view };
}

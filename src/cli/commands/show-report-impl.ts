/**
 * What `cashlogy-cert show-report` does once its arguments are parsed; loaded only when it runs
 * (show-report.ts registers the command and its help).
 */
import { createReadStream, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../io.js';
import { DEFAULT_PARENT, REPORT_FILE, type ShowReportFlags } from './show-report.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.zip': 'application/zip',
};

function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${text}"`);
  return Number(text);
}

/** The newest run folder under `parent` that holds a checklist.html (by its result's finishedAt, else the file's time). */
export function newestReport(parent: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return undefined;
  }
  let best: { dir: string; at: number } | undefined;
  for (const name of names) {
    const dir = join(parent, name);
    const html = join(dir, REPORT_FILE);
    if (!existsSync(html)) continue;
    let at = statSync(html).mtimeMs;
    try {
      const finished = Date.parse(String((JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { finishedAt?: unknown }).finishedAt));
      if (Number.isFinite(finished)) at = finished;
    } catch {
      // No readable result.json: the report file's own time orders it.
    }
    if (best === undefined || at > best.at) best = { dir, at };
  }
  return best?.dir;
}

function reportFolder(dir: string | undefined, cwd: string): string {
  if (dir === undefined) {
    const parent = resolve(cwd, DEFAULT_PARENT);
    const newest = newestReport(parent);
    if (newest === undefined) {
      throw new UsageError(`no report under ./${DEFAULT_PARENT}/ (no */${REPORT_FILE}): give a run's report folder, e.g. cashlogy-cert show-report path/to/out`);
    }
    return newest;
  }
  const target = resolve(cwd, dir);
  if (!existsSync(target)) throw new UsageError(`no folder ${dir}: give a run's report folder (its --out)`);
  const folder = statSync(target).isDirectory() ? target : resolve(target, '..');
  if (!existsSync(join(folder, REPORT_FILE))) {
    throw new UsageError(`${dir} holds no ${REPORT_FILE}: render it with cashlogy-cert report ${join(dir, 'result.json')} --format html --out ${dir}`);
  }
  return folder;
}

/**
 * The file a request path names inside `root` (a real path), or why it is refused. Pure apart
 * from the file system lookups: `..` segments (raw or percent-encoded) and symlinks that resolve
 * outside the folder are refused, not normalised away.
 */
export function servedFile(root: string, rawPath: string): { file: string } | { status: 400 | 403 | 404; why: string } {
  const pathPart = rawPath.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return { status: 400, why: 'the path is not valid percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400, why: 'the path holds a NUL or a backslash' };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { status: 403, why: 'outside the report folder' };
  const wanted = segments.length === 0 ? REPORT_FILE : segments.join(sep);
  const candidate = join(root, wanted);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { status: 404, why: `no ${segments.join('/') || REPORT_FILE} in the report folder` };
  }
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { status: 403, why: 'outside the report folder' };
  if (!statSync(real).isFile()) return { status: 404, why: `${segments.join('/')} is not a file` };
  return { file: real };
}

export async function showReport(dir: string | undefined, flags: ShowReportFlags, io: CliIo): Promise<number> {
  const port = parsePort(flags.port);
  const folder = reportFolder(dir, io.cwd);
  const root = realpathSync(folder);
  let hosts: Set<string> = new Set();
  const server = createServer((req, res) => handle(req, res, root, hosts));
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new UsageError(`--port ${port} is in use: pick another, or --port 0 for any free port`) : err),
    );
    server.listen(port, '127.0.0.1', () => ok());
  });
  const bound = (server.address() as AddressInfo).port;
  hosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`]);
  const shown = relative(io.cwd, folder) || '.';
  io.stdout.write(`Serving ${shown} on loopback only. Press Ctrl-C to stop.\n`);
  io.stdout.write(`http://127.0.0.1:${bound}/${REPORT_FILE}\n`);
  await io.interrupted;
  await new Promise<void>((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
  return 0;
}

function handle(req: IncomingMessage, res: ServerResponse, root: string, hosts: ReadonlySet<string>): void {
  const refuse = (status: number, why: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${status}: ${why}\n`);
  };
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) return refuse(403, 'this server answers only to 127.0.0.1 and localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'only GET and HEAD');
  const raw = req.url ?? '/';
  if (raw === '/' || raw.startsWith('/?')) {
    res.writeHead(302, { location: `/${REPORT_FILE}` });
    res.end();
    return;
  }
  const found = servedFile(root, raw);
  if (!('file' in found)) return refuse(found.status, found.why);
  res.writeHead(200, {
    'content-type': TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': statSync(found.file).size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.file).pipe(res);
}

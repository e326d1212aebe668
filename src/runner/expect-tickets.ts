/**
 * Evaluation of the Cashlogy Tickets expectations over an item's transcript (PURE, like
 * ./expect.ts). A tickets POS talks to the machine through files in one shared folder; the
 * look-alike records them as transcript entries that carry a `file` (docs/tickets.md, "File
 * events"):
 *
 *   dir in     the POS's request as CashlogyTickets read it     file: "<name>.azk", data: JSON
 *   dir out    CashlogyTickets' answer                          file: "<name>.OK|.NOK", data: JSON
 *   event      what the look-alike saw (kind "file")            data: "written in place: …",
 *                                                                "reused name: …", "removed: …",
 *                                                                "ignored: …", "rejected: …"
 *
 * The sentence prefixes are the contract between the look-alike and these checks.
 */
import type { Expectation } from '../checklist/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { formatMs, type Evaluation, type Marker, type WireContext } from './expect.js';
import { describeMatcher, matchValue } from './patterns.js';

/** A transcript entry that may name a file of the tickets folder. */
export type FileEntry = TranscriptEntry;

/** The file event sentences' prefixes (docs/tickets.md). */
export const FILE_EVENT = {
  writtenInPlace: 'written in place:',
  reusedName: 'reused name:',
  reusedTicket: 'reused ticket:',
  removed: 'removed:',
  ignored: 'ignored:',
  rejected: 'rejected:',
} as const;

/** A request or an answer, with its JSON content (undefined when it is not a JSON object). */
export interface TicketsFile {
  entry: FileEntry;
  file: string;
  content: Record<string, unknown> | undefined;
}

export function parseTicketsJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function fileOf(e: TranscriptEntry): string | undefined {
  return typeof e.file === 'string' ? e.file : undefined;
}

/** The POS's requests CashlogyTickets read, from entry `from` on. */
export function requestsIn(entries: readonly TranscriptEntry[], from = 0, to = entries.length): TicketsFile[] {
  const out: TicketsFile[] = [];
  for (let i = from; i < Math.min(to, entries.length); i++) {
    const e = entries[i] as FileEntry;
    const file = fileOf(e);
    if (e.dir === 'in' && file !== undefined) out.push({ entry: e, file, content: parseTicketsJson(e.data) });
  }
  return out;
}

/** The answers CashlogyTickets wrote (`.OK`/`.NOK`), from entry `from` on. */
export function answersIn(entries: readonly TranscriptEntry[], from = 0, to = entries.length): TicketsFile[] {
  const out: TicketsFile[] = [];
  for (let i = from; i < Math.min(to, entries.length); i++) {
    const e = entries[i] as FileEntry;
    const file = fileOf(e);
    if (e.dir === 'out' && file !== undefined) out.push({ entry: e, file, content: parseTicketsJson(e.data) });
  }
  return out;
}

/** File events (kind "file") whose sentence starts with `prefix`, from entry `from` on. */
export function fileEvents(entries: readonly TranscriptEntry[], prefix: string, from = 0): FileEntry[] {
  return entries.slice(from).filter((e): e is FileEntry => e.dir === 'event' && e.kind === 'file' && e.data.startsWith(prefix));
}

/** "OK" / "NOK" from an answer's file name, or undefined. */
export function answerKind(file: string): 'OK' | 'NOK' | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toUpperCase();
  return ext === 'OK' || ext === 'NOK' ? ext : undefined;
}

function describeRequest(r: TicketsFile): string {
  return `${r.file} ${r.entry.data.length > 160 ? `${r.entry.data.slice(0, 160)}…` : r.entry.data} (${formatMs(r.entry.at)})`;
}

function requestsSummary(requests: readonly TicketsFile[], limit = 4): string {
  if (requests.length === 0) return 'CashlogyTickets read no request from the POS';
  const shown = requests.slice(0, limit).map(describeRequest);
  return `requests read: ${shown.join('; ')}${requests.length > limit ? ` … (${requests.length} requests)` : ''}`;
}

export function evaluateRequests(exp: Extract<Expectation, { type: 'requests' }>, since: Marker, ctx: WireContext): Evaluation {
  const endAt = exp.withinMs === undefined ? Infinity : since.at + exp.withinMs;
  const closed = ctx.final || ctx.now >= endAt;
  const atLeast = exp.count?.atLeast ?? 1;
  const atMost = exp.count?.atMost;
  const names = Object.keys(exp.fields);
  const what = names.length ? ` with ${names.map((f) => `${f} ${describeMatcher(exp.fields[f] as never, ctx)}`).join(', ')}` : '';
  const countText =
    atMost !== undefined ? (atLeast === atMost ? `exactly ${atLeast}` : `${atLeast} to ${atMost}`) : atLeast > 1 ? `at least ${atLeast}` : 'a';
  const expected =
    `the POS writes ${countText} request${atMost === 1 || (atMost === undefined && atLeast <= 1) ? '' : 's'}${what}` +
    (exp.withinMs !== undefined ? ` within ${formatMs(exp.withinMs)}` : ' before the item ends');
  const all = requestsIn(ctx.entries, since.index);
  const misses: string[] = [];
  const matching: TicketsFile[] = [];
  let late = 0;
  for (const r of all) {
    const problems = names.flatMap((f) => {
      const check = matchValue(exp.fields[f] as never, r.content?.[f], ctx);
      return check.ok ? [] : [`${f}: ${check.why}`];
    });
    if (problems.length > 0) {
      misses.push(`${r.file}: ${r.content === undefined ? 'not a JSON object' : problems.join(', ')}`);
      continue;
    }
    if (r.entry.at > endAt) late++;
    else matching.push(r);
  }
  const actual = `${requestsSummary(all)}${misses.length ? ` (not matching: ${misses.join('; ')})` : ''}`;
  const n = matching.length;
  if (atMost !== undefined && n + late > atMost) {
    return { status: 'failed', expected, actual, why: `the POS wrote ${n + late} matching requests, at most ${atMost} allowed` };
  }
  if (n >= atLeast && (atMost === undefined || ctx.final)) return { status: 'passed', expected, actual };
  if (n >= atLeast || !closed) return { status: 'pending', expected, actual };
  return {
    status: 'failed',
    expected,
    actual,
    why: n === 0 ? `CashlogyTickets never read a request${what} from the POS` : `the POS wrote ${n} matching requests, at least ${atLeast} expected`,
  };
}

export function evaluateNoFileEvent(exp: Extract<Expectation, { type: 'noFileEvent' }>, since: Marker, ctx: WireContext): Evaluation {
  const expected = `CashlogyTickets sees no "${exp.prefix}" file event`;
  const found = fileEvents(ctx.entries, exp.prefix, since.index);
  if (found.length > 0) {
    const first = found[0] as FileEntry;
    return {
      status: 'failed',
      expected,
      actual: `${found.length} such event${found.length === 1 ? '' : 's'}, first: ${first.data}${first.file !== undefined ? ` (${first.file})` : ''}`,
      why: first.data,
    };
  }
  return ctx.final ? { status: 'passed', expected, actual: 'no such event' } : { status: 'pending', expected, actual: 'no such event so far' };
}

export function evaluateUniqueRequests(ctx: WireContext): Evaluation {
  const expected = 'every request has its own file name and its own ticket number';
  const requests = requestsIn(ctx.entries);
  const actual = requestsSummary(requests);
  const reused = fileEvents(ctx.entries, FILE_EVENT.reusedName);
  if (reused.length > 0) return { status: 'failed', expected, actual, why: `the POS reused a request file name (${(reused[0] as FileEntry).data})` };
  const reusedTicket = fileEvents(ctx.entries, FILE_EVENT.reusedTicket);
  if (reusedTicket.length > 0) return { status: 'failed', expected, actual, why: `the POS reused a ticket number (${(reusedTicket[0] as FileEntry).data})` };
  const byName = new Map<string, TicketsFile>();
  const byTicket = new Map<string, TicketsFile>();
  for (const r of requests) {
    const earlier = byName.get(r.file);
    if (earlier) return { status: 'failed', expected, actual, why: `the POS reused the request file name ${r.file}` };
    byName.set(r.file, r);
    const ticket = r.content?.['ticket'];
    if (typeof ticket === 'string' || typeof ticket === 'number') {
      const key = String(ticket);
      const same = byTicket.get(key);
      if (same) return { status: 'failed', expected, actual, why: `the POS reused the ticket number ${JSON.stringify(key)} (${same.file}, then ${r.file})` };
      byTicket.set(key, r);
    }
  }
  if (!ctx.final) return { status: 'pending', expected, actual };
  if (requests.length < 2) {
    return { status: 'errored', expected, actual, why: `the premise never happened: uniqueness needs two requests, CashlogyTickets read ${requests.length}` };
  }
  return { status: 'passed', expected, actual };
}

export function evaluateAnswersRemoved(exp: Extract<Expectation, { type: 'answersRemoved' }>, since: Marker, ctx: WireContext): Evaluation {
  const expected = `the POS removes every answer it got within ${formatMs(exp.withinMs)} of its writing`;
  const answers = answersIn(ctx.entries, since.index);
  const removals = fileEvents(ctx.entries, FILE_EVENT.removed, since.index);
  if (answers.length === 0) {
    return ctx.final
      ? { status: 'errored', expected, actual: 'CashlogyTickets wrote no answer', why: 'the premise never happened: CashlogyTickets wrote no answer to remove' }
      : { status: 'pending', expected, actual: 'no answer yet' };
  }
  const left: string[] = [];
  const late: string[] = [];
  const lateNames: string[] = [];
  const done: string[] = [];
  let open = false;
  for (const a of answers) {
    const deadline = a.entry.at + exp.withinMs;
    const removed = removals.find((r) => r.file === a.file && r.at >= a.entry.at);
    if (removed && removed.at <= deadline) done.push(`${a.file} after ${formatMs(removed.at - a.entry.at)}`);
    else if (removed) {
      late.push(`${a.file} after ${formatMs(removed.at - a.entry.at)}`);
      lateNames.push(a.file);
    }
    else if (!ctx.final && ctx.now < deadline) open = true;
    else left.push(a.file);
  }
  const actual = [
    done.length ? `removed: ${done.join(', ')}` : '',
    late.length ? `removed late: ${late.join(', ')}` : '',
    left.length ? `never removed: ${left.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (left.length > 0 || late.length > 0) {
    return { status: 'failed', expected, actual, why: `the POS left its answer${left.length + lateNames.length === 1 ? '' : 's'} ${[...left, ...lateNames].join(', ')} in the folder` };
  }
  if (open) return { status: 'pending', expected, actual: actual || 'waiting' };
  return { status: 'passed', expected, actual };
}

/** `names`: the files in the shared folder when the item ended (undefined: it could not be listed). */
export function evaluateRequestsLeft(exp: Extract<Expectation, { type: 'requestsLeft' }>, names: readonly string[] | undefined, ctx: WireContext): Evaluation {
  const expected = `at most ${exp.atMost} request file${exp.atMost === 1 ? '' : 's'} (${exp.extension}) left in the folder when the item ends`;
  if (!ctx.final) return { status: 'pending', expected, actual: 'the item is still running' };
  if (names === undefined) return { status: 'errored', expected, actual: 'the shared folder could not be listed', why: 'the shared folder could not be listed (is this a tickets integration?)' };
  const ext = exp.extension.toLowerCase();
  const left = names.filter((n) => n.toLowerCase().endsWith(ext) && n.length > ext.length).sort();
  const actual = left.length === 0 ? 'no request file left' : `${left.length} left: ${left.slice(0, 6).join(', ')}${left.length > 6 ? ' …' : ''}`;
  if (left.length > exp.atMost) {
    return { status: 'failed', expected, actual, why: `${left.length} request file${left.length === 1 ? ' is' : 's are'} still in the folder` };
  }
  return { status: 'passed', expected, actual };
}

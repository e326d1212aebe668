/**
 * The transport faults of a link, as Toxiproxy stacks toxics on it: one book of armed transport
 * faults shared by every connection, consulted per direction.
 *
 *   to the machine:  connect(conn)            ─► refuse? (close the connection at once)
 *                    command(conn, frame)     ─► counted, so `nth` and `command` triggers match
 *   to the POS:      reply(conn, code, frame) ─► { fired, delivery } (stale, corrupt, split,
 *                                                 latency, silence, disconnect, reset)
 *
 * The connection layer (src/server/session.ts) carries the delivery out at the socket; the same
 * chain could sit in a proxy in front of a real connector, where it sees the same frames.
 * The chain also numbers every fault the simulator arms (f1, f2…), so ids stay unique when a
 * domain fault goes to the machine's own book instead: `arm` hands those back.
 */
import { parseFrame } from '../protocol/codec.js';
import { armFault, consult, disarmFault, faultStatuses, forgetConnection, invalidFault, newFaultBook, resetFaultBook, type FaultBook } from './book.js';
import { createRandom } from '../random.js';
import { mergeDeliveries } from './delivery.js';
import type { Delivery, FiredFault } from './engine-types.js';
import { getFaultDefinition, validateFaultSpec } from './registry.js';
import type { FaultSpec, FaultStatus } from './spec.js';

export interface FaultChain {
  /**
   * Validates and numbers a fault. A transport fault is armed in the chain; a domain fault is
   * only numbered and handed back (`plane: 'domain'`) for the machine's book. Throws
   * InvalidInputError listing every problem.
   */
  arm(spec: unknown): { id: string; spec: FaultSpec; plane: 'domain' | 'transport' | 'tickets' };
  /** Disarms a transport fault; false when the chain does not hold that id. */
  disarm(id: string): boolean;
  /** The transport faults, in arm order. */
  list(): FaultStatus[];
  /** Disarm everything, number from f1 again, restart the random source from the seed. */
  reset(): void;
  /** To the machine: a new connection. The faults that fired (a refuse closes it). */
  connect(conn: number, nowMs: number): FiredFault[];
  /** A connection closed: what the chain remembers about it goes. */
  disconnect(conn: number): void;
  /** To the machine: a complete frame, counted for the triggers. */
  command(conn: number, frame: string, nowMs: number): void;
  /** To the POS: a reply about to leave; how it must be delivered, if a fault shapes it. */
  reply(conn: number, command: string, frame: string, nowMs: number): { fired: FiredFault[]; delivery?: Delivery };
}

export interface FaultChainOptions {
  /** Currency symbol for the sentences; default "€". */
  currency?: string;
}

/** The real chain: `nowMs` is wall-clock ms, the time base of network faults. */
export function createFaultChain(seed: number, options: FaultChainOptions = {}): FaultChain {
  let book: FaultBook = newFaultBook(seed, { ...(options.currency !== undefined ? { currency: options.currency } : {}) });
  let nextId = 1;
  /**
   * Open connection → its last genuine reply (a stale-reply armed later replays it). A Map the
   * chain empties as connections close: one entry per open connection, set and dropped in O(1).
   */
  const lastReplies = new Map<number, string>();

  const run = (opportunity: Parameters<typeof consult>[1], nowMs: number, previousReply?: string): FiredFault[] => {
    const result = consult(book, opportunity, nowMs, previousReply !== undefined ? { previousReply } : {});
    book = result.book;
    return result.fired;
  };

  return {
    arm(input) {
      const { spec, problems } = validateFaultSpec(input);
      if (spec === undefined) throw invalidFault(problems);
      const id = `f${nextId++}`;
      // Tickets faults belong to the CashlogyTickets look-alike's own book.
      if (getFaultDefinition(spec.type).info.plane === 'tickets') return { id, spec, plane: 'tickets' };
      if (getFaultDefinition(spec.type).toxic === undefined) return { id, spec, plane: 'domain' };
      book = armFault(book, spec, { id }).book;
      return { id, spec, plane: 'transport' };
    },
    disarm(id) {
      const result = disarmFault(book, id);
      book = result.book;
      return result.disarmed;
    },
    list: () => faultStatuses(book),
    reset() {
      book = resetFaultBook(book);
      lastReplies.clear();
      nextId = 1;
    },
    connect: (conn, nowMs) => run({ point: 'connect', conn }, nowMs),
    disconnect(conn) {
      lastReplies.delete(conn);
      book = forgetConnection(book, conn);
    },
    command(conn, frame, nowMs) {
      // Nothing armed: nothing to count (a fault armed later counts the command in progress itself).
      if (book.armed.length === 0) return;
      const parsed = parseFrame(frame, { strict: false });
      if (parsed.ok) run({ point: 'command', conn, command: parsed.command.code, frame }, nowMs);
    },
    reply(conn, command, frame, nowMs) {
      const previousReply = lastReplies.get(conn);
      // The same reply again (a POS polling #T#) leaves the Map as it is.
      if (previousReply !== frame) lastReplies.set(conn, frame);
      if (book.armed.length === 0) return { fired: [] };
      const fired = run({ point: 'reply', conn, command, frame }, nowMs, previousReply);
      if (fired.length === 0) return { fired };
      const random = createRandom(book.random);
      const delivery = mergeDeliveries(fired, frame, previousReply, random);
      book = { ...book, random: random.state() };
      return { fired, ...(delivery !== undefined ? { delivery } : {}) };
    },
  };
}

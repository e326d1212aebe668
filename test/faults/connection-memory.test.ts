/**
 * What the fault book remembers per connection stays bounded by the connections that are open:
 * a simulator serving one connection per sale for days must not copy a record of every
 * connection it ever saw on each frame (that made a long-running simulator slower and slower).
 */
import { describe, expect, it } from 'vitest';
import { armFault, consult, forgetConnection, newFaultBook } from '../../src/faults/book.js';
import { createFaultChain } from '../../src/faults/chain.js';

describe('per-connection memory of the fault book', () => {
  it('with nothing armed, neither a command nor a reply changes the book, and forgetting a connection is free', () => {
    const book = newFaultBook(1);
    expect(consult(book, { point: 'command', conn: 1, command: 'T', frame: '#T#' }, 0).book).toBe(book);
    expect(consult(book, { point: 'reply', conn: 1, command: 'T', frame: '#0#100#0#' }, 0).book).toBe(book);
    expect(consult(book, { point: 'connect', conn: 2 }, 0).book).toBe(book);
    expect(forgetConnection(book, 1)).toBe(book);
  });

  it("a stale-reply replays the connection's previous reply given by the holder, and fires only with one", () => {
    const book = armFault(newFaultBook(1), { type: 'stale-reply', on: { command: 'T' } }).book;
    const opportunity = { point: 'reply', conn: 1, command: 'T', frame: '#0#200#0#' } as const;
    expect(consult(book, opportunity, 0).fired).toEqual([]);
    const fired = consult(book, opportunity, 0, { previousReply: '#0#100#0#' }).fired;
    expect(fired.map((f) => f.type)).toEqual(['stale-reply']);
    expect(fired[0]?.sentence).toContain('#0#100#0#');
  });

  it('forgets a closed connection: its last reply, its operations and the ordinals of armed faults', () => {
    let book = armFault(newFaultBook(1), { type: 'disconnect', on: { command: 'C', nth: 3 } }).book;
    for (const conn of [1, 2]) {
      book = consult(book, { point: 'command', conn, command: 'C', frame: '#C#1#1#100#0#0#0#0#0#0#0#0#' }, 0).book;
      book = consult(book, { point: 'reply', conn, command: 'C', frame: '#0#100#0#0#' }, 0).book;
    }
    const forgotten = forgetConnection(book, 1);
    expect(Object.keys(forgotten.operations).every((key) => key.startsWith('2\u0000'))).toBe(true);
    expect(Object.keys(forgotten.armed[0]?.ordinals ?? {}).every((key) => key.startsWith('2\u0000'))).toBe(true);
    // The fault still counts every matching command it saw: its third one fires, wherever it comes from.
    expect(forgotten.armed[0]?.matched).toBe(2);
    const third = consult(forgotten, { point: 'command', conn: 3, command: 'C', frame: '#C#1#1#100#0#0#0#0#0#0#0#0#' }, 0);
    expect(consult(third.book, { point: 'reply', conn: 3, command: 'C', frame: '#0#100#0#0#' }, 0).fired.map((f) => f.type)).toEqual(['disconnect']);
    expect(forgetConnection(forgotten, 1)).toBe(forgotten);
  });

  it('after 10,000 connections came and went, a stale-reply on an open one still replays its own last reply, and a closed one has none', () => {
    const chain = createFaultChain(1);
    chain.arm({ type: 'latency', ms: 5, on: { command: 'Q' } });
    const stale = chain.arm({ type: 'stale-reply', on: { command: 'T', nth: 1_000_000 } });
    for (let conn = 1; conn <= 10_000; conn++) {
      chain.connect(conn, 0);
      chain.command(conn, '#T#', 0);
      chain.reply(conn, 'T', `#0#${conn}#0#`, 0);
      chain.disconnect(conn);
    }
    // A connection still open keeps its last reply: a stale-reply on it replays that one.
    chain.command(10_001, '#T#', 0);
    chain.reply(10_001, 'T', '#0#1#0#', 0);
    chain.disarm(stale.id);
    chain.arm({ type: 'stale-reply', on: { command: 'T' } });
    chain.command(10_001, '#T#', 0);
    expect(chain.reply(10_001, 'T', '#0#2#0#', 0).delivery?.replaceWith).toBe('#0#1#0#');
    // A connection that closed and whose id came back (never, in the simulator) has no last reply to replay.
    chain.arm({ type: 'stale-reply', on: { command: 'T' } });
    chain.command(5, '#T#', 0);
    expect(chain.reply(5, 'T', '#0#3#0#', 0)).toEqual({ fired: [] });
    chain.command(10_001, '#T#', 0);
    expect(chain.reply(10_001, 'T', '#0#4#0#', 0).delivery?.replaceWith).toBe('#0#2#0#');
  });
});

/**
 * A tiny scripted CashlogyConnector for transport-level tests: every frame the client sends
 * is handed to `answer`, which returns the reply pieces to write (each piece a separate
 * write, with a pause so they arrive as separate segments), or 'close' / 'silence'.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Answer = string | string[] | { pieces: string[]; pauseMs?: number } | 'close' | 'silence';

export interface FakeConnector {
  port: number;
  /** Every frame received, in order, with its connection number. */
  received: { conn: number; frame: string }[];
  connections: number;
  /** Write raw bytes to the latest connection. */
  push(text: string): void;
  close(): Promise<void>;
}

export async function startFakeConnector(answer: (frame: string, conn: number) => Answer | Promise<Answer>): Promise<FakeConnector> {
  const sockets = new Set<Socket>();
  let latest: Socket | null = null;
  const state: FakeConnector = {
    port: 0,
    received: [],
    connections: 0,
    push: (text) => latest?.write(text, 'latin1'),
    close: () => closeAll(server, sockets),
  };
  const server: Server = createServer((socket) => {
    const conn = ++state.connections;
    sockets.add(socket);
    latest = socket;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      // Frames are `#…#`; a new one starts right after the closing `#` (the client sends bare frames).
      const frames: string[] = [];
      for (let frame = splitFirstFrame(buffer); frame !== undefined; frame = splitFirstFrame(buffer)) {
        frames.push(frame);
        buffer = buffer.slice(frame.length);
      }
      for (const frame of frames) {
        state.received.push({ conn, frame });
        chain = chain.then(async () => {
          const reply = await answer(frame, conn);
          await deliver(socket, reply);
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/**
 * The client writes one frame per command and waits, except `#!#`; so a buffer holds whole
 * frames back to back. Known command codes let us split `#C#…##!#` correctly enough for tests.
 */
function splitFirstFrame(buffer: string): string | undefined {
  if (!buffer.startsWith('#')) return undefined;
  const next = buffer.indexOf('##', 1);
  if (next >= 0) return buffer.slice(0, next + 1);
  return buffer.endsWith('#') && buffer.length > 2 ? buffer : undefined;
}

async function deliver(socket: Socket, reply: Answer): Promise<void> {
  if (reply === 'silence') return;
  if (reply === 'close') {
    socket.end();
    return;
  }
  const pieces = typeof reply === 'string' ? [reply] : Array.isArray(reply) ? reply : reply.pieces;
  const pauseMs = typeof reply === 'object' && !Array.isArray(reply) ? (reply.pauseMs ?? 60) : 60;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    if (!socket.destroyed) socket.write(pieces[i] as string, 'latin1');
  }
}

function closeAll(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

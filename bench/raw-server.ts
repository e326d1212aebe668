/**
 * The physical limit the simulator is measured against: a bare `node:net` server process that
 * answers each known frame with fixed bytes, at once, and does nothing else (no parsing, no
 * state, no log). It is what any TCP server in Node costs on this machine; the benchmarks
 * print the simulator's figures as a ratio to it.
 *
 *   node raw-server.js '{"#T#":"#0#123#0#","#I#":"#0#2.01#"}'
 *   → {"event":"listening","port":40123}     (first stdout line; port 0 = any free port)
 *
 * Frames not in the table get `#ER:BAD_DATA#`, so a client that sends something else sees it.
 * Compiled and run by bench/build.ts; only ever on 127.0.0.1.
 */
import { createServer, type Socket } from 'node:net';

const replies = new Map<string, Buffer>();
const table = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
for (const [frame, reply] of Object.entries(table)) replies.set(frame, Buffer.from(reply, 'latin1'));
const refused = Buffer.from('#ER:BAD_DATA#', 'latin1');

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    // A frame is `#X#` (the benchmarks send only parameterless commands): answer each complete one.
    while (pending.length >= 3 && pending.charCodeAt(0) === 0x23) {
      const end = pending.indexOf('#', 1);
      if (end < 0) break;
      const frame = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      socket.write(replies.get(frame) ?? refused);
    }
    if (pending.length > 0 && pending.charCodeAt(0) !== 0x23) pending = '';
  });
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.end());
}

const server = createServer({ noDelay: true }, serve);
server.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});
// Ended by the benchmark with SIGINT or SIGTERM, like the simulator.
const stop = () => process.exit(0);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * Opening and closing the listening sockets of the simulator and of the proxy, with the same
 * errors: a port in use or not allowed says which flag chooses another.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import { RuntimeError } from '../errors.js';

/**
 * Listens on host:port (0 = any free port) and settles with the bound port. `who` starts the
 * error message ("cannot listen…", "the proxy cannot listen…"); `inUseHint` says what may hold
 * the port.
 */
export function listenOn(server: Server | HttpServer, host: string, port: number, what: 'protocol' | 'control', options: { who?: string; inUseHint?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const flag = what === 'protocol' ? '--port' : '--control-port';
      const reason =
        err.code === 'EADDRINUSE'
          ? `port ${port} is already in use${options.inUseHint ? ` (${options.inUseHint})` : ''}; choose another with ${flag}, or 0 for any free port`
          : err.code === 'EACCES'
            ? `permission denied for port ${port}; use a port above 1023 with ${flag}`
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? `address ${host} is not available on this machine (--host)`
              : err.message;
      const who = options.who === undefined ? 'cannot listen' : `${options.who} cannot listen`;
      reject(new RuntimeError('SIMULATOR', `${who} for the ${what} on ${host}:${port}: ${reason}`, { cause: err }));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** Closes an HTTP server now, keep-alive and streaming (SSE) connections included. */
export function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

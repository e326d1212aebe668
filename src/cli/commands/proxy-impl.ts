/**
 * What `cashlogy-cert proxy` does once its flags are parsed: start the proxy and log its
 * traffic until Ctrl-C, exactly as `simulate` logs (the same event lines); loaded only when it
 * runs (proxy.ts registers the command and its help).
 */
import { Chalk } from 'chalk';
import { UsageError } from '../../errors.js';
import type { FaultSpec } from '../../faults/spec.js';
import { ProxyFaultError, startProxy } from '../../proxy/proxy.js';
import { isTransportFault, parseUpstream } from '../../proxy/upstream.js';
import { loadFaultsFile, parseFaultArg } from '../faults.js';
import type { CliIo } from '../io.js';
import type { ProxyFlags } from './proxy.js';
import { boundedLog, LOG_MAX_BUFFERED_BYTES } from '../bounded-log.js';
import { humanLine, writeJsonLine } from '../log-lines.js';

export async function runProxy(flags: ProxyFlags, io: CliIo): Promise<number> {
  if (flags.upstream === undefined) {
    throw new UsageError('--upstream <host:port> is required: the address of the real CashlogyConnector (e.g. --upstream 192.168.1.20:8092)');
  }
  const upstream = parseUpstream(flags.upstream);
  const port = parsePort(flags.port, '--port');
  const controlPort = flags.controlPort === 'none' ? null : parsePort(flags.controlPort, '--control-port');
  if (!/^-?\d+$/.test(flags.seed)) throw new UsageError(`--seed must be an integer, got "${flags.seed}"`);
  const faults: FaultSpec[] = [];
  if (flags.faults !== undefined) faults.push(...loadFaultsFile(flags.faults));
  for (const text of flags.fault) faults.push(parseFaultArg(text));
  for (const spec of faults) if (!isTransportFault(spec)) throw new ProxyFaultError(spec.type);

  const proxy = await startProxy({ upstream, host: flags.host, port, controlPort, seed: Number(flags.seed), faults });
  const log = boundedLog(io.stdout, LOG_MAX_BUFFERED_BYTES, (count) =>
    flags.json ? JSON.stringify({ event: 'dropped', count }) : `… ${count} log lines dropped: the terminal or pipe did not keep up (GET /transcript has them all)`,
  );
  const out = (line: string) => log.line(line);
  const color = new Chalk({ level: io.stdout.isTTY === true && io.env.NO_COLOR === undefined ? 1 : 0 });
  const upstreamText = `${upstream.host.includes(':') ? `[${upstream.host}]` : upstream.host}:${upstream.port}`;
  if (flags.json) {
    out(JSON.stringify({ event: 'listening', host: proxy.host, port: proxy.port, controlPort: proxy.controlPort, upstream: upstreamText }));
  } else {
    out(color.bold(`cashlogy-cert proxy → CashlogyConnector at ${upstreamText} · seed ${flags.seed}`));
    out(`  protocol  ${proxy.host}:${proxy.port}   (point the POS here)`);
    if (proxy.controlPort !== null) out(`  control   http://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.controlPort}/   (web page and control API)`);
    for (const fault of proxy.listFaults()) out(`  fault     ${fault.id}: ${fault.description}`);
    out(color.dim('Every byte is relayed unchanged; only the armed transport faults change what the POS gets. Press Ctrl-C to stop.'));
  }
  const unsubscribe = proxy.onEntry(flags.json ? (entry) => log.encoded(writeJsonLine, entry) : (entry) => out(humanLine(entry, color)));

  const signal = await io.interrupted;
  unsubscribe();
  await proxy.close();
  log.flushDropped();
  if (flags.json) out(JSON.stringify({ event: 'stopped', signal }));
  else out(color.dim(`stopped (${signal})`));
  log.flushDropped();
  return 0;
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 = any free port), got "${text}"`);
  return n;
}

/**
 * What a run or the proxy needs to know about a real connector before anything starts: where it
 * is (`host:port`) and which faults can be injected in front of it. Kept apart from the proxy
 * itself, which only a run with `--connector` and `cashlogy-cert proxy` load.
 */
import { UsageError } from '../errors.js';
import { getFaultDefinition, validateFaultSpec } from '../faults/registry.js';

export interface Upstream {
  host: string;
  port: number;
}

/** `host:port` (an IPv6 address in brackets) → {host, port}; throws UsageError naming the problem. */
export function parseUpstream(text: string, flag = '--upstream'): Upstream {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`${flag} must be <host>:<port> of the CashlogyConnector (e.g. 192.168.1.20:8092), got "${text}"`);
  }
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}

/** Whether a fault spec is a transport fault the proxy can inject (false for domain faults and invalid specs). */
export function isTransportFault(spec: unknown): boolean {
  const { spec: valid } = validateFaultSpec(spec);
  return valid !== undefined && getFaultDefinition(valid.type).toxic !== undefined;
}

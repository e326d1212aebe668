#!/usr/bin/env node
/**
 * The reference POS as a process, the way a vendor's POS runs under the `http` driver:
 *
 *   CASHLOGY_HOST=127.0.0.1 CASHLOGY_PORT=8092 POS_HOOK_PORT=9100 \
 *     npx tsx src/reference-pos/main.ts --integration complete --features refund
 *
 * Design switches (designs.ts) are flags too: `--recovery ask-cashier`, `--error-check
 * next-operation`, `--connection per-command`, `--accept-button on`, `--line-end crlf`,
 * `--reply-read idle`, `--poll-interval-ms 1000`.
 *
 * Serves `POST /actions/{action}` and `GET /health` on 127.0.0.1:POS_HOOK_PORT (0 or unset:
 * any free port), prints one JSON line `{"event":"listening",...}` on stdout, logs its
 * traffic on stderr (`--quiet` to silence it), and exits 0 on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { INTEGRATION_TYPES, POS_FEATURES, type IntegrationType } from '../pos/types.js';
import { DESIGN_KEYS, designFlag, parseDesign } from '../pos/reference-designs.js';
import { startHookServer } from './hook-server.js';
import { ReferencePos } from './pos.js';

function fail(message: string): never {
  process.stderr.write(`reference-pos: ${message}\n`);
  process.exit(1);
}

function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${name}=${JSON.stringify(text)} is not a TCP port`);
  return port;
}

async function main(): Promise<void> {
  let values: { integration?: string; features?: string; quiet?: boolean } & Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        integration: { type: 'string', default: 'express' },
        features: { type: 'string', default: '' },
        quiet: { type: 'boolean', default: false },
        ...Object.fromEntries(DESIGN_KEYS.map((key) => [designFlag(key).slice(2), { type: 'string' as const }])),
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const integration = values.integration as IntegrationType;
  if (!INTEGRATION_TYPES.includes(integration) || integration === 'tickets') {
    fail(`--integration must be express, complete or mixed, got ${JSON.stringify(values.integration)}`);
  }
  const features = (values.features ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = features.filter((f) => !(POS_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) fail(`unknown feature(s) ${unknown.join(', ')}; known: ${POS_FEATURES.join(', ')}`);

  const { design, problems } = parseDesign(
    Object.fromEntries(DESIGN_KEYS.map((key) => [key, values[designFlag(key).slice(2)]])),
    designFlag,
  );
  if (problems.length > 0) fail(problems.join('; '));

  const host = process.env['CASHLOGY_HOST'] || '127.0.0.1';
  const port = portFrom('CASHLOGY_PORT', 8092);
  const hookPort = portFrom('POS_HOOK_PORT', 0);
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`[reference-pos] ${line}\n`);

  const pos = new ReferencePos({ host, port, integration, features, design, log });
  const hook = await startHookServer(pos, { host: '127.0.0.1', port: hookPort, describe: { integration, features, design }, log });
  process.stdout.write(`${JSON.stringify({ event: 'listening', host: hook.host, port: hook.port, connector: `${host}:${port}`, integration, features, design })}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log?.(`${signal}: stopping`);
    await hook.close();
    await pos.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

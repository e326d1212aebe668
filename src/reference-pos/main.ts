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
 * A tickets integration (`--integration tickets`) exchanges files in CASHLOGY_TICKETS_DIR instead
 * (tickets.ts), with its own switches: `--answer-wait poll|watch`, `--temp-name
 * dot-prefix|part-suffix`, `--answer-timeout-ms 120000`.
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
import { TICKETS_DESIGNS, TicketsPos, type TicketsDesign } from './tickets.js';

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
        'answer-wait': { type: 'string' },
        'temp-name': { type: 'string' },
        'answer-timeout-ms': { type: 'string' },
        ...Object.fromEntries(DESIGN_KEYS.map((key) => [designFlag(key).slice(2), { type: 'string' as const }])),
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const integration = values.integration as IntegrationType;
  if (!INTEGRATION_TYPES.includes(integration)) {
    fail(`--integration must be ${INTEGRATION_TYPES.slice(0, -1).join(', ')} or ${INTEGRATION_TYPES.at(-1) ?? ''}, got ${JSON.stringify(values.integration)}`);
  }
  if (integration === 'tickets') return mainTickets(values, portFrom('POS_HOOK_PORT', 0));
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

/** The tickets mode: files in CASHLOGY_TICKETS_DIR, no TCP connection. */
async function mainTickets(values: Record<string, string | boolean | undefined>, hookPort: number): Promise<void> {
  const dir = process.env['CASHLOGY_TICKETS_DIR'];
  if (!dir) fail('a tickets integration needs CASHLOGY_TICKETS_DIR: the shared requests folder of CashlogyTickets');
  const design: Partial<TicketsDesign> = {};
  const answerWait = values['answer-wait'];
  if (answerWait !== undefined) {
    if (!(TICKETS_DESIGNS.answerWait as readonly unknown[]).includes(answerWait)) fail(`--answer-wait must be ${TICKETS_DESIGNS.answerWait.join(' or ')}, got ${JSON.stringify(answerWait)}`);
    design.answerWait = answerWait as TicketsDesign['answerWait'];
  }
  const tempName = values['temp-name'];
  if (tempName !== undefined) {
    if (!(TICKETS_DESIGNS.tempName as readonly unknown[]).includes(tempName)) fail(`--temp-name must be ${TICKETS_DESIGNS.tempName.join(' or ')}, got ${JSON.stringify(tempName)}`);
    design.tempName = tempName as TicketsDesign['tempName'];
  }
  const timeoutText = values['answer-timeout-ms'];
  const answerTimeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (answerTimeoutMs !== undefined && (!Number.isInteger(answerTimeoutMs) || answerTimeoutMs < 100 || answerTimeoutMs > 3_600_000)) {
    fail(`--answer-timeout-ms must be a whole number of ms from 100 to 3600000, got ${JSON.stringify(timeoutText)}`);
  }
  const log = values['quiet'] ? undefined : (line: string) => process.stderr.write(`[reference-pos] ${line}\n`);
  const pos = new TicketsPos({ dir: dir as string, design, ...(answerTimeoutMs !== undefined ? { answerTimeoutMs } : {}), ...(log ? { log } : {}) });
  const hook = await startHookServer(pos, { host: '127.0.0.1', port: hookPort, describe: { integration: 'tickets', ticketsDir: dir, design }, ...(log ? { log } : {}) });
  process.stdout.write(`${JSON.stringify({ event: 'listening', host: hook.host, port: hook.port, ticketsDir: dir, integration: 'tickets', design })}\n`);
  const stop = async () => {
    await hook.close();
    await pos.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

/**
 * Where the simulator's time goes under the latency benchmark's load: `simulate --json` (log
 * piped and read) runs under `node --cpu-prof` while 100 clients ask `#T#`, then the profile's
 * top self-time functions are printed (docs/bench.md, "Where the time goes").
 *
 *   npx tsx bench/profile.ts [--clients 100] [--requests 200] [--human | --raw] [--keep]
 *
 * --raw profiles the limit instead (bench/raw-server.ts under the same load), to compare like with like.
 *
 * --keep leaves the .cpuprofile (open it in Chrome DevTools) and prints its path.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from './build.js';
import { humanListening, jsonListening, startServer } from './child.js';
import { roundTrip, simulateArgs } from './latency-bench.js';

/** What the raw server answers under --raw: replies of the simulator's shape (the exact amounts do not matter here). */
const RAW_REPLIES = { '#I#': '#0#2.01#', '#T#': '#0#123450#0#' };
import { BenchClient } from './tcp-client.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name + file:line), in ms, highest first. */
export function selfTimes(profile: CpuProfile, root = ''): Array<{ where: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    all += delta;
    if (!node) return;
    const frame = node.callFrame;
    const file = frame.url.replace(/^file:\/\//, '').replace(root, '');
    const where = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    totals.set(where, (totals.get(where) ?? 0) + delta);
  });
  return [...totals.entries()].map(([where, ms]) => ({ where, ms, share: ms / Math.max(all, 1e-9) })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { clients: { type: 'string', default: '100' }, requests: { type: 'string', default: '200' }, human: { type: 'boolean', default: false }, raw: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, top: { type: 'string', default: '25' } },
  });
  const clients = Number(values.clients);
  const requests = Number(values.requests);
  const cli = buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'cashlogy-profile-'));
  try {
    const sim = values.raw
      ? await startServer('raw node:net', process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, cli.rawServer, JSON.stringify(RAW_REPLIES)], jsonListening)
      : await startServer(values.human ? 'simulate' : 'simulate --json', process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...simulateArgs(cli.bin, !values.human)], values.human ? humanListening : jsonListening);
    const open = await Promise.all(Array.from({ length: clients }, () => BenchClient.open(sim.port)));
    await open[0]?.request('#I#', 2);
    const start = performance.now();
    await Promise.all(open.map(async (client) => {
      for (let i = 0; i < requests; i++) await roundTrip(client);
    }));
    const elapsed = performance.now() - start;
    for (const client of open) client.destroy();
    await sim.stop();
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const rows = selfTimes(profile, `${cli.root}/`);
    process.stdout.write(`${clients} clients × ${requests} #T# in ${(elapsed / 1000).toFixed(2)} s (${Math.round((clients * requests * 1000) / elapsed)} req/s); log read: ${(sim.stdoutBytes() / 1024 / 1024).toFixed(1)} MB\n`);
    process.stdout.write(`self time of the ${values.raw ? 'raw server' : 'simulator'} process, top ${values.top}:\n`);
    for (const row of rows.slice(0, Number(values.top))) process.stdout.write(`${row.ms.toFixed(0).padStart(7)} ms ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.where}\n`);
    if (values.keep) process.stdout.write(`profile: ${join(dir, file)}\n`);
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    cli.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

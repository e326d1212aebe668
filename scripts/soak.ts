/**
 * `npm run soak`: a seeded protocol fuzzer against `cashlogy-cert simulate` run as a separate
 * process (issue 19; method and figures in docs/reliability.md).
 *
 *   npm run soak                                  # 1 000 000 frames, seed 1
 *   npm run soak -- --frames 50000 --seed 7       # a shorter run, another seed
 *   npm run soak -- --skip huge-amount            # leave a probe out
 *
 * Probes (scripts/soak/probes.ts) run in rounds; after every probe (a batch) the process must be
 * up, GET /state must answer, a fresh client's `#T#` must say what GET /state says, and money
 * must be conserved. Meanwhile the simulator's RSS is sampled from /proc, and a monitor times a
 * fresh client's `#T#` and GET /state. Prints the figures; exits 1 on any miss of the targets.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkAfterBatch, type Target } from './soak/checks.js';
import { createRandom } from './soak/fuzz.js';
import { PROBES } from './soak/probes.js';

const TARGETS = { rssMiB: 256, totalsMs: 50, stateMs: 200, minutes: 7 };
/** The soak kills the simulator past this, so a runaway probe cannot take the machine down with it. */
const RSS_KILL_MIB = 1536;
/** Share of the frame budget per probe (the rest are fixed small counts). */
const WEIGHTS: Record<string, number> = { mixed: 0.35, burst: 0.3, 'never-reads': 0.1, 'stalled-log': 0.1, 'stalled-sse': 0.1, cancels: 0.05 };
const FIXED: Record<string, number> = { split: 1500, oversized: 100, connects: 1000, 'huge-amount': 3 };
const ROUNDS = 4;

interface Args {
  frames: number;
  seed: number;
  skip: Set<string>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { frames: 1_000_000, seed: 1, skip: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = (what: string) => {
      if (value === undefined) fail(`${flag} needs ${what}`);
      i++;
      return value as string;
    };
    if (flag === '--frames') {
      const n = Number(need('a number of frames'));
      if (!Number.isInteger(n) || n < 1000) fail(`--frames must be an integer ≥ 1000, got ${value}`);
      args.frames = n;
    } else if (flag === '--seed') {
      const n = Number(need('an integer'));
      if (!Number.isInteger(n)) fail(`--seed must be an integer, got ${value}`);
      args.seed = n;
    } else if (flag === '--skip') {
      for (const name of need('probe names').split(',')) {
        if (!(name in PROBES)) fail(`--skip: no probe "${name}" (probes: ${Object.keys(PROBES).join(', ')})`);
        args.skip.add(name);
      }
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: npm run soak -- [--frames N] [--seed S] [--skip probe,...]\n');
      process.exit(0);
    } else fail(`unknown argument ${flag} (usage: npm run soak -- [--frames N] [--seed S] [--skip probe,...])`);
  }
  return args;
}

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n`);
  process.exit(2);
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface BatchFigures {
  probe: string;
  round: number;
  frames: number;
  seconds: number;
  peakRssMiB: number;
  maxTotalsMs: number;
  maxStateMs: number;
  problems: string[];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = join(import.meta.dirname, '..');
  const random = createRandom(args.seed);
  // Node with tsx as a loader: one process, so /proc/<pid> is the simulator itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulate', '--port', '0', '--control-port', '0', '--json', '--time-scale', '0.01'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exit ${code ?? signal}`;
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 20_000) stderr += b.toString();
  });
  const lines = createInterface({ input: child.stdout });
  let droppedLog = 0;
  let logLines = 0;
  const listening = await new Promise<Target>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 60 s; stderr: ${stderr}`)), 60_000);
    lines.on('line', (line) => {
      logLines++;
      if (line.includes('"dropped"')) droppedLog += (JSON.parse(line) as { count: number }).count;
      if (logLines === 1) {
        clearTimeout(timer);
        const l = JSON.parse(line) as { host: string; port: number; controlPort: number };
        resolve({ host: l.host, port: l.port, controlPort: l.controlPort });
      }
    });
  });
  const pid = child.pid as number;
  const stallLog = (stalled: boolean) => (stalled ? child.stdout.pause() : child.stdout.resume());

  // Samplers: RSS every 50 ms; a fresh #T# and GET /state every 200 ms.
  let current: BatchFigures | undefined;
  let peakRss = 0;
  let killedForMemory = false;
  const rssTimer = setInterval(() => {
    const rss = procStatus(pid, 'VmRSS');
    if (rss === undefined) return;
    peakRss = Math.max(peakRss, rss);
    if (current) current.peakRssMiB = Math.max(current.peakRssMiB, rss);
    if (rss > RSS_KILL_MIB && !killedForMemory) {
      killedForMemory = true;
      child.kill('SIGKILL');
    }
  }, 50);
  const latency = { totals: [] as number[], state: [] as number[], hangs: 0 };
  // The monitor is its own process: the fuzzer's work in this one must not delay what it measures.
  const monitor = spawn(process.execPath, ['--import', 'tsx', 'scripts/soak/monitor.ts', listening.host, String(listening.port), String(listening.controlPort)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  createInterface({ input: monitor.stdout }).on('line', (line) => {
    const sample = JSON.parse(line) as { totalsMs: number | null; stateMs: number | null };
    if (sample.totalsMs !== null) {
      latency.totals.push(sample.totalsMs);
      if (current) current.maxTotalsMs = Math.max(current.maxTotalsMs, sample.totalsMs);
    } else if (!exited) latency.hangs++;
    if (sample.stateMs !== null) {
      latency.state.push(sample.stateMs);
      if (current) current.maxStateMs = Math.max(current.maxStateMs, sample.stateMs);
    } else if (!exited) latency.hangs++;
  });
  const monitorDone = new Promise((r) => monitor.once('exit', r));

  const batches: BatchFigures[] = [];
  const counts = { frames: 0, crashes: 0, hangs: 0, wrongReplies: 0, moneyMismatches: 0 };
  const started = performance.now();
  const plan: { probe: string; round: number; frames: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of Object.keys(PROBES)) {
      if (args.skip.has(name) || name === 'huge-amount') continue;
      const frames = WEIGHTS[name] !== undefined ? Math.max(100, Math.floor((args.frames * (WEIGHTS[name] as number)) / ROUNDS)) : Math.ceil((FIXED[name] ?? 100) / ROUNDS);
      plan.push({ probe: name, round, frames });
    }
  }
  // Last: it may take the process down until the machine's automatic customer is bounded.
  if (!args.skip.has('huge-amount')) plan.push({ probe: 'huge-amount', round: ROUNDS, frames: 3 });

  for (const step of plan) {
    if (exited) break;
    const figures: BatchFigures = { probe: step.probe, round: step.round, frames: 0, seconds: 0, peakRssMiB: 0, maxTotalsMs: 0, maxStateMs: 0, problems: [] };
    current = figures;
    const t0 = performance.now();
    try {
      const result = await (PROBES[step.probe] as (typeof PROBES)[string])({ target: listening, random, frames: step.frames, stallLog });
      figures.frames = result.frames;
      figures.problems.push(...result.problems);
      counts.wrongReplies += result.problems.length;
    } catch (err) {
      if (!exited) figures.problems.push(`probe failed: ${(err as Error).message}`);
    }
    if (exited) {
      counts.crashes++;
      figures.problems.push(killedForMemory ? `simulator killed by the soak: RSS over ${RSS_KILL_MIB} MiB` : `simulator process ended (${exited}); stderr: ${stderr.slice(-2000)}`);
    } else {
      try {
        const check = await checkAfterBatch(listening);
        for (const p of check.problems) {
          figures.problems.push(p);
          if (p.startsWith('money')) counts.moneyMismatches++;
          else counts.wrongReplies++;
        }
      } catch (err) {
        counts.hangs++;
        figures.problems.push(`check after the batch failed: ${(err as Error).message}`);
      }
    }
    figures.seconds = (performance.now() - t0) / 1000;
    counts.frames += figures.frames;
    batches.push(figures);
    process.stdout.write(
      `${step.probe.padEnd(12)} round ${step.round}  ${String(figures.frames).padStart(8)} frames  ${figures.seconds.toFixed(1).padStart(6)} s  peak RSS ${figures.peakRssMiB.toFixed(0).padStart(4)} MiB  #T# max ${figures.maxTotalsMs.toFixed(0).padStart(5)} ms  /state max ${figures.maxStateMs.toFixed(0).padStart(5)} ms${figures.problems.length ? `  PROBLEMS: ${figures.problems.slice(0, 3).join(' | ')}` : ''}\n`,
    );
  }
  current = undefined;
  monitor.stdin.end();
  await monitorDone;
  clearInterval(rssTimer);
  const minutes = (performance.now() - started) / 60_000;
  const hwm = procStatus(pid, 'VmHWM');
  // SIGTERM and time to close: the simulator removes its transcript spill folder on the way out.
  child.kill('SIGTERM');
  for (let waited = 0; !exited && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (!exited) child.kill('SIGKILL');
  counts.hangs += latency.hangs;

  const p = (xs: number[], q: number) => (xs.length === 0 ? 0 : ([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number));
  const maxTotals = Math.max(0, ...latency.totals);
  const maxState = Math.max(0, ...latency.state);
  const peak = Math.max(peakRss, hwm ?? 0);
  const misses: string[] = [];
  if (counts.crashes > 0) misses.push(`${counts.crashes} crash(es)`);
  if (counts.hangs > 0) misses.push(`${counts.hangs} hang(s)`);
  if (counts.wrongReplies > 0) misses.push(`${counts.wrongReplies} wrong repl(y/ies) or probe problem(s)`);
  if (counts.moneyMismatches > 0) misses.push(`${counts.moneyMismatches} money mismatch(es)`);
  if (peak > TARGETS.rssMiB) {
    const worst = batches.reduce((a, b) => (b.peakRssMiB > a.peakRssMiB ? b : a), batches[0] as BatchFigures);
    misses.push(`peak RSS ${peak.toFixed(0)} MiB > ${TARGETS.rssMiB} MiB (worst probe: ${worst?.probe})`);
  }
  if (maxTotals > TARGETS.totalsMs) misses.push(`fresh #T# took up to ${maxTotals.toFixed(0)} ms > ${TARGETS.totalsMs} ms`);
  if (maxState > TARGETS.stateMs) misses.push(`GET /state took up to ${maxState.toFixed(0)} ms > ${TARGETS.stateMs} ms`);
  if (counts.frames >= 1_000_000 && minutes > TARGETS.minutes) misses.push(`${counts.frames} frames took ${minutes.toFixed(1)} min > ${TARGETS.minutes} min`);

  process.stdout.write(
    [
      '',
      `soak: seed ${args.seed}, ${counts.frames} frames in ${minutes.toFixed(2)} min (${Math.round(counts.frames / (minutes * 60))} frames/s), ${batches.length} batches`,
      `  crashes ${counts.crashes} · hangs ${counts.hangs} · wrong replies ${counts.wrongReplies} · money mismatches ${counts.moneyMismatches}`,
      `  peak RSS ${peak.toFixed(0)} MiB (target ≤ ${TARGETS.rssMiB})`,
      `  fresh #T#: p50 ${p(latency.totals, 0.5).toFixed(1)} ms, p99 ${p(latency.totals, 0.99).toFixed(1)} ms, max ${maxTotals.toFixed(1)} ms (target ≤ ${TARGETS.totalsMs}), ${latency.totals.length} samples`,
      `  GET /state: p50 ${p(latency.state, 0.5).toFixed(1)} ms, p99 ${p(latency.state, 0.99).toFixed(1)} ms, max ${maxState.toFixed(1)} ms (target ≤ ${TARGETS.stateMs}), ${latency.state.length} samples`,
      `  --json log: ${logLines} lines read, ${droppedLog} reported dropped while the reader stalled`,
      misses.length === 0 ? 'PASS: every target met' : `MISS: ${misses.join('; ')}`,
      '',
    ].join('\n'),
  );
  return misses.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);

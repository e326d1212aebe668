/**
 * `npm run bench`: speed and memory of the protocol codec, the machine model and the
 * simulator over loopback TCP, each against a documented target (docs/bench.md).
 *
 * Exit status: 0 every target met · 1 a target missed or a benchmark failed · 2 bad flags.
 * `--report-only` always exits 0 after printing (for looking at numbers on a busy machine).
 */
import { parseArgs } from 'node:util';
import chalk from 'chalk';
import { BENCHMARKS, runBenchmarks } from './benchmarks.js';
import { canCollect } from './memory.js';
import { environment, formatJson, formatTable, type Paint } from './report.js';

/** The bench's promise: it ends within a minute (a full run takes 15–25 s on a loaded 2-core machine). */
const WATCHDOG_MS = 60_000;

const HELP = `Usage: npm run bench -- [options]

Measure throughput, latency and memory against the targets of docs/bench.md.

Options:
  --only <names>   run only these benchmarks, comma-separated: ${BENCHMARKS.map((b) => b.name).join(', ')}
  --report-only    print the numbers and exit 0 even if a target is missed
  --scale <n>      multiply iteration counts by n (0 < n <= 1; smaller is quicker and noisier)
  --json           print the report as JSON on stdout (progress still goes to stderr)
  --quiet          no progress lines on stderr
  -h, --help       show this help

Exit status: 0 every target met, 1 a target missed or a benchmark failed, 2 bad options.`;

let reportOnly = false;

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${HELP}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        only: { type: 'string', multiple: true },
        'report-only': { type: 'boolean', default: false },
        scale: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const only = (values.only ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  const known = BENCHMARKS.map((b) => b.name);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) usageError(`unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${known.join(', ')}`);

  const scale = Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) usageError(`--scale must be a number above 0 and at most 1, got "${values.scale}"`);

  reportOnly = values['report-only'];
  let running = 'first';
  // The benchmarks bound their own loops; this is the backstop that keeps a hung socket from
  // holding a CI job: whatever happens, the process ends.
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${WATCHDOG_MS / 1000} s (in the ${running} benchmark), stopping\n`);
    process.exit(reportOnly ? 0 : 1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const log = values.quiet ? () => {} : (line: string) => process.stderr.write(chalk.dim(`… ${line}\n`));
  const report = await runBenchmarks({ only, log, scale, onStart: (name) => (running = name) });
  const env = environment(canCollect());
  if (values.json) {
    process.stdout.write(`${formatJson(report, env)}\n`);
  } else {
    const paint: Paint = { ok: (t) => chalk.green(t), bad: (t) => chalk.red(t), dim: (t) => chalk.dim(t) };
    process.stdout.write(`${formatTable(report, env, paint)}\n`);
  }
  process.exitCode = report.ok || reportOnly ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = reportOnly ? 0 : 1;
});

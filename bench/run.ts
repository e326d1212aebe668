/**
 * `npm run bench`: the CLI measured side by side with the physical limit in the same run
 * (a raw `node:net` server, `node -e 0`, the checklist's own waits), each figure a ratio with a
 * target, plus the pure core's absolute throughput as regression guards (docs/bench.md).
 *
 * Exit status: 0 every target met · 1 a target missed or a benchmark failed · 2 bad flags.
 * `--report-only` always exits 0 after printing (for looking at numbers on a busy machine).
 */
import { parseArgs } from 'node:util';
import chalk from 'chalk';
import { BENCHMARKS, runBenchmarks } from './benchmarks.js';
import type { BuiltCli } from './build.js';
import { killStarted } from './child.js';
import { environment, formatJson, formatTable, type Paint } from './report.js';

/** The bench's promise: it ends within 4 minutes (a full run takes about 1.5 min on a 2-core machine). */
const WATCHDOG_MS = 240_000;

const HELP = `Usage: npm run bench -- [options]

Measure the CLI against the physical limit, side by side (ratios), and the pure core's
throughput, against the targets of docs/bench.md. Loopback (127.0.0.1) only.

Options:
  --only <names>   run only these benchmarks, comma-separated: ${BENCHMARKS.map((b) => b.name).join(', ')}
  --report-only    print the numbers and exit 0 even if a target is missed
  --scale <n>      multiply iteration counts by n (0 < n <= 1; smaller is quicker and noisier;
                   below 1 the checklist benchmark runs one item of each checklist)
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
  let built: BuiltCli | undefined;
  // The benchmarks bound their own loops; this is the backstop that keeps a hung socket from
  // holding a CI job: whatever happens, the process ends, and so do the ones it started.
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${WATCHDOG_MS / 1000} s (in the ${running} benchmark), stopping\n`);
    killStarted();
    built?.remove();
    process.exit(reportOnly ? 0 : 1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const log = values.quiet ? () => {} : (line: string) => process.stderr.write(chalk.dim(`… ${line}\n`));
  const report = await runBenchmarks({ only, log, scale, onStart: (name) => (running = name), onBuild: (cli) => (built = cli) });
  const env = environment();
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

/**
 * The soak's latency monitor, in its own process so that the fuzzer's own work cannot delay
 * the measurement: every 200 ms a fresh client's `#T#` (connect included) and a GET /state,
 * each printed as one JSON line `{"totalsMs":…,"stateMs":…}` (null when it failed or timed out).
 *
 *   node --import tsx scripts/soak/monitor.ts <host> <port> <controlPort>
 */
import { freshTotals, timedState } from './checks.js';

const [host, port, controlPort] = process.argv.slice(2);
if (host === undefined || port === undefined || controlPort === undefined) {
  process.stderr.write('usage: monitor.ts <host> <port> <controlPort>\n');
  process.exit(2);
}
const target = { host, port: Number(port), controlPort: Number(controlPort) };
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
for (;;) {
  const [t, s] = await Promise.allSettled([freshTotals(target, 10_000), timedState(target, 10_000)]);
  process.stdout.write(
    JSON.stringify({ totalsMs: t.status === 'fulfilled' ? t.value.ms : null, stateMs: s.status === 'fulfilled' ? s.value.ms : null }) + '\n',
  );
  await new Promise((r) => setTimeout(r, 200));
}

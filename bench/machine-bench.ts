/**
 * Machine model throughput: complete Express sales (`#C#` with the automatic customer paying)
 * through `step()` on a virtual clock, via the same harness the model's tests use. No sockets,
 * no real timers: this is the cost of the pure model alone.
 */
import { createMachineHarness, type MachineHarness, type MachineProfile } from '../src/machine/index.js';
import { loadProfile } from '../src/server/load-profile.js';
import { scaled, summarise, throughputSync } from './stats.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

/** Amounts of the connector's own log (990, 360) and others that need change in coins and notes. */
const AMOUNTS = [990, 360, 1250, 4575, 12, 2000, 75, 18_730];
/**
 * Sales before starting over on a fresh machine: the automatic customer's cash fills the
 * recyclers and the stacker, and a real shop empties them too (and `outputs` keeps growing).
 */
const SALES_PER_MACHINE = 40;

export function expressSaleFrame(sale: number, amount: number): string {
  return `#C#${sale}#1#${amount}#1#15360#0#0#0#1#0#0#`;
}

/** Check a `#C#` reply the way a POS would: success status and net paid = amount due. */
export function checkSaleReply(reply: string, amount: number): void {
  const [status, auto, returned, manual] = reply.slice(1, -1).split('#');
  if (status !== '0' && status !== 'WR:LEVEL') throw new BenchFailure(`sale of ${amount} answered ${reply}`);
  const net = Number(auto) + Number(manual) - Number(returned);
  if (net !== amount) throw new BenchFailure(`sale of ${amount} answered ${reply}: net paid ${net}`);
}

class SaleRunner {
  private machine: MachineHarness | undefined;
  private salesOnMachine = 0;
  private scanned = 0;

  constructor(private readonly profile: MachineProfile) {}

  sale(index: number): void {
    const machine = this.freshMachineIfDue();
    const amount = AMOUNTS[index % AMOUNTS.length] ?? 990;
    machine.frame(1, expressSaleFrame(index + 1, amount));
    checkSaleReply(this.awaitReply(machine, '#C#'), amount);
    this.salesOnMachine++;
  }

  private freshMachineIfDue(): MachineHarness {
    if (this.machine && this.salesOnMachine < SALES_PER_MACHINE) return this.machine;
    const machine = createMachineHarness(this.profile, { customer: { mode: 'auto' } });
    this.machine = machine;
    this.salesOnMachine = 0;
    this.scanned = 0;
    machine.frame(1, '#I#');
    const reply = this.awaitReply(machine, '#I#');
    if (!reply.startsWith('#0#')) throw new BenchFailure(`#I# answered ${reply}`);
    return machine;
  }

  /** Run the virtual clock until the next reply to connection 1 appears. */
  private awaitReply(machine: MachineHarness, command: string): string {
    let reply: string | undefined;
    const look = (): boolean => {
      const outputs = machine.outputs;
      for (; this.scanned < outputs.length; this.scanned++) {
        const output = outputs[this.scanned];
        if (output?.type === 'reply' && output.conn === 1) {
          reply = output.frame;
          this.scanned++;
          return true;
        }
      }
      return false;
    };
    // An hour of virtual time is far more than any sale takes (a note ≈ 1.5 s).
    if (!look() && !machine.runUntil(look, 3_600_000)) throw new BenchFailure(`no reply to ${command} within an hour of virtual time`);
    return reply ?? '';
  }
}

export function machineBench(context: BenchContext): Promise<Measurement[]> {
  const profile = loadProfile('eur-pos1500');
  const sales = scaled(2000, context.scale, 10);
  const roundCount = scaled(5, context.scale, 2);
  const budgetMs = 4000 / roundCount;
  context.log(`machine: up to ${sales} Express sales or ${budgetMs} ms × ${roundCount} rounds on a virtual clock`);
  const warmUp = new SaleRunner(profile);
  for (let i = 0; i < Math.min(sales, 100); i++) warmUp.sale(i);
  const rounds: number[] = [];
  let done = 0;
  for (let round = 0; round < roundCount; round++) {
    const runner = new SaleRunner(profile);
    const result = throughputSync(sales, budgetMs, (i) => runner.sale(i));
    rounds.push(result.perSecond);
    done = result.done;
  }
  const summary = summarise(rounds);
  return Promise.resolve([
    {
      metric: 'machine.sales-per-second',
      value: summary.median,
      unit: 'sales/s',
      rounds: summary,
      note: `${done} Express #C# sales (auto customer) per round, median of ${roundCount}`,
    },
  ]);
}

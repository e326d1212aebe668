/**
 * A lane: one simulator and one POS, running items one after the other. It owns their
 * lifecycle: start both, reset the machine between items, restart a POS an item left hung or
 * crashed (so that one hang does not make every later item error), stop both at the end.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChecklistItem } from '../checklist/types.js';
import { createDriver } from '../drivers/index.js';
import type { PosDriver } from '../drivers/driver.js';
import type { SimulatorHandle } from '../server/types.js';
import type { RunEvent } from './events.js';
import { blankItem, playItem } from './item.js';
import { message, type LaneSettings } from './item-context.js';
import { DEFAULT_PROFILE, type RunOptions } from './options.js';
import type { ItemResult } from './result.js';
import { WireWatch } from './wire-watch.js';

export class Lane {
  private sim: SimulatorHandle | undefined;
  private watch: WireWatch | undefined;
  private driver: PosDriver | undefined;
  private openError: string | undefined;
  /** Set when an item left the POS hung, crashed or timed out: the next item starts it afresh. */
  private restartReason: string | undefined;
  /** Output of POS instances stopped by a restart, kept for the run's posOutput. */
  private readonly earlierOutput = { stdout: '', stderr: '' };
  private emit: (e: RunEvent) => void = () => undefined;
  private runSignal: AbortSignal | undefined;
  /** A tickets integration's shared requests folder, fresh for this lane (CASHLOGY_TICKETS_DIR). */
  private ticketsDir: string | undefined;

  constructor(
    readonly number: number,
    private readonly options: RunOptions,
    private readonly settings: LaneSettings,
  ) {}

  async open(emit: (e: RunEvent) => void, signal: AbortSignal): Promise<void> {
    try {
      if (this.options.pos.integration === 'tickets') {
        this.ticketsDir = await mkdtemp(join(tmpdir(), `cashlogy-tickets-${this.number}-`));
      }
      const start = this.options.startSimulator ?? (await import('../server/start.js')).startSimulator;
      this.sim = await start({
        host: '127.0.0.1',
        port: 0,
        controlPort: null,
        profile: this.options.profile ?? DEFAULT_PROFILE,
        timeScale: this.settings.timeScale,
        seed: this.settings.seed,
        customer: 'manual',
        ...(this.ticketsDir !== undefined ? { ticketsDir: this.ticketsDir } : {}),
      });
    } catch (err) {
      this.openError = `the simulator could not start: ${message(err)}`;
      return;
    }
    const sim = this.sim;
    this.watch = new WireWatch(sim);
    this.emit = emit;
    this.runSignal = signal;
    try {
      await this.startPos(sim);
      emit({ event: 'lane:ready', lane: this.number, host: sim.host, port: sim.port, ...(this.driver?.hookPort ? { hookPort: this.driver.hookPort } : {}) });
    } catch (err) {
      this.openError = `the POS could not be started (${this.options.pos.driver.type} driver): ${message(err)}`;
    }
  }

  private async startPos(sim: SimulatorHandle): Promise<void> {
    this.driver = this.options.driverFactory
      ? this.options.driverFactory(this.number)
      : createDriver(this.options.pos.driver, {
          baseDir: process.cwd(),
          env: process.env,
          integration: this.options.pos.integration,
          features: this.options.pos.features,
          ...(this.options.console ? { console: this.options.console } : {}),
          ...this.options.driverContext,
          lang: this.settings.lang,
          ci: this.settings.ci,
        });
    await this.driver.start({
      host: sim.host,
      port: sim.port,
      ...(this.ticketsDir !== undefined ? { ticketsDir: this.ticketsDir } : {}),
      onEntry: (l) => sim.onEntry(l),
      ...(this.runSignal ? { signal: this.runSignal } : {}),
    });
  }

  /**
   * Isolation between items: a POS left hung or crashed would make every later item error
   * (its hook still busy with the old action). Stop its whole process tree and start it again.
   */
  private async restartPos(sim: SimulatorHandle, reason: string): Promise<string | undefined> {
    const old = this.driver;
    this.driver = undefined;
    if (old) {
      const out = old.output();
      this.earlierOutput.stdout += out.stdout;
      this.earlierOutput.stderr += out.stderr;
      await old.stop().catch(() => undefined);
    }
    this.emit({ event: 'pos:restart', lane: this.number, reason });
    // Whatever the old POS left open (connections, an operation) goes before the new one starts.
    await sim.reset({ closeConnections: true });
    try {
      await this.startPos(sim);
      return undefined;
    } catch (err) {
      return `the POS could not be restarted (${this.options.pos.driver.type} driver) after ${reason}: ${message(err)}`;
    }
  }

  output(): { stdout: string; stderr: string } {
    const now = this.driver?.output() ?? { stdout: '', stderr: '' };
    return { stdout: this.earlierOutput.stdout + now.stdout, stderr: this.earlierOutput.stderr + now.stderr };
  }

  async close(): Promise<void> {
    try {
      await this.driver?.stop();
    } finally {
      this.watch?.close();
      await this.sim?.close();
      if (this.ticketsDir !== undefined) await rm(this.ticketsDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * Every item starts from an empty tickets folder, like a clean machine: a request an earlier
   * item left unanswered (CashlogyTickets down) must not be paid in this one, and a stale file
   * an item puts there is that item's own.
   */
  private async emptyTicketsDir(): Promise<void> {
    const dir = this.ticketsDir;
    if (dir === undefined) return;
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined)));
  }

  /** `interrupted`: Ctrl-C stopped the item before its verdict (it did not run, whatever its result says). */
  async runItem(item: ChecklistItem, runSignal: AbortSignal, emit: (e: RunEvent) => void): Promise<{ result: ItemResult; interrupted: boolean }> {
    const result = blankItem(item, this.settings.lang, 'error', '');
    const started = performance.now();
    const restartReason = this.restartReason;
    this.restartReason = undefined;
    if (restartReason !== undefined && this.sim && !this.openError) {
      const failed = await this.restartPos(this.sim, restartReason);
      if (failed) this.openError = failed;
      result.posRestarted = restartReason;
    }
    if (this.openError || !this.sim || !this.watch || !this.driver) {
      result.reason = this.openError ?? 'the lane is not ready';
      result.checks.push({ kind: 'step', status: 'errored', expected: 'the simulator and the POS start', actual: result.reason, message: result.reason });
      return { result, interrupted: false };
    }
    const sim = this.sim;
    await this.emptyTicketsDir();
    // A healthy POS keeps its connection, as it would with a real connector between two sales.
    // An operation an earlier item left open is ended (money accounted for) and the simulator
    // closes that one connection itself, since its reply will never come.
    await sim.reset({ closeConnections: false });
    const env = {
      sim,
      driver: this.driver,
      watch: this.watch,
      settings: this.settings,
      pos: this.options.pos,
      ...(this.ticketsDir !== undefined ? { ticketsDir: this.ticketsDir } : {}),
      ...(this.options.console ? { console: this.options.console } : {}),
    };
    const played = await playItem(env, item, result, runSignal, emit, restartReason);
    this.restartReason = played.leftBroken;
    result.durationMs = Math.round(performance.now() - started);
    return { result, interrupted: played.interrupted === true };
  }
}

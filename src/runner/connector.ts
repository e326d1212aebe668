/**
 * `run --connector <host:port>`: the checklist against a real CashlogyConnector, through the
 * proxy (src/proxy/). The lane starts a ConnectorHandle where it would start a simulator: the
 * same handle contract (SimulatorHandle), so items, wire checks and reports run unchanged.
 * What only a simulator can do is decided here, per kind (docs/proxy.md, "What changes on a
 * real machine"):
 *
 *   customer steps, the automatic customer (setup `customer: auto`), operator steps
 *       → an operator prompt in --lang ("Insert 20.00 € into the connector now"), answered
 *         yes when done; a "no" is a step error naming the prompt
 *   transport faults (setup or fault steps) → the proxy's fault chain, same triggers
 *   domain faults (a jam, busy, a restart…) → the item is not-applicable: a real machine
 *         cannot be made to jam, and forcing it would risk real cash
 *   inventory levels (setup `inventory`), machine checks on counts per denomination
 *         → not-applicable: a real machine's counts cannot be set safely from a test, nor read
 *           per denomination outside the protocol
 *   machine checks on money moved (`inserted`, `dispensed`) → judged from the connector's own
 *         replies (`#C#` amounts accepted and returned, `#P#` dispensed, `#J#` accepted)
 *
 * The state a step waits on (an acceptance open for the customer, a back-office screen open)
 * is read from the wire: the command the POS sent and the connector has not answered yet.
 */
import { applicability as defaultApplicability } from '../checklist/select.js';
import type { ChecklistItem, Step } from '../checklist/types.js';
import { askYesNo, type OperatorConsole } from '../drivers/operator.js';
import { CertError, UsageError } from '../errors.js';
import type { FaultSpec, FaultStatus } from '../faults/spec.js';
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import { commandSpec, opensAcceptance } from '../protocol/commands.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { ProxyHandle } from '../proxy/proxy.js';
import { isTransportFault } from '../proxy/upstream.js';
import type { Upstream } from '../proxy/upstream.js';
import type { RunOptions } from './options.js';
import type { ConnectionCount, CustomerConfig, InsertOptions, InventoryCounts, OperationView, SimulatorHandle, SimulatorState } from '../server/types.js';

/** What result.json records about the connector a run used (`connector` field). */
export interface ConnectorRecord {
  kind: 'real' | 'simulator';
  /** `host:port` of the real connector. */
  upstream?: string;
  /** The connector's version, from its reply to `#I#` or `#GV#` when the POS asked. */
  version?: string;
}

export interface ConnectorRunOptions {
  upstream: Upstream;
  lang: Lang;
  /** The operator terminal; without one every prompt fails (a --ci run is refused before it starts). */
  console?: OperatorConsole;
  seed: number;
}

type Applicability = (item: ChecklistItem, pos: PosProfile) => { applicable: boolean; reason?: string };

/** Why an item cannot run against a real machine, or undefined when it can. */
export function realMachineObstacle(item: ChecklistItem): string | undefined {
  for (const step of item.steps) {
    const faults = step.kind === 'setup' ? (step.faults ?? []) : step.kind === 'fault' ? [step.fault] : [];
    const domain = faults.find((f) => !isTransportFault(f));
    if (domain !== undefined) return `needs the ${domain.type} fault, which happens inside the machine: it cannot be injected into a real connector (run it on the simulator)`;
    if (step.kind === 'setup' && step.inventory !== undefined) {
      return 'needs the machine\'s counts set to exact levels, which cannot be done safely on a real machine from a test (run it on the simulator)';
    }
    if (step.kind === 'expect' && step.expect.type === 'machine' && (step.expect.recyclers !== undefined || step.expect.stacker !== undefined)) {
      return 'judges the counts per denomination, which a real machine does not show the proxy (run it on the simulator)';
    }
  }
  return undefined;
}

/** Why an item would prompt the operator on a real machine (a person must act there), or undefined. */
export function operatorNeed(item: ChecklistItem): string | undefined {
  const needs = (step: Step): string | undefined => {
    if (step.kind === 'customer') return 'a customer step (insert, cancel or accept at the machine)';
    if (step.kind === 'operator') return 'an operator step (close the back-office screen)';
    if (step.kind === 'setup' && step.customer?.mode === 'auto') return 'a paying customer (setup customer: auto)';
    return undefined;
  };
  for (const step of item.steps) {
    const why = needs(step);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** The run's applicability on a real machine: the base rule, then what a real machine cannot do. */
export function connectorApplicability(base: Applicability): Applicability {
  return (item, pos) => {
    const a = base(item, pos);
    if (!a.applicable) return a;
    const obstacle = realMachineObstacle(item);
    return obstacle === undefined ? a : { applicable: false, reason: `on a real connector: this item ${obstacle}` };
  };
}

interface Words {
  insert: (cash: string) => string;
  pay: (amount: string, cash: string) => string;
  cancel: string;
  confirm: string;
  close: string;
  noConsole: string;
  refused: (prompt: string) => string;
  noAnswer: (why: string) => string;
}

const money = (cents: number) => `${(cents / 100).toFixed(2)} €`;
const cashList = (cents: readonly number[]) => cents.map(money).join(' + ');

const WORDS: Record<Lang, Words> = {
  en: {
    insert: (cash) => `Insert ${cash} into the connector now.`,
    pay: (amount, cash) => `The POS asks the connector for ${amount}: pay it at the machine with ${cash}.`,
    cancel: 'Press Cancel on the connector screen now.',
    confirm: 'Press Accept on the connector screen now.',
    close: 'Close the back-office screen on the connector now.',
    noConsole: 'no operator terminal to ask (a real connector needs a person at the machine)',
    refused: (prompt) => `the operator could not do it: ${prompt}`,
    noAnswer: (why) => `no answer from the operator (${why})`,
  },
  fr: {
    insert: (cash) => `Insérez ${cash} dans le connecteur maintenant.`,
    pay: (amount, cash) => `Le TPV demande ${amount} au connecteur : payez à la machine avec ${cash}.`,
    cancel: 'Appuyez sur Annuler sur l’écran du connecteur maintenant.',
    confirm: 'Appuyez sur Accepter sur l’écran du connecteur maintenant.',
    close: 'Fermez l’écran de back-office du connecteur maintenant.',
    noConsole: 'aucun terminal opérateur à qui demander (un vrai connecteur demande une personne à la machine)',
    refused: (prompt) => `l’opérateur n’a pas pu le faire : ${prompt}`,
    noAnswer: (why) => `pas de réponse de l’opérateur (${why})`,
  },
  es: {
    insert: (cash) => `Introduzca ${cash} en el conector ahora.`,
    pay: (amount, cash) => `El TPV pide ${amount} al conector: pague en la máquina con ${cash}.`,
    cancel: 'Pulse Cancelar en la pantalla del conector ahora.',
    confirm: 'Pulse Aceptar en la pantalla del conector ahora.',
    close: 'Cierre la pantalla de back-office del conector ahora.',
    noConsole: 'no hay terminal de operador a quien preguntar (un conector real necesita a una persona en la máquina)',
    refused: (prompt) => `el operador no pudo hacerlo: ${prompt}`,
    noAnswer: (why) => `sin respuesta del operador (${why})`,
  },
};

export async function startConnector(options: ConnectorRunOptions): Promise<ConnectorHandle> {
  // Loaded here: only a run against a real connector needs the proxy.
  const { startProxy } = await import('../proxy/proxy.js');
  const proxy = await startProxy({ upstream: options.upstream, host: '127.0.0.1', port: 0, controlPort: null, seed: options.seed });
  return new ConnectorHandle(proxy, options);
}

/**
 * A real connector behind the proxy, as the runner's lanes see a simulator. Prompts go one at
 * a time to the operator; each prompt and its answer are transcript events (`customer` or
 * `operator`), the evidence of what a person did at the machine.
 */
export class ConnectorHandle implements SimulatorHandle {
  readonly host: string;
  readonly port: number;
  readonly controlPort: number | null = null;
  private readonly words: Words;
  private customer: CustomerConfig = { mode: 'manual' };
  private prompts: Promise<unknown> = Promise.resolve();
  private readonly ledger = { inserted: 0, dispensed: 0 };
  private version: string | undefined;
  /** A `#B#` acceptance the connector opened and `#J#` has not closed. */
  private openAcceptance: { conn: number; command: string } | undefined;
  private readonly unsubscribe: () => void;
  private readonly stuckListeners = new Set<(reason: string) => void>();
  /** Counts resets: a question of an earlier item that fails late says nothing about this one. */
  private generation = 0;

  constructor(
    readonly proxy: ProxyHandle,
    private readonly options: ConnectorRunOptions,
  ) {
    this.host = proxy.host;
    this.port = proxy.port;
    this.words = WORDS[options.lang];
    const offEntry = proxy.onEntry((entry) => this.observe(entry));
    const offReply = proxy.onReply((reply) => this.observeReply(reply));
    this.unsubscribe = () => {
      offEntry();
      offReply();
    };
  }

  /** What result.json records: a real connector, where, and its version if the POS asked. */
  record(): ConnectorRecord {
    const { host, port } = this.options.upstream;
    return { kind: 'real', upstream: `${host.includes(':') ? `[${host}]` : host}:${port}`, ...(this.version !== undefined ? { version: this.version } : {}) };
  }

  getState(): SimulatorState & ConnectionCount {
    return {
      initialized: this.version !== undefined,
      operation: this.operation(),
      // The real machine's counts are not the proxy's to see; items that need them do not run.
      inventory: { recyclers: {}, stacker: {} },
      totals: { recyclers: 0, stacker: 0 },
      errors: [],
      ledger: { ...this.ledger },
      connections: this.proxy.connections().length,
    };
  }

  setInventory(_partial: Partial<InventoryCounts>): void {
    throw new UsageError('the counts of a real connector cannot be set from a test (the item should have been not-applicable)');
  }

  insert(denominations: number[], _options?: InsertOptions): Promise<void> {
    return this.prompt('customer', `insert ${denominations.join('+')}`, this.words.insert(cashList(denominations)));
  }

  cancel(): Promise<void> {
    return this.prompt('customer', 'cancel', this.words.cancel);
  }

  confirm(): Promise<void> {
    return this.prompt('customer', 'confirm', this.words.confirm);
  }

  setCustomer(config: CustomerConfig): void {
    this.customer = { ...config };
  }

  closeBackoffice(): Promise<void> {
    return this.prompt('operator', 'close-backoffice', this.words.close);
  }

  armFault(spec: FaultSpec): string {
    return this.proxy.armFault(spec);
  }

  listFaults(): FaultStatus[] {
    return this.proxy.listFaults();
  }

  disarmFault(id: string): boolean {
    return this.proxy.disarmFault(id);
  }

  getTranscript(): TranscriptEntry[] {
    return this.proxy.getTranscript();
  }

  onStuck(listener: (reason: string) => void): () => void {
    this.stuckListeners.add(listener);
    return () => this.stuckListeners.delete(listener);
  }

  onEntry(listener: (entry: TranscriptEntry) => void): () => void {
    return this.proxy.onEntry(listener);
  }

  async reset(options?: { closeConnections?: boolean }): Promise<void> {
    this.generation++;
    this.customer = { mode: 'manual' };
    this.openAcceptance = undefined;
    await this.proxy.reset(options);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.proxy.close();
  }

  /**
   * The command the connector has not answered that keeps it busy, as the simulator's state shows
   * it: one waiting for a person (an acceptance, a back-office screen) first, else the oldest.
   */
  private operation(): OperationView | null {
    const busy: OperationView[] = [];
    for (const { conn, command } of this.proxy.waiting()) {
      if (command.optional === true) continue;
      const spec = commandSpec(command.code);
      if (spec === undefined || !spec.blocking) continue;
      const amount = command.code === 'C' ? Number(command.frame.split('#')[4]) : undefined;
      // The back-office screens (#G#, #D#…) wait for the operator; the charge's screen waits for the customer.
      const screen = spec.params.some((p) => p.name === 'onTop');
      busy.push({
        command: command.code,
        conn,
        ...(amount !== undefined && Number.isFinite(amount) ? { amount } : {}),
        waitingFor: opensAcceptance(command.code) ? 'customer' : screen ? 'operator' : null,
      });
    }
    if (this.openAcceptance !== undefined) busy.push({ ...this.openAcceptance, waitingFor: 'customer' });
    return busy.find((op) => op.waitingFor !== null) ?? busy[0] ?? null;
  }

  /** The POS opens an acceptance while the automatic customer is set: the operator is asked to pay. */
  private observe(entry: TranscriptEntry): void {
    if (entry.dir !== 'in') return;
    const code = entry.data.split('#')[1] ?? '';
    if (!opensAcceptance(code) || this.customer.mode !== 'auto') return;
    const amount = Number(entry.data.split('#')[4]);
    const pay = this.customer.pay ?? (Number.isFinite(amount) ? [amount] : []);
    void this.prompt('customer', `pay ${pay.join('+')}`, this.words.pay(Number.isFinite(amount) ? money(amount) : '?', cashList(pay))).catch(() => undefined);
  }

  /**
   * Every reply as the connector sent it, before any fault withheld it from the POS: its version,
   * and the money its replies say moved (`#C#` accepted + added and returned, `#P#` dispensed,
   * `#J#` accepted): what `machine` checks on `inserted` and `dispensed` judge.
   */
  private observeReply(reply: { conn: number; command: string; frame: string }): void {
    const [status = '', ...fields] = reply.frame.replace(/^#|#$/g, '').split('#');
    const cents = (i: number) => (/^\d+$/.test(fields[i] ?? '') ? Number(fields[i]) : 0);
    if ((reply.command === 'I' || reply.command === 'GV') && status === '0' && fields[0] !== undefined && fields[0] !== '') this.version = fields[0];
    if (status !== '0' && !status.startsWith('WR:')) return;
    if (reply.command === 'C') {
      this.ledger.inserted += cents(0) + cents(3);
      this.ledger.dispensed += cents(1);
    } else if (reply.command === 'P') {
      this.ledger.dispensed += cents(0);
    } else if (reply.command === 'J') {
      this.ledger.inserted += cents(0);
      this.openAcceptance = undefined;
    } else if (reply.command === 'B') {
      this.openAcceptance = { conn: reply.conn, command: 'B' };
    }
  }

  /**
   * One question at a time to the operator; the prompt and the answer go into the transcript.
   * A question nobody could act on leaves the machine waiting for ever: the item is told (onStuck).
   */
  private prompt(kind: 'customer' | 'operator', key: string, text: string): Promise<void> {
    const asked = this.generation;
    const run = this.prompts.then(async () => {
      const console = this.options.console;
      const question = `[${key}] ${text}`;
      if (console === undefined) throw new CertError('USAGE', `${this.words.noConsole}: ${question}`);
      this.proxy.note(kind, `asked the operator: ${question}`);
      let reply: { yes: boolean; answer: string };
      try {
        reply = await askYesNo(console, this.options.lang, question);
      } catch (err) {
        throw new CertError('RUNTIME', `${this.words.noAnswer(err instanceof Error ? err.message : String(err))}: ${question}`);
      }
      this.proxy.note(kind, `the operator answered "${reply.answer}": ${question}`);
      if (!reply.yes) throw new CertError('RUNTIME', this.words.refused(question));
    });
    this.prompts = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      this.proxy.note(kind, reason);
      if (asked === this.generation) for (const listener of [...this.stuckListeners]) listener(reason);
      throw err;
    });
  }
}

/**
 * What runChecklist changes for a real connector: the lane starts a ConnectorHandle where it
 * would start a simulator, the applicability adds what a real machine cannot do, and the result
 * records the connector. One machine, one lane: `jobs` > 1 is refused.
 */
export function connectorRun(
  options: RunOptions,
  lang: Lang,
  seed: number,
): { options: RunOptions; applicability: Applicability; record(): ConnectorRecord } {
  const target = options.connector;
  if (target === undefined) throw new UsageError('connectorRun needs options.connector');
  if ((options.jobs ?? 1) > 1) throw new UsageError(`--connector drives one real machine: --jobs must be 1, got ${options.jobs}`);
  let handle: ConnectorHandle | undefined;
  const run: ConnectorRunOptions = { upstream: { host: target.host, port: target.port }, lang, seed, ...(options.console ? { console: options.console } : {}) };
  const fallback: ConnectorRecord = { kind: 'real', upstream: `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}` };
  return {
    options: {
      ...options,
      startSimulator: async () => {
        handle = await startConnector(run);
        return handle;
      },
    },
    applicability: connectorApplicability(options.applicability ?? defaultApplicability),
    record: () => handle?.record() ?? fallback,
  };
}

/**
 * `manual` driver: a person drives the POS. For each action the operator is told, in plain
 * words and in `--lang`, what to do on the POS; while they do it the frames the simulator
 * sees are shown live; then they say how the POS ended it. Their answers and name go into the
 * result. With `--ci` nobody can answer, so the driver refuses to start.
 */
import type { Lang } from '../i18n.js';
import type { ManualDriverConfig, PosAction, PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { ActionBody, DriverContext, DriverTarget, PerformOptions, PerformResult, PosDriver } from './driver.js';
import { YES_NO_WORDS, type OperatorAnswer, type OperatorConsole } from './operator.js';
import { driverError } from './pos-process.js';

interface Words {
  welcome: (host: string, port: number) => string;
  /** For a tickets integration: where the POS must write its requests. */
  ticketsFolder: (dir: string) => string;
  name: string;
  ready: string;
  actions: Record<PosAction, (amount: string) => string>;
  how: string;
  outcomes: { completed: string; cancelled: string; failed: string };
  paid: string;
  change: string;
  owed: string;
  refunded: string;
  message: string;
  invalid: string;
  pos: string;
  connector: string;
}

const money = (cents: number | undefined) => (cents === undefined ? '' : (cents / 100).toFixed(2));

export const WORDS: Record<Lang, Words> = {
  en: {
    welcome: (h, p) => `Manual session. Point the POS at the simulator: CASHLOGY_HOST=${h} CASHLOGY_PORT=${p}.`,
    ticketsFolder: (d) => `Set the POS's Cashlogy Tickets requests folder to: ${d} (CASHLOGY_TICKETS_DIR).`,
    name: 'Your name (recorded in the report):',
    ready: 'Press Enter when the POS is running and connected…',
    actions: {
      startup: () => 'Start the POS (or its cash module) so that it initialises the cash machine.',
      sale: (a) => `Ring up a sale of ${a} on the POS and have it paid in cash.`,
      refund: (a) => `Refund ${a} in cash from the POS.`,
      cancel: () => 'Cancel the payment in progress from the POS.',
      backoffice: () => 'Open the cash machine back office from the POS, then close it.',
      refill: () => 'Refill the change float from the POS.',
      'close-day': () => 'Close the day (till closure) from the POS.',
      shutdown: () => 'Shut the POS down (or close its cash module).',
    },
    how: 'How did the POS end it? [c]ompleted / c[a]ncelled / [f]ailed:',
    outcomes: { completed: 'c', cancelled: 'a', failed: 'f' },
    paid: 'Amount the POS booked as paid (e.g. 9.90, empty = none):',
    change: 'Change the POS says was given back (empty = none):',
    owed: 'Amount the POS told the cashier to hand over by hand (empty = none):',
    refunded: 'Amount the POS says it refunded (empty = none):',
    message: 'Message shown by the POS (optional):',
    invalid: YES_NO_WORDS.en.invalid,
    pos: 'POS →',
    connector: '← connector',
  },
  fr: {
    welcome: (h, p) => `Session manuelle. Configurez le TPV vers le simulateur : CASHLOGY_HOST=${h} CASHLOGY_PORT=${p}.`,
    ticketsFolder: (d) => `Réglez le dossier des requêtes Cashlogy Tickets du TPV sur : ${d} (CASHLOGY_TICKETS_DIR).`,
    name: 'Votre nom (inscrit dans le rapport) :',
    ready: 'Appuyez sur Entrée quand le TPV est lancé et connecté…',
    actions: {
      startup: () => 'Démarrez le TPV (ou son module monnayeur) pour qu’il initialise la machine.',
      sale: (a) => `Enregistrez une vente de ${a} sur le TPV et faites-la payer en espèces.`,
      refund: (a) => `Remboursez ${a} en espèces depuis le TPV.`,
      cancel: () => 'Annulez le paiement en cours depuis le TPV.',
      backoffice: () => 'Ouvrez le back-office de la machine depuis le TPV, puis fermez-le.',
      refill: () => 'Approvisionnez le fonds de caisse depuis le TPV.',
      'close-day': () => 'Faites la clôture de caisse depuis le TPV.',
      shutdown: () => 'Arrêtez le TPV (ou fermez son module monnayeur).',
    },
    how: 'Comment le TPV a-t-il terminé ? [t]erminé / [a]nnulé / [é]chec (ou e) :',
    outcomes: { completed: 't', cancelled: 'a', failed: 'e' },
    paid: 'Montant encaissé selon le TPV (ex. 9.90, vide = aucun) :',
    change: 'Monnaie rendue selon le TPV (vide = aucune) :',
    owed: 'Montant à rendre à la main indiqué par le TPV (vide = aucun) :',
    refunded: 'Montant remboursé selon le TPV (vide = aucun) :',
    message: 'Message affiché par le TPV (facultatif) :',
    invalid: YES_NO_WORDS.fr.invalid,
    pos: 'TPV →',
    connector: '← connecteur',
  },
  es: {
    welcome: (h, p) => `Sesión manual. Apunte el TPV al simulador: CASHLOGY_HOST=${h} CASHLOGY_PORT=${p}.`,
    ticketsFolder: (d) => `Configure la carpeta de peticiones de Cashlogy Tickets del TPV en: ${d} (CASHLOGY_TICKETS_DIR).`,
    name: 'Su nombre (figurará en el informe):',
    ready: 'Pulse Intro cuando el TPV esté en marcha y conectado…',
    actions: {
      startup: () => 'Arranque el TPV (o su módulo de efectivo) para que inicialice la máquina.',
      sale: (a) => `Registre una venta de ${a} en el TPV y cóbrela en efectivo.`,
      refund: (a) => `Devuelva ${a} en efectivo desde el TPV.`,
      cancel: () => 'Cancele el cobro en curso desde el TPV.',
      backoffice: () => 'Abra el backoffice de la máquina desde el TPV y ciérrelo.',
      refill: () => 'Cargue el fondo de cambio desde el TPV.',
      'close-day': () => 'Haga el cierre de caja desde el TPV.',
      shutdown: () => 'Cierre el TPV (o su módulo de efectivo).',
    },
    how: '¿Cómo terminó el TPV? [c]ompletado / c[a]ncelado / [f]allido:',
    outcomes: { completed: 'c', cancelled: 'a', failed: 'f' },
    paid: 'Importe cobrado según el TPV (p. ej. 9.90, vacío = ninguno):',
    change: 'Cambio devuelto según el TPV (vacío = ninguno):',
    owed: 'Importe a entregar a mano indicado por el TPV (vacío = ninguno):',
    refunded: 'Importe devuelto según el TPV (vacío = ninguno):',
    message: 'Mensaje mostrado por el TPV (opcional):',
    invalid: YES_NO_WORDS.es.invalid,
    pos: 'TPV →',
    connector: '← conector',
  },
};

/** "9.90", "9,90" or "990c" → cents; "" → undefined. */
export function parseAmount(text: string): number | undefined | 'invalid' {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  if (/^\d+c$/i.test(t)) return Number(t.slice(0, -1));
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return 'invalid';
  return Math.round(Number(t) * 100);
}

export class ManualDriver implements PosDriver {
  readonly type = 'manual';
  private target: DriverTarget | undefined;
  private name: string | undefined;
  private readonly answers: OperatorAnswer[] = [];

  constructor(
    private readonly config: ManualDriverConfig,
    private readonly context: DriverContext,
  ) {}

  private get console(): OperatorConsole {
    const c = this.context.console;
    if (!c) throw driverError('the manual driver needs an operator at a terminal');
    return c;
  }

  async start(target: DriverTarget): Promise<void> {
    if (this.context.ci) throw driverError('the manual driver prompts an operator, which --ci forbids; use the http or command driver in CI');
    this.target = target;
    const w = WORDS[this.context.lang];
    const c = this.console;
    c.say(w.welcome(target.host, target.port));
    if (target.ticketsDir !== undefined) c.say(w.ticketsFolder(target.ticketsDir));
    while (!this.name) this.name = await c.ask(w.name, target.signal);
    await c.ask(w.ready, target.signal);
  }

  operatorName(): string | undefined {
    return this.name;
  }

  /** The answers given since the last call (the runner files them under the current item). */
  drainAnswers(): OperatorAnswer[] {
    return this.answers.splice(0);
  }

  private record(question: string, answer: string): void {
    this.answers.push({ question, answer, operator: this.name ?? '', at: new Date().toISOString() });
  }

  private async askAmount(question: string, signal: AbortSignal): Promise<number | undefined> {
    const w = WORDS[this.context.lang];
    for (;;) {
      const answer = await this.console.ask(question, signal);
      const amount = parseAmount(answer);
      if (amount !== 'invalid') {
        this.record(question, answer);
        return amount;
      }
      this.console.say(w.invalid);
    }
  }

  async perform(action: PosAction, body: ActionBody, options: PerformOptions): Promise<PerformResult> {
    const w = WORDS[this.context.lang];
    const c = this.console;
    c.say(`\n▶ ${w.actions[action](money(body.amount))}`);
    const show = (e: TranscriptEntry) => {
      // A tickets exchange is files: name the file before its content.
      const data = e.file !== undefined ? `${e.file} ${e.data}` : e.data;
      if (e.dir === 'in') c.say(`    ${w.pos} ${data}`);
      else if (e.dir === 'out') c.say(`    ${w.connector} ${data}`);
    };
    const unsubscribe = this.target?.onEntry?.(show);
    try {
      let outcome: PosOutcome['outcome'] | undefined;
      while (!outcome) {
        const answer = (await c.ask(w.how, options.signal)).toLowerCase();
        const found = (Object.entries(w.outcomes) as [PosOutcome['outcome'], string][]).find(
          ([, letter]) => answer === letter || (this.context.lang === 'fr' && letter === 'e' && answer === 'é'),
        );
        if (found) {
          outcome = found[0];
          this.record(w.how, answer);
        } else c.say(w.invalid);
      }
      const result: PosOutcome = { outcome };
      if (action === 'sale') {
        const paid = await this.askAmount(w.paid, options.signal);
        if (paid !== undefined) result.paid = paid;
        const change = await this.askAmount(w.change, options.signal);
        if (change !== undefined) result.change = change;
        const owed = await this.askAmount(w.owed, options.signal);
        if (owed !== undefined) result.owed = owed;
      } else if (action === 'refund') {
        const refunded = await this.askAmount(w.refunded, options.signal);
        if (refunded !== undefined) result.refunded = refunded;
        const owed = await this.askAmount(w.owed, options.signal);
        if (owed !== undefined) result.owed = owed;
      }
      const message = await c.ask(w.message, options.signal);
      if (message) {
        result.message = message;
        this.record(w.message, message);
      }
      return { outcome: result };
    } catch (err) {
      return { error: `the operator did not answer: ${(err as Error).message}` };
    } finally {
      unsubscribe?.();
    }
  }

  output(): { stdout: string; stderr: string } {
    return { stdout: '', stderr: '' };
  }

  async stop(): Promise<void> {
    // Nothing was started; the console belongs to the CLI.
    void this.config;
  }
}

export function manualDriver(config: ManualDriverConfig, context: DriverContext): PosDriver {
  return new ManualDriver(config, context);
}

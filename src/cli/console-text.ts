/**
 * What `run` prints, in the run's language (the language of the item titles it prints next to).
 * The words the reports also use (verdicts, "Summary", "Verdict", "Seed") come from the reports'
 * string tables (reports/i18n/<lang>.json) so the console and checklist.html never disagree; the
 * few phrases only the console has are below. Counts agree with their noun ("1 point", "2 points").
 */
import type { Lang } from '../i18n.js';
import { stringsFor, translate } from '../reporters/i18n.js';
import type { ItemVerdict, RunResult } from '../runner/result.js';

interface Own {
  /** Singular and plural of the thing a checklist lists. */
  item: [string, string];
  failedRequired: [string, string];
  requiredNotPassed: string;
  running: string;
  stillRunning: string;
  left: string;
  replay: string;
  /** The run's floor (src/runner/floor.ts): {floor} and {added} are durations. */
  floor: string;
  /** The same for items run side by side in lanes: {items} is their time added up. */
  floorLanes: string;
  report: string;
  onItemsThatRan: string;
  interrupted: string;
  /** `--max-failures` stopped the run: {count} {failed}, {limit}. */
  maxFailures: string;
  incomplete: string;
  /** One count of the verdict line: "18 pass", "réussi : 18". */
  tally: string;
  requiredFailed: string;
  /** `--last-failed`: which result it read, how many items it reruns. */
  lastFailed: string;
  /** Header of `--list`. */
  list: string;
}

const OWN: Record<Lang, Own> = {
  en: {
    item: ['item', 'items'],
    failedRequired: ['failed required item', 'failed required items'],
    requiredNotPassed: 'Required items not passed',
    running: 'running',
    stillRunning: 'still running',
    left: 'left',
    replay: 'replay the same fault decisions with --seed {seed}',
    floor: 'Floor: {floor} (the waits the checklist declares); the POS and the tool added {added}',
    floorLanes: 'Floor: {floor} (the waits the checklist declares); the items took {items} in all, side by side in lanes: the POS and the tool added {added} to them',
    report: 'Report',
    onItemsThatRan: 'on the items that ran',
    interrupted: 'interrupted',
    incomplete: 'INCOMPLETE',
    tally: '{n} {label}',
    requiredFailed: 'required failed',
    maxFailures: 'stopped after {count} {failed} (--max-failures {limit}): the items after it were not run',
    lastFailed: '--last-failed: {count} {items} that failed or errored in {file}',
    list: 'Selection of {checklist} for {pos}: {count} {items}',
  },
  fr: {
    item: ['point', 'points'],
    failedRequired: ['point obligatoire en échec', 'points obligatoires en échec'],
    requiredNotPassed: 'Points obligatoires non validés',
    running: 'en cours',
    stillRunning: 'toujours en cours',
    left: 'restant',
    replay: 'rejouez les mêmes décisions de pannes avec --seed {seed}',
    floor: 'Plancher : {floor} (les attentes que la checklist déclare) ; le TPV et l’outil ont ajouté {added}',
    floorLanes: 'Plancher : {floor} (les attentes que la checklist déclare) ; les points ont pris {items} en tout, côte à côte dans des voies : le TPV et l’outil y ont ajouté {added}',
    report: 'Rapport',
    onItemsThatRan: 'sur les points exécutés',
    interrupted: 'interrompu',
    incomplete: 'INCOMPLET',
    tally: '{label} : {n}',
    requiredFailed: 'obligatoires en échec',
    maxFailures: 'arrêt après {count} {failed} (--max-failures {limit}) : les points suivants n’ont pas été exécutés',
    lastFailed: '--last-failed : {count} {items} en échec ou en erreur dans {file}',
    list: 'Sélection de {checklist} pour {pos} : {count} {items}',
  },
  es: {
    item: ['punto', 'puntos'],
    failedRequired: ['punto obligatorio fallido', 'puntos obligatorios fallidos'],
    requiredNotPassed: 'Puntos obligatorios no superados',
    running: 'en curso',
    stillRunning: 'todavía en curso',
    left: 'restante',
    replay: 'repita las mismas decisiones de fallos con --seed {seed}',
    floor: 'Mínimo: {floor} (las esperas que declara la checklist); el TPV y la herramienta añadieron {added}',
    floorLanes: 'Mínimo: {floor} (las esperas que declara la checklist); los puntos tardaron {items} en total, en paralelo en carriles: el TPV y la herramienta les añadieron {added}',
    report: 'Informe',
    onItemsThatRan: 'en los puntos ejecutados',
    interrupted: 'interrumpido',
    incomplete: 'INCOMPLETO',
    tally: '{label}: {n}',
    requiredFailed: 'obligatorios fallidos',
    maxFailures: 'detenido tras {count} {failed} (--max-failures {limit}): los puntos siguientes no se ejecutaron',
    lastFailed: '--last-failed: {count} {items} con fallo o error en {file}',
    list: 'Selección de {checklist} para {pos}: {count} {items}',
  },
};

export interface ConsoleText {
  lang: Lang;
  /** A verdict word as the reports write it ("pass", "réussi", "superado"). */
  verdict(v: ItemVerdict | RunResult['verdict']): string;
  /** A phrase from the reports' tables (e.g. `report.summary`). */
  report(key: string, params?: Record<string, string | number>): string;
  own<K extends keyof Own>(key: K, params?: Record<string, string | number>): string;
  /** `n` and the right form of a noun of the table ("1 point", "2 points"). */
  count(n: number, noun: 'item' | 'failedRequired'): string;
  /** The noun alone, agreeing with `n`. */
  noun(n: number, noun: 'item' | 'failedRequired'): string;
  /** "Verdict: ", "Verdict : " (the language's colon). */
  colon: string;
}

export function consoleText(lang: Lang): ConsoleText {
  const strings = stringsFor(lang);
  const own = OWN[lang];
  const locale = typeof strings['locale'] === 'string' ? strings['locale'] : lang;
  const rules = new Intl.PluralRules(locale);
  const fill = (text: string, params: Record<string, string | number>) =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  const noun = (n: number, which: 'item' | 'failedRequired') => (rules.select(n) === 'one' ? own[which][0] : own[which][1]);
  return {
    lang,
    verdict: (v) => translate(strings, `verdict.${v}`),
    report: (key, params = {}) => translate(strings, key, params),
    own: (key, params = {}) => {
      const value = own[key];
      return fill(typeof value === 'string' ? value : value[1], params);
    },
    count: (n, which) => `${n} ${noun(n, which)}`,
    noun,
    colon: translate(strings, 'colon'),
  };
}

/**
 * The runner writes each check's expected/actual text in English (result.json is
 * language-neutral). The reports show the sentences the runner builds in the report's language;
 * frames, patterns, durations and outcome JSON inside them stay as written (they are evidence,
 * compared with logs). A text no rule knows, say a checklist author's own wording, is shown
 * as written: a half-translated sentence would be worse than an English one.
 */
import type { CheckResult, ItemResult } from '../runner/result.js';
import type { Formatters } from './i18n.js';
import { localizeReason } from './reasons.js';

type Render = (m: RegExpExecArray, f: Formatters) => string;
type Rule = [pattern: RegExp, render: Render];

const g = (m: RegExpExecArray, i: number) => m[i] ?? '';

/** "#C#… then #Q#" (sendsInOrder) with the connective translated, when every part is a pattern. */
function patterns(text: string, f: Formatters): string {
  const parts = text.split(' then ');
  if (parts.length > 1 && parts.every((p) => /^[#/]/.test(p))) return parts.join(` ${f.t('checkText.then')} `);
  return text;
}

/** " exactly 2×" / " 1–3×" / " at least 2×" after a pattern. */
function count(text: string, f: Formatters): string {
  const exactly = /^ exactly (\d+)×$/.exec(text);
  if (exactly) return ` ${f.t('checkText.exactly', { n: g(exactly, 1) })}`;
  const atLeast = /^ at least (\d+)×$/.exec(text);
  if (atLeast) return ` ${f.t('checkText.atLeast', { n: g(atLeast, 1) })}`;
  return text;
}

function window(text: string, f: Formatters): string {
  if (text === '' || text === ' before the item ends') return ` ${f.t('checkText.beforeItemEnds')}`;
  return ` ${f.t('checkText.within', { duration: text.replace(/^ within /, '') })}`;
}

/** An action's label ("sale") in words when it is one of the known actions, as written otherwise. */
function actionName(label: string, f: Formatters): string {
  const key = `action.${label}`;
  const name = f.t(key);
  return name === key ? label : name;
}

const EXPECTED: Rule[] = [
  [
    /^the POS sends (.+?)( exactly \d+×| \d+–\d+×| at least \d+×)?(?: after the connector answers (.+?))?( within .+| before the item ends)$/,
    (m, f) =>
      f.t('checkText.sends', { pattern: patterns(g(m, 1), f) }) +
      count(g(m, 2), f) +
      (m[3] !== undefined ? ` ${f.t('checkText.afterReply', { pattern: g(m, 3) })}` : '') +
      window(g(m, 4), f),
  ],
  [
    /^the POS never sends (.+?)(?: after the connector answers (.+?))?(?: before it sends (.+))?$/,
    (m, f) =>
      f.t('checkText.neverSends', { pattern: g(m, 1) }) +
      (m[2] !== undefined ? ` ${f.t('checkText.afterReply', { pattern: g(m, 2) })}` : '') +
      (m[3] !== undefined ? ` ${f.t('checkText.beforeItSends', { pattern: g(m, 3) })}` : ''),
  ],
  [/^no new command on any connection while another is unanswered \(except #!#\)$/, (_m, f) => f.t('checkText.oneAtATime')],
  [
    /^the POS reports (.+?)(, or an uncertain outcome that books nothing and tells the cashier what to check)?(?: for (.+))?$/,
    (m, f) =>
      f.t('checkText.reports', { fields: g(m, 1) }) +
      (m[2] !== undefined ? f.t('checkText.orUncertain') : '') +
      (m[3] !== undefined ? ` ${f.t('checkText.forAction', { action: actionName(g(m, 3), f) })}` : ''),
  ],
  [/^the machine shows (.+) since the item started$/, (m, f) => f.t('checkText.machineShows', { what: g(m, 1) })],
  [/^the outcome of (.+) agrees with the connector's replies$/, (m, f) => f.t('checkText.agrees', { action: actionName(g(m, 1), f) })],
  [/^the item finishes within (.+)$/, (m, f) => f.t('checkText.itemFinishes', { duration: g(m, 1) })],
  [/^the simulator and the POS start$/, (_m, f) => f.t('checkText.starts')],
  [/^the item runs$/, (_m, f) => f.t('checkText.itemRuns')],
  [/^the runner completes the item$/, (_m, f) => f.t('checkText.runnerCompletes')],
  // Results written by earlier versions.
  [/^a frame matching (.+) within (.+)$/, (m, f) => `${f.t('checkText.sends', { pattern: g(m, 1) })} ${f.t('checkText.within', { duration: g(m, 2) })}`],
  [/^(\S+) action completes within (.+)$/, (m, f) => f.t('checkText.actionCompletes', { action: actionName(g(m, 1), f), duration: g(m, 2) })],
  [/^operator confirms: (.+)$/s, (m, f) => f.t('checkText.operatorConfirms', { question: g(m, 1) })],
];

const ACTUAL: Rule[] = [
  [/^waiting$/, (_m, f) => f.t('checkText.waiting')],
  [/^not evaluated$/, (_m, f) => f.t('checkText.notEvaluated')],
  [/^no matching frame$/, (_m, f) => f.t('checkText.noMatch')],
  [/^no matching frame so far$/, (_m, f) => f.t('checkText.noMatchSoFar')],
  [/^no matching frame; the POS sent nothing$/, (_m, f) => f.t('checkText.noMatchSentNothing')],
  [/^no matching frame; the POS sent (.+)$/, (m, f) => f.t('checkText.noMatchPosSent', { frames: g(m, 1) })],
  [/^no matching frame before (.+)$/, (m, f) => f.t('checkText.noMatchBefore', { frame: g(m, 1) })],
  [/^the POS sent nothing$/, (_m, f) => f.t('checkText.sentNothing')],
  [/^(\d+) frames, first (.+)$/, (m, f) => f.t('checkText.framesFirst', { n: g(m, 1), frame: g(m, 2) })],
  [/^sent (.+)$/, (m, f) => f.t('checkText.sent', { frame: g(m, 1) })],
  [
    /^the POS reported (.+?)( \(uncertain: nothing booked, the cashier was told what to check\))?$/,
    (m, f) => f.t('checkText.reported', { outcome: g(m, 1) }) + (m[2] !== undefined ? ` (${f.t('checkText.uncertainSafe')})` : ''),
  ],
  [/^no such action ran$/, (_m, f) => f.t('checkText.noSuchAction')],
  [/^no outcome$/, (_m, f) => f.t('checkText.noOutcome')],
  [/^no outcome: (.+)$/s, (m, f) => f.t('checkText.noOutcomeBecause', { error: g(m, 1) })],
  [/^the connector never answered (.+)$/, (m, f) => f.t('checkText.neverAnswered', { pattern: g(m, 1) })],
  [/^nothing checked$/, (_m, f) => f.t('checkText.nothingChecked')],
  [/^(\d+) commands?, each sent after the previous reply$/, (m, f) => f.t(`checkText.commandsInTurn.${g(m, 1) === '1' ? 'one' : 'other'}`, { n: g(m, 1) })],
  [/^no answer after (.+)$/, (m, f) => f.t('checkText.noAnswerAfter', { duration: g(m, 1) })],
  [/^the item was stopped after (.+) \(the POS or a step hung\)$/, (m, f) => f.t('checkText.stoppedAfter', { duration: g(m, 1) })],
  // Results written by earlier versions: "#I# at 0.012 s".
  [/^(#\S*) at (\d+(?:\.\d+)? m?s)$/, (m, f) => f.t('checkText.frameAt', { frame: g(m, 1), time: g(m, 2) })],
];

const MESSAGE: Rule[] = [
  [/^an earlier step broke$/, (_m, f) => f.t('checkText.earlierStepBroke')],
  [/^driver timeout$/, (_m, f) => f.t('checkText.driverTimeout')],
];

function apply(rules: Rule[], text: string, f: Formatters): string {
  if (f.lang === 'en') return text;
  for (const [pattern, render] of rules) {
    const m = pattern.exec(text);
    if (m) return render(m, f);
  }
  return text;
}

export function localizeExpected(text: string, f: Formatters): string {
  return apply(EXPECTED, text, f);
}

/** "#I# (conn 1, 12 ms)": where and when a frame was seen, wherever the sentence quotes one. */
function frameWhere(text: string, f: Formatters): string {
  if (f.lang === 'en') return text;
  return text.replace(/\(conn (\d+), (\d+(?:\.\d+)? m?s)\)/g, (_whole, conn: string, time: string) => f.t('checkText.connAt', { conn, time }));
}

export function localizeActual(text: string, f: Formatters): string {
  return frameWhere(apply(ACTUAL, text, f), f);
}

export function localizeCheckMessage(text: string, f: Formatters): string {
  return apply(MESSAGE, text, f);
}

/**
 * A check's message in the report's language: the checklist's own sentence in that language
 * when the step gave it (`messages`), else the English with the runner's known wordings translated.
 */
export function checkMessageText(check: Pick<CheckResult, 'message' | 'messages'>, f: Formatters): string {
  const own = check.messages?.[f.lang];
  return typeof own === 'string' ? own : localizeCheckMessage(check.message ?? '', f);
}

/** An item's reason in the report's language: the runner's localized form when it wrote one, else the known wordings translated. */
export function itemReasonText(item: Pick<ItemResult, 'reason' | 'reasons'>, f: Formatters): string {
  const own = item.reasons?.[f.lang];
  return typeof own === 'string' ? own : localizeReason(item.reason ?? '', f);
}

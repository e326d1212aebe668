/**
 * The person at the terminal: the console both the manual driver and the runner's operator
 * checks talk through, the yes/no question they share, and the record of an answer that goes
 * into the result. It sits below the runner and the drivers so that neither imports the other
 * for it.
 */
import type { Lang } from '../i18n.js';

/** A question/answer channel to a person at the terminal (manual driver, operator checks). */
export interface OperatorConsole {
  say(text: string): void;
  /** Ask and wait for one line; resolves to the trimmed answer. Rejects when the signal aborts. */
  ask(question: string, signal?: AbortSignal): Promise<string>;
  close(): void;
}

/** One answer an operator gave, as the result records it. */
export interface OperatorAnswer {
  question: string;
  answer: 'yes' | 'no' | string;
  operator: string;
  at: string;
}

interface YesNoWords {
  /** The choices shown after the question. */
  prompt: string;
  yes: readonly string[];
  no: readonly string[];
  /** Said when the answer is neither. */
  invalid: string;
}

export const YES_NO_WORDS: Record<Lang, YesNoWords> = {
  en: {
    prompt: '[y]es / [n]o:',
    yes: ['y', 'yes'],
    no: ['n', 'no'],
    invalid: 'Please answer with one of the letters shown, or an amount like 9.90.',
  },
  fr: {
    prompt: '[o]ui / [n]on :',
    yes: ['o', 'oui', 'y', 'yes'],
    no: ['n', 'non', 'no'],
    invalid: 'Répondez avec une des lettres proposées, ou un montant comme 9.90.',
  },
  es: {
    prompt: '[s]í / [n]o:',
    yes: ['s', 'si', 'sí', 'y', 'yes'],
    no: ['n', 'no'],
    invalid: 'Responda con una de las letras indicadas, o un importe como 9.90.',
  },
};

/** Ask a yes/no question until the answer is one; resolves true for yes. */
export async function askYesNo(console: OperatorConsole, lang: Lang, question: string, signal?: AbortSignal): Promise<{ yes: boolean; answer: string }> {
  const w = YES_NO_WORDS[lang];
  for (;;) {
    const answer = (await console.ask(`${question} ${w.prompt}`, signal)).toLowerCase();
    if (w.yes.includes(answer)) return { yes: true, answer };
    if (w.no.includes(answer)) return { yes: false, answer };
    console.say(w.invalid);
  }
}

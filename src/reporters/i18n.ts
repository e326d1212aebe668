/**
 * Human-facing text in fr/en/es. The strings live in reports/i18n/<lang>.json (runtime
 * assets next to the templates, so translators never touch TypeScript); amounts, dates and
 * durations are formatted with Intl for the language (`12,50 €` in French).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../i18n.js';
import { PACKAGE_ROOT } from '../version.js';

/** The nested string table of one language; leaves are strings with `{param}` holes. */
export interface Strings {
  [key: string]: string | Strings;
}

const cache = new Map<Lang, Strings>();

export function stringsFor(lang: Lang): Strings {
  let strings = cache.get(lang);
  if (!strings) {
    const file = join(PACKAGE_ROOT, 'reports', 'i18n', `${lang}.json`);
    strings = JSON.parse(readFileSync(file, 'utf8')) as Strings;
    cache.set(lang, strings);
  }
  return strings;
}

/** The string at a dotted key with `{param}` holes filled; the key itself when missing (visible, never a crash). */
export function translate(strings: Strings, key: string, params: Record<string, string | number> = {}): string {
  let node: string | Strings | undefined = strings;
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  if (typeof node !== 'string') return key;
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export interface Formatters {
  lang: Lang;
  t(key: string, params?: Record<string, string | number>): string;
  amount(cents: number): string;
  /** An ISO timestamp as a long date and time in UTC (reports must read the same wherever they are rendered). */
  dateTime(iso: string): string;
  date(iso: string): string;
  duration(ms: number): string;
  /** Transcript offsets: seconds with millisecond precision. */
  offset(ms: number): string;
}

// Building the Intl formatters costs milliseconds each (ICU data); a run renders several reports.
const formatters = new Map<string, Formatters>();

export function formattersFor(lang: Lang, currency = 'EUR'): Formatters {
  const key = `${lang} ${currency}`;
  let made = formatters.get(key);
  if (!made) {
    made = makeFormatters(lang, currency);
    formatters.set(key, made);
  }
  return made;
}

function makeFormatters(lang: Lang, currency: string): Formatters {
  const strings = stringsFor(lang);
  const locale = typeof strings['locale'] === 'string' ? strings['locale'] : lang;
  // Each made on first use: a run's progress line needs few of them, and the first costs the most (ICU's data).
  const money = once(() => new Intl.NumberFormat(locale, { style: 'currency', currency }));
  const dateTime = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'medium', timeZone: 'UTC' }));
  const dateOnly = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
  const seconds = once(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
  const secondsPrecise = once(() => new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }));
  const integer = once(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }));
  const validDate = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? undefined : d;
  };
  return {
    lang,
    t: (key, params) => translate(strings, key, params),
    amount: (cents) => money().format(cents / 100),
    dateTime: (iso) => {
      const d = validDate(iso);
      return d ? `${dateTime().format(d)} UTC` : iso;
    },
    date: (iso) => {
      const d = validDate(iso);
      return d ? dateOnly().format(d) : iso;
    },
    duration: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) return '';
      if (ms < 1000) return `${integer().format(ms)} ms`;
      if (ms < 60_000) return `${seconds().format(ms / 1000)} s`;
      const minutes = Math.floor(ms / 60_000);
      const rest = Math.round((ms % 60_000) / 1000);
      return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
    },
    offset: (ms) => `${secondsPrecise().format(ms / 1000)} s`,
  };
}

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** The currency of a simulator profile named like "eur-pos1500" / "usd-…"; EUR otherwise. */
export function currencyOfProfile(profile: string | undefined): string {
  const m = /^([a-z]{3})-/i.exec(profile ?? '');
  const code = m?.[1]?.toUpperCase();
  return code !== undefined && Intl.supportedValuesOf('currency').includes(code) ? code : 'EUR';
}

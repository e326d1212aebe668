/**
 * The languages of everything a person reads: checklist titles, reports, the manual, the
 * operator's prompts. Shared by every layer that speaks to people, so it belongs to none of them.
 */
export type Lang = 'fr' | 'en' | 'es';
export const LANGS: readonly Lang[] = ['fr', 'en', 'es'];
/** One text in every language (a checklist title, an operator question). */
export type Localized = Record<Lang, string>;

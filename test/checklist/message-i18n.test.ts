import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { loadChecklist, parseChecklist } from '../../src/checklist/load.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import type { ExpectStep } from '../../src/checklist/types.js';

const HEAD = `id: t
version: 1.0.0
title: {fr: T, en: T, es: T}
source: test
integrations: [express]
items:
  - id: A-01
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: required
    catches: {fr: c, en: c, es: c}
    steps:
      - action: startup
`;

function issuesOf(text: string): string[] {
  try {
    parseChecklist(text, 'msg.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).issues.filter((i) => i.severity === 'error').map((i) => `${i.file}:${i.line}:${i.col} ${i.message}`);
  }
  return [];
}

const expects = (text: string) => parseChecklist(text, 'msg.yaml').items.flatMap((i) => i.steps).filter((s): s is ExpectStep => s.kind === 'expect');

describe('a step message: English text or {fr, en, es}', () => {
  it('keeps a plain string as the English message, with no translations', () => {
    const [step] = expects(`${HEAD}      - expect: {sends: "#I#"}\n        message: "the POS did not send #I#"\n`);
    expect(step?.message).toBe('the POS did not send #I#');
    expect(step).not.toHaveProperty('messages');
  });

  it('takes {fr, en, es}: the English becomes `message`, the three languages `messages`', () => {
    const [step] = expects(
      `${HEAD}      - expect: {sends: "#I#"}
        message:
          fr: "le TPV n'a pas envoyé #I#"
          en: "the POS did not send #I#"
          es: "el TPV no envió #I#"
`,
    );
    expect(step?.message).toBe('the POS did not send #I#');
    expect(step?.messages).toEqual({ fr: "le TPV n'a pas envoyé #I#", en: 'the POS did not send #I#', es: 'el TPV no envió #I#' });
  });

  it('refuses a message without its English, at file:line:col', () => {
    expect(issuesOf(`${HEAD}      - expect: {sends: "#I#"}\n        message: {fr: "le TPV n'a pas envoyé #I#"}\n`)).toEqual([
      'msg.yaml:16:9 missing required key "en" in a text in fr/en/es',
      'msg.yaml:16:9 missing required key "es" in a text in fr/en/es',
    ]);
    expect(issuesOf(`${HEAD}      - expect: {sends: "#I#"}\n        message:\n          fr: "x"\n          es: "y"\n`)).toEqual(['msg.yaml:16:9 missing required key "en" in a text in fr/en/es']);
  });

  it('refuses an unknown language and an empty text, each where it is', () => {
    expect(issuesOf(`${HEAD}      - expect: {sends: "#I#"}\n        message: {fr: "a", en: "", es: "c", de: "d"}\n`)).toEqual([
      'msg.yaml:16:32 must not be empty',
      'msg.yaml:16:45 unknown key "de" in a text in fr/en/es',
    ]);
  });

  it('the shipped checklists give every step message in fr, en and es', () => {
    for (const file of Object.values(SHIPPED_CHECKLISTS)) {
      const steps = loadChecklist(file).items.flatMap((i) => i.steps).filter((s): s is ExpectStep => s.kind === 'expect' && s.message !== undefined);
      expect(steps.length).toBeGreaterThan(10);
      for (const step of steps) {
        expect(step.messages, `${file}: ${step.message}`).toBeDefined();
        expect(step.messages?.en).toBe(step.message);
        // A translation that forgot to translate is the English again.
        expect(step.messages?.fr).not.toBe(step.message);
        expect(step.messages?.es).not.toBe(step.message);
      }
    }
  });
});

/**
 * A French run of a failing item: the check's message, the item's reason, the console and the
 * report views speak French where the checklist gave its sentence in fr/en/es, and keep the
 * evidence (what the POS sent, what it reported) as written. Older results still render.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { loadChecklist } from '../../src/checklist/load.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import type { ChecklistItem, ExpectStep } from '../../src/checklist/types.js';
import { InvalidInputError } from '../../src/errors.js';
import type { Lang } from '../../src/i18n.js';
import { parseResult } from '../../src/reporters/load-result.js';
import { buildReportView } from '../../src/reporters/view.js';
import type { RunEvent } from '../../src/runner/events.js';
import type { CheckResult, ItemResult, RunResult } from '../../src/runner/result.js';
import { runChecklist } from '../../src/runner/run.js';
import { itemVerdict } from '../../src/runner/verdict.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import { checklist, POS, tinyPosDriver } from './helpers.js';

/** EXP-04 of the shipped Express checklist (change: net paid), alone: the "gross" POS books the amount inserted. */
function shippedItem(id: string): ChecklistItem {
  const found = loadChecklist(SHIPPED_CHECKLISTS['chapter7-express']).items.find((i) => i.id === id);
  if (!found) throw new Error(`${id} is not in the shipped checklist`);
  return { ...found, dependsOn: [] };
}

function sink() {
  const out = Object.assign(new PassThrough(), { isTTY: false });
  let text = '';
  out.setEncoding('utf8').on('data', (c: string) => (text += c));
  return { out, text: () => text };
}

async function frenchRun(): Promise<{ result: RunResult; console: string; item: ChecklistItem }> {
  const item = shippedItem('EXP-04');
  const s = sink();
  const progress = createProgress({ out: s.out, mode: 'human', color: false, lang: 'fr' });
  const result = await runChecklist({
    checklist: checklist([item]),
    pos: POS,
    seed: 3,
    timeScale: 0.01,
    lang: 'fr',
    ci: true,
    driverFactory: () => tinyPosDriver('gross'),
    onEvent: (e: RunEvent) => progress.onEvent(e),
  });
  progress.finish(result, { dir: '/tmp/r', files: [], problems: [] });
  return { result, console: s.text(), item };
}

const failedCheck = (item: ItemResult): CheckResult => {
  const check = item.checks.find((c) => c.status === 'failed');
  if (!check) throw new Error(`${item.id} has no failed check`);
  return check;
};

describe('check messages in the run language', () => {
  it('a French run of a failing item: French in the result, the console and the report view; the English unchanged', async () => {
    const { result, console, item } = await frenchRun();
    const [exp04] = result.items;
    expect(exp04?.verdict).toBe('fail');
    const res = exp04 as ItemResult;
    const check = failedCheck(res);
    const step = item.steps[check.step ?? -1] as ExpectStep;
    expect(step.kind).toBe('expect');
    const sentence = step.messages;
    expect(sentence).toBeDefined();
    if (!sentence) return;

    // The English message is what it always was: the English sentence, then the evidence.
    expect(check.message?.startsWith(`${sentence.en} — `)).toBe(true);
    const evidence = (check.message as string).slice(`${sentence.en} — `.length);
    expect(evidence).not.toBe('');
    for (const lang of ['fr', 'en', 'es'] as Lang[]) expect(check.messages?.[lang]).toBe(`${sentence[lang]} — ${evidence}`);
    expect(check.messages?.en).toBe(check.message);

    // The reason is that check's message, in every language.
    expect(res.reason?.startsWith(check.message as string)).toBe(true);
    expect(res.reasons?.en).toBe(res.reason);
    expect(res.reasons?.fr.startsWith(check.messages?.fr as string)).toBe(true);

    // Console: the French sentence on the item line and in the list of failed required items.
    expect(console).toContain(`    ${res.reasons?.fr}`);
    expect(console).toContain(`— ${res.reasons?.fr}`);
    expect(console).not.toContain(sentence.en);

    // HTML/Markdown view model: French check message and reason in a French report, English in an English one.
    const fr = buildReportView(result, 'fr').items[0];
    expect(fr?.reason).toBe(res.reasons?.fr);
    expect(fr?.checks.map((c) => c.message)).toContain(check.messages?.fr);
    expect(fr?.reason).toContain(sentence.fr);
    const es = buildReportView(result, 'es').items[0];
    expect(es?.reason).toContain(sentence.es);
    const en = buildReportView(result, 'en').items[0];
    expect(en?.reason).toBe(res.reason);
    expect(en?.checks.map((c) => c.message)).toContain(check.message);

    // result.json keeps the translations through a save and a load.
    const loaded = parseResult(JSON.stringify(result), 'result.json');
    expect(loaded.items[0]?.reasons).toEqual(res.reasons);
    expect(buildReportView(loaded, 'fr').items[0]?.reason).toBe(res.reasons?.fr);
  }, 60_000);

  it("the POS's own words close the reason in every language, quoted as written", async () => {
    const words = 'TODO: startup is not implemented yet';
    const result = await runChecklist({
      checklist: checklist([shippedItem('EXP-01')]),
      pos: POS,
      seed: 3,
      timeScale: 0.01,
      lang: 'es',
      ci: true,
      driverFactory: () => inProcessDriver(async () => ({ perform: async () => ({ outcome: 'failed', message: words }), close: () => undefined }), 'todo'),
    });
    const res = result.items[0] as ItemResult;
    expect(res.verdict).toBe('fail');
    const check = failedCheck(res);
    expect(res.reason).toBe(`${check.message}; the POS said: ${words}`);
    expect(res.reasons).toEqual({
      fr: `${check.messages?.fr}; le TPV a dit : ${words}`,
      en: res.reason,
      es: `${check.messages?.es}; el TPV dijo: ${words}`,
    });
    expect(check.messages?.es.startsWith('el TPV no envió #I# al arrancar — ')).toBe(true);
    expect(buildReportView(result, 'es').items[0]?.reason).toBe(res.reasons?.es);
  }, 60_000);

  it('an older result.json without messages renders as before: the English, with the known wordings translated', async () => {
    const { result } = await frenchRun();
    const old = structuredClone(result);
    for (const item of old.items) {
      delete item.reasons;
      for (const check of item.checks) delete check.messages;
    }
    const loaded = parseResult(JSON.stringify(old), 'old-result.json');
    const view = buildReportView(loaded, 'fr').items[0];
    const res = old.items[0] as ItemResult;
    expect(view?.reason).toBe(res.reason);
    expect(view?.checks.map((c) => c.message)).toContain(failedCheck(res).message);
  }, 60_000);

  it('refuses a result.json whose messages lack a language, saying where', () => {
    const bad = {
      schemaVersion: 1,
      tool: { version: '0' },
      checklist: { id: 'c', version: '1', sha256: 'x' },
      pos: { name: 'p', version: '1', integration: 'express' },
      seed: 1,
      startedAt: '2000-01-01T00:00:00.000Z',
      finishedAt: '2000-01-01T00:00:00.000Z',
      verdict: 'fail',
      items: [
        {
          id: 'A',
          title: 'a',
          level: 'required',
          verdict: 'fail',
          reasons: { fr: 'x', en: 'y' },
          checks: [{ kind: 'sends', status: 'failed', expected: 'e', actual: 'a', message: 'm', messages: { en: 'm', es: 'n' } }],
          transcript: [],
        },
      ],
    };
    let caught: unknown;
    try {
      parseResult(JSON.stringify(bad, null, 2), 'r.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const messages = (caught as InvalidInputError).issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.message}`);
    expect(messages).toEqual([expect.stringMatching(/^r\.json:\d+:\d+ missing required key "es" in reasons$/), expect.stringMatching(/^r\.json:\d+:\d+ missing required key "fr" in messages$/)]);
  });
});

describe('a failed item reason in every language (pure)', () => {
  it('quotes the other problem and keeps its text as written when it has no translation', () => {
    const v = itemVerdict(
      [
        { kind: 'sends', status: 'failed', expected: 'e', actual: 'a', message: 'the POS forgot — no matching frame', messages: { fr: 'le TPV a oublié — no matching frame', en: 'the POS forgot — no matching frame', es: 'el TPV olvidó — no matching frame' } },
        { kind: 'step', status: 'errored', expected: 'e', actual: 'the item was stopped after 2 s (the POS or a step hung)', message: 'the item was stopped after 2 s (the POS or a step hung)' },
      ],
      true,
    );
    expect(v.reason).toBe('the POS forgot — no matching frame (also: the item was stopped after 2 s (the POS or a step hung))');
    expect(v.reasons).toEqual({
      fr: 'le TPV a oublié — no matching frame (aussi : the item was stopped after 2 s (the POS or a step hung))',
      en: v.reason,
      es: 'el TPV olvidó — no matching frame (también: the item was stopped after 2 s (the POS or a step hung))',
    });
  });

  it('has no translations when the failed check has none', () => {
    const v = itemVerdict([{ kind: 'sends', status: 'failed', expected: 'e', actual: 'a', message: 'no #C#' }], true);
    expect(v).toEqual({ verdict: 'fail', reason: 'no #C#' });
  });
});

/**
 * `run --answers <file>`: the operator's prompts answered from a file instead of the terminal
 * (docs/proxy.md, "Scripted answers"), for a bench rig where something else acts at the machine,
 * or a test where the machine behind the proxy is a simulator:
 *
 *   - when: '^\[(pay|insert) '          # a regular expression on the prompt (its [key] comes first)
 *     answer: y                         # what the operator types
 *     request:                          # optional: an HTTP request made before answering
 *       method: POST
 *       url: http://127.0.0.1:8093/customer
 *       body: {insert: '{cents}'}       # '{cents}': the amounts of the prompt's key, as a list
 *   - when: '.'
 *     answer: y
 *
 * The first rule whose `when` matches answers; a prompt no rule matches is an error naming it.
 * A request answered 409 (nothing open yet: the machine has not opened the acceptance the POS
 * just asked for) is retried for up to REQUEST_RETRY_MS; any other non-2xx answer fails the
 * prompt with the server's message.
 */
import { readFileSync } from 'node:fs';
import type { OperatorConsole } from '../drivers/operator.js';
import { CertError, UsageError } from '../errors.js';
import { readYaml } from '../format/yaml.js';

export const REQUEST_RETRY_MS = 5000;

export interface AnswerRule {
  when: RegExp;
  answer: string;
  request?: { method: string; url: string; body?: unknown };
}

/** Reads and checks an answers file; every problem names the rule and the field. */
export function loadAnswers(file: string): AnswerRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertError('FILE_NOT_FOUND', `--answers: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const source = readYaml(text, file);
  const first = source.issues[0];
  if (first !== undefined) throw new UsageError(`--answers ${file}:${first.line ?? 1}:${first.col ?? 1}: ${first.message}`);
  const value = source.value;
  if (!Array.isArray(value)) throw new UsageError(`--answers ${file}: expected a list of rules like "- when: '^\\[insert ' / answer: y"`);
  return value.map((raw: unknown, i) => {
    const where = `--answers ${file}: rule ${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: expected an object with "when" and "answer"`);
    const rule = raw as Record<string, unknown>;
    const unknown = Object.keys(rule).filter((k) => !['when', 'answer', 'request'].includes(k));
    if (unknown.length > 0) throw new UsageError(`${where}: unknown key ${unknown.join(', ')} (allowed: when, answer, request)`);
    if (typeof rule.when !== 'string' || rule.when === '') throw new UsageError(`${where}: "when" must be a regular expression (text)`);
    let when: RegExp;
    try {
      when = new RegExp(rule.when, 'i');
    } catch (err) {
      throw new UsageError(`${where}: "when" is not a valid regular expression: ${(err as Error).message}`);
    }
    if (typeof rule.answer !== 'string' && typeof rule.answer !== 'number') throw new UsageError(`${where}: "answer" must be the text the operator types (e.g. y)`);
    const out: AnswerRule = { when, answer: String(rule.answer) };
    if (rule.request !== undefined) {
      const r = rule.request as Record<string, unknown>;
      if (typeof r !== 'object' || r === null || typeof r.url !== 'string') throw new UsageError(`${where}: "request" needs a "url"`);
      let url: URL;
      try {
        url = new URL(r.url);
      } catch {
        throw new UsageError(`${where}: request.url ${JSON.stringify(r.url)} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${where}: request.url must be http or https, got ${url.protocol}`);
      const method = typeof r.method === 'string' ? r.method.toUpperCase() : 'POST';
      out.request = { method, url: url.href, ...(r.body !== undefined ? { body: r.body } : {}) };
    }
    return out;
  });
}

/** The amounts in a prompt's key: `[insert 2000+500] …` → [2000, 500]. */
export function promptCents(question: string): number[] {
  const key = /^\[[a-z-]+ ([\d+]+)\]/i.exec(question)?.[1];
  return key === undefined ? [] : key.split('+').filter(Boolean).map(Number);
}

/** An operator console that answers from the rules; questions and answers are echoed to `echo`. */
export function answersConsole(rules: readonly AnswerRule[], file: string, echo: NodeJS.WritableStream): OperatorConsole {
  return {
    say(text) {
      echo.write(`${text}\n`);
    },
    async ask(question, signal) {
      echo.write(`${question} `);
      const rule = rules.find((r) => r.when.test(question));
      if (rule === undefined) throw new Error(`no rule of ${file} answers: ${question}`);
      if (rule.request !== undefined) await perform(rule.request, promptCents(question), signal);
      echo.write(`${rule.answer}  (from ${file})\n`);
      return rule.answer;
    },
    close() {},
  };
}

async function perform(request: NonNullable<AnswerRule['request']>, cents: number[], signal?: AbortSignal): Promise<void> {
  const body = request.body === undefined ? undefined : JSON.stringify(substitute(request.body, cents));
  const deadline = Date.now() + REQUEST_RETRY_MS;
  for (;;) {
    const res = await fetch(request.url, {
      method: request.method,
      ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {}),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    if (res.ok) return;
    if (res.status !== 409 || Date.now() > deadline) throw new Error(`${request.method} ${request.url} answered ${res.status}: ${text.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function substitute(value: unknown, cents: number[]): unknown {
  if (value === '{cents}') return cents;
  if (Array.isArray(value)) return value.map((v) => substitute(v, cents));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, cents)]));
  return value;
}

/**
 * What `cashlogy-cert init` does once its flags are parsed: check them, ask the rest, render the
 * profile and the stub from templates/init/; loaded only when it runs (init.ts registers the
 * command and its help).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import Handlebars from 'handlebars';
import { describeItems, preflight } from '../../checklist/preflight.js';
import { resolveChecklist } from '../../checklist/select.js';
import { RuntimeError, UsageError } from '../../errors.js';
import { closest } from '../../format/issues.js';
import { writeFileInside } from '../../fs-atomic.js';
import { POS_FEATURES, type IntegrationType, type PosAction, type PosProfile } from '../../pos/types.js';
import { PACKAGE_ROOT } from '../../version.js';
import { inCi, type CliIo } from '../io.js';
import {
  DRIVERS,
  INIT_DEFAULTS,
  INTEGRATIONS,
  STUBS,
  type InitAnswers,
  type InitIntegration,
  type InitOptions,
  type StubLanguage,
} from './init.js';

export const INIT_TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates', 'init');

export interface InitFile {
  /** Relative to the target folder. */
  path: string;
  contents: string;
}

const STUB_FILE: Record<StubLanguage, string> = { node: 'pos-hook.mjs', python: 'pos_hook.py' };
const STUB_ARGV: Record<StubLanguage, string[]> = { node: ['node', 'pos-hook.mjs'], python: ['python3', 'pos_hook.py'] };
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export async function initCommand(options: InitOptions, io: CliIo): Promise<number> {
  const given = parseInitOptions(options);
  const interactive = options.yes !== true && io.stdin.isTTY === true && io.stdout.isTTY === true && !inCi(io.env);
  const answers = interactive ? await ask(given, io) : { ...INIT_DEFAULTS, ...given };
  const dir = resolve(io.cwd, options.dir ?? '.');
  const files = renderInitFiles(answers, dir);
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => join(dir, f.path));
  if (existing.length > 0 && options.force !== true) {
    throw new UsageError(`init writes nothing: ${existing.map((p) => relative(io.cwd, p) || p).join(', ')} already exist${existing.length === 1 ? 's' : ''} (pass --force to overwrite)`);
  }
  for (const file of files) io.stdout.write(`wrote ${relative(io.cwd, writeFileInside(dir, file.path, file.contents))}\n`);
  io.stdout.write(nextSteps(answers, relative(io.cwd, dir)));
  return 0;
}

/** The flags, checked: every bad value says which flag and what it may be. */
export function parseInitOptions(options: InitOptions): Partial<InitAnswers> {
  const out: Partial<InitAnswers> = {};
  if (options.integration !== undefined) out.integration = oneOf('--integration', options.integration, INTEGRATIONS);
  if (options.driver !== undefined) out.driver = oneOf('--driver', options.driver, DRIVERS);
  if (options.stub !== undefined) out.stub = oneOf('--stub', options.stub, STUBS);
  if (options.name !== undefined) out.name = text('--name', options.name);
  if (options.company !== undefined) out.company = text('--company', options.company);
  if (options.email !== undefined) out.email = email('--email', options.email);
  if (options.features !== undefined) out.features = features('--features', options.features);
  return out;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  const guess = closest(v, allowed);
  throw new UsageError(`${flag} "${value}" is not one of ${allowed.join(', ')}${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`);
}

function text(flag: string, value: string): string {
  const v = value.trim();
  if (v === '') throw new UsageError(`${flag} must not be empty`);
  return v;
}

function email(flag: string, value: string): string {
  const v = text(flag, value);
  if (!EMAIL.test(v)) throw new UsageError(`${flag} "${value}" is not an e-mail address like integration@acme.example`);
  return v;
}

function features(flag: string, value: string): string[] {
  const list = value.split(',').map((f) => f.trim()).filter((f) => f !== '');
  for (const f of list) {
    if (!(POS_FEATURES as readonly string[]).includes(f)) {
      const guess = closest(f, POS_FEATURES);
      throw new UsageError(`${flag}: unknown feature "${f}"${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}; features: ${POS_FEATURES.join(', ')}`);
    }
  }
  return [...new Set(list)];
}

/** One question per answer not given as a flag; an empty answer takes the default shown. */
async function ask(given: Partial<InitAnswers>, io: CliIo): Promise<InitAnswers> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    const question = async <T>(prompt: string, fallback: string, parse: (v: string) => T): Promise<T> => {
      for (;;) {
        const reply = (await rl.question(`${prompt} (${fallback}): `)).trim();
        try {
          return parse(reply === '' ? fallback : reply);
        } catch (err) {
          io.stdout.write(`  ${(err as Error).message}\n`);
        }
      }
    };
    const d = INIT_DEFAULTS;
    return {
      integration: given.integration ?? (await question(`Integration style: ${INTEGRATIONS.join(', ')}?`, d.integration, (v) => oneOf('integration', v, INTEGRATIONS))),
      driver: given.driver ?? (await question('Driver: http (your POS serves a hook) or command (one program per action)?', d.driver, (v) => oneOf('driver', v, DRIVERS))),
      stub: given.stub ?? (await question('Language of the hook stub: node or python?', d.stub, (v) => oneOf('language', v, STUBS))),
      name: given.name ?? (await question('POS product name?', d.name, (v) => text('name', v))),
      company: given.company ?? (await question('Company?', d.company, (v) => text('company', v))),
      email: given.email ?? (await question('Contact e-mail for the certification?', d.email, (v) => email('e-mail', v))),
      features: given.features ?? (await question(`Features, comma-separated (${POS_FEATURES.join(', ')}), or none?`, 'none', (v) => (v === 'none' ? [] : features('features', v)))),
    };
  } finally {
    rl.close();
  }
}

/** What each action asks of the POS, per integration style, for the TODO comments. */
function todoFor(action: PosAction, integration: InitIntegration): string[] {
  if (integration === 'tickets') return ticketsTodoFor(action);
  const express = integration !== 'complete';
  switch (action) {
    case 'startup':
      return [
        'start your POS\'s Cashlogy module: it connects to CASHLOGY_HOST:CASHLOGY_PORT and sends #I#',
        '(after #ER:BUSY#: #Z#, then #I# again). Answer once #I# got its #0#...# reply.',
      ];
    case 'sale':
      return express
        ? ['ring up a sale of `amount` cents: your POS sends #C#...# (the connector shows its screens)', 'and books what the reply says: paid, change, and owed if change could not be given in full.']
        : ['ring up a sale of `amount` cents without the connector screens: #B#, poll #Q#, #J#, change with #P#;', 'book what #J# and #P# say: paid, change, and owed if change could not be given in full.'];
    case 'refund':
      return ['give `amount` cents back to the customer (#P#...#) and answer the refunded amount,', 'and owed if the machine could not dispense all of it.'];
    case 'cancel':
      return ['cancel the running sale as the cashier would (#!#). It arrives while `sale` is still', 'running: the sale then answers "cancelled".'];
    case 'backoffice':
      return ['open the connector\'s back-office screen (#G#...#) and answer once the operator closed it.'];
    case 'refill':
      return express
        ? ['let the operator top up the change float (the back-office screen, #G#...#).']
        : ['top up the change float with `amount` cents: #A#2#, poll #Q#, then #J#.'];
    case 'close-day':
      return express ? ['close the day through the back-office screen (#G#...#).'] : ['close the day: read the totals (#T#) and the counts per denomination (#Y#).'];
    case 'shutdown':
      return ['end the session (#E#) and close the connection to the connector.'];
  }
}

/** A Cashlogy Tickets POS exchanges files in CASHLOGY_TICKETS_DIR (docs/tickets.md). */
function ticketsTodoFor(action: PosAction): string[] {
  switch (action) {
    case 'startup':
      return ['check that your POS can read and write its requests folder (CASHLOGY_TICKETS_DIR).'];
    case 'sale':
      return [
        'write {"type": "venta", "ticket", "amount": cents} under a temporary name, rename it to <unique name>.azk,',
        'wait (bounded) for <name>.OK/.NOK, book paid - change (a .NOK: nothing but what it says moved), remove the answer.',
      ];
    case 'refund':
      return ['write an "abono" request the same way; answer refunded = amount, and owed = what the answer', 'says was not dispensed.'];
    default:
      return ['not part of the tickets exchange: answer "failed" with a message, or leave it out.'];
  }
}

const EXAMPLES: Record<PosAction, string> = {
  startup: '{"outcome": "completed"}',
  sale: '{"outcome": "completed", "paid": 990, "change": 10}',
  refund: '{"outcome": "completed", "refunded": 500}',
  cancel: '{"outcome": "cancelled"}',
  backoffice: '{"outcome": "completed"}',
  refill: '{"outcome": "completed"}',
  'close-day': '{"outcome": "completed"}',
  shutdown: '{"outcome": "completed"}',
};

/** The POS profile the answers describe, as the loader would return it (for the pre-flight). */
function profileOf(answers: InitAnswers): PosProfile {
  const integration: IntegrationType = answers.integration;
  return {
    name: answers.name,
    version: '1.0.0',
    company: answers.company,
    email: answers.email,
    integration,
    features: [...answers.features],
    driver: answers.driver === 'http' ? { type: 'http', url: 'http://127.0.0.1:{hookPort}' } : { type: 'command', actions: {} },
  };
}

/** The files `init` writes into `dir` (pure apart from reading the templates and checklists). */
export function renderInitFiles(answers: InitAnswers, dir: string): InitFile[] {
  const pos = profileOf(answers);
  const checklist = resolveChecklist(pos);
  // An http hook is "assumed" to answer everything: the actions the applicable items use are the list.
  const needs = preflight(checklist, checklist.items, { ...pos, driver: { type: 'http', url: '' } }).actions;
  const actions = needs.map((need) => ({
    action: need.action,
    pyName: need.action.replace(/-/g, '_'),
    amount: need.action === 'sale' || need.action === 'refund' || need.action === 'refill',
    key: /^[a-z]+$/.test(need.action) ? need.action : `'${need.action}'`,
    items: wrap(`Needed by ${describeItems(need.items)}.`, 88),
    todo: todoFor(need.action, answers.integration),
    example: EXAMPLES[need.action],
  }));
  const stubFile = STUB_FILE[answers.stub];
  const commands = actions.map((a) => ({ action: a.action, argv: [...STUB_ARGV[answers.stub], a.action, ...(a.amount ? ['{amount}'] : [])] }));
  const schemaPath = relative(dir, join(PACKAGE_ROOT, 'schema', 'pos.schema.json')).split('\\').join('/');
  const context = {
    pos,
    checklist: { id: checklist.id },
    actions,
    http: answers.driver === 'http',
    start: STUB_ARGV[answers.stub],
    commands,
    schema: schemaPath,
    featureList: featureList(pos),
    tickets: answers.integration === 'tickets',
  };
  return [
    { path: 'pos.yaml', contents: render('pos.yaml.hbs', context) },
    { path: stubFile, contents: render(`${stubFile}.hbs`, context) },
  ];
}

/** Words into lines of at most `width` characters, for comments. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** "refund (COM-12, COM-13), backoffice (EXP-16)": which items each feature would add. */
function featureList(pos: PosProfile): string {
  const all = resolveChecklist({ ...pos, features: [...POS_FEATURES] });
  const parts = POS_FEATURES.map((f) => ({ f, ids: all.items.filter((i) => i.appliesTo.features.includes(f)).map((i) => i.id) }))
    .filter((p) => p.ids.length > 0)
    .map((p) => `${p.f} (${p.ids.join(', ')})`);
  return parts.length > 0 ? parts.join(', ') : 'none for this integration';
}

const handlebars = Handlebars.create();
// One line, with the spaces a person would type: ["node", "pos-hook.mjs"].
handlebars.registerHelper('json', (value: unknown) => JSON.stringify(value).replace(/","/g, '", "'));
handlebars.registerHelper('yaml', (value: unknown) => JSON.stringify(String(value)));
const compiled = new Map<string, (context: unknown) => string>();

function render(name: string, context: unknown): string {
  let template = compiled.get(name);
  if (template === undefined) {
    const path = join(INIT_TEMPLATE_DIR, name);
    if (!existsSync(path)) throw new RuntimeError('RUNTIME', `the init template ${path} is missing: the cashlogy-cert package is incomplete, reinstall it`);
    template = handlebars.compile(readFileSync(path, 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}

function nextSteps(answers: InitAnswers, dir: string): string {
  const pos = dir === '' ? 'pos.yaml' : join(dir, 'pos.yaml');
  const stub = dir === '' ? STUB_FILE[answers.stub] : join(dir, STUB_FILE[answers.stub]);
  return `
Next:
  1. implement the actions in ${stub} (each TODO says what the POS must do)
  2. npx cashlogy-cert validate ${pos}
  3. npx cashlogy-cert run --pos ${pos}
     (until an action is implemented, its items fail with "TODO: <action> is not implemented yet")
  4. open the report the run names on its last line
`;
}

/**
 * The report templates in PACKAGE_ROOT/reports, rendered by private Handlebars runtimes (helpers
 * never leak into other users of the library), one per kind: HTML templates rely on Handlebars'
 * default escaping and never use triple braces for data; Markdown templates are compiled with
 * `noEscape` (HTML entities are wrong there) and every datum goes through one of the md
 * helpers. Templates come precompiled (template-specs.ts) unless edited since.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { HelperOptions } from 'handlebars';
import { PACKAGE_ROOT } from '../version.js';
import { escapeMarkdown, markdownCode, markdownFence } from './escape.js';
import { TEMPLATES, loadCompiled, specFor, type CompiledTemplates, type TemplateKind, type TemplateName } from './template-specs.js';

export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'reports');

type Template = (context: unknown) => string;
/** Handlebars without its compiler (the package ships no types of its own for this entry point). */
type Runtime = Omit<ReturnType<typeof import('handlebars').create>, 'compile' | 'precompile'>;

// The runtime entry point is CommonJS without an `exports` map: required, as Node's ESM resolver needs a file name.
const handlebarsRuntime = createRequire(import.meta.url)('handlebars/runtime') as { create(): Runtime };

let compiledFile: CompiledTemplates | undefined;
const runtimes = new Map<TemplateKind, Runtime>();
const templates = new Map<string, Template>();

function compiled(): CompiledTemplates {
  compiledFile ??= loadCompiled(TEMPLATE_DIR);
  return compiledFile;
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** A runtime with the helpers and every partial of reports/partials, compiled for `kind`. */
function runtimeFor(kind: TemplateKind): Runtime {
  let runtime = runtimes.get(kind);
  if (runtime) return runtime;
  runtime = handlebarsRuntime.create();
  runtime.registerHelper('md', (value: unknown) => escapeMarkdown(stringOf(value)));
  runtime.registerHelper('mdCode', (value: unknown) => markdownCode(stringOf(value)));
  runtime.registerHelper('mdCellCode', (value: unknown) => markdownCode(stringOf(value), true));
  runtime.registerHelper('fence', function (this: unknown, options: HelperOptions) {
    return `${markdownFence(options.fn(this).replace(/^\n+|\n+$/g, ''))}\n`;
  });
  runtime.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const dir = join(TEMPLATE_DIR, 'partials');
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.hbs')) continue;
    const name = file.slice(0, -'.hbs'.length);
    const spec = specFor(readFileSync(join(dir, file), 'utf8'), kind, compiled()[kind]?.partials[name]);
    runtime.registerPartial(name, runtime.template(spec as never));
  }
  runtimes.set(kind, runtime);
  return runtime;
}

/** Renders reports/<name>.hbs with the view; `markdown` templates are not HTML-escaped (TEMPLATES). */
export function renderTemplate(name: TemplateName, view: unknown): string {
  let template = templates.get(name);
  if (!template) {
    const kind = TEMPLATES[name];
    const spec = specFor(readFileSync(join(TEMPLATE_DIR, `${name}.hbs`), 'utf8'), kind, compiled()[kind]?.templates[name]);
    template = runtimeFor(kind).template(spec as never) as Template;
    templates.set(name, template);
  }
  return template(view);
}

/** A static asset (CSS/JS) inlined into the self-contained HTML report. */
export function readAsset(name: string): string {
  return readFileSync(join(TEMPLATE_DIR, 'assets', name), 'utf8');
}

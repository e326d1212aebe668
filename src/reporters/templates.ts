/**
 * A private Handlebars instance (helpers never leak into other users of the library) and the
 * templates in PACKAGE_ROOT/reports. HTML templates rely on Handlebars' default escaping and
 * never use triple braces for data. Markdown templates are compiled with `noEscape`
 * (HTML entities are wrong there) and every datum goes through one of the md helpers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../version.js';
import { escapeMarkdown, markdownCode, markdownFence } from './escape.js';

export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'reports');

type Template = (context: unknown) => string;

const handlebars = Handlebars.create();
let partialsLoaded = false;
const compiled = new Map<string, Template>();

handlebars.registerHelper('md', (value: unknown) => escapeMarkdown(stringOf(value)));
handlebars.registerHelper('mdCode', (value: unknown) => markdownCode(stringOf(value)));
handlebars.registerHelper('mdCellCode', (value: unknown) => markdownCode(stringOf(value), true));
handlebars.registerHelper('fence', function (this: unknown, options: Handlebars.HelperOptions) {
  return `${markdownFence(options.fn(this).replace(/^\n+|\n+$/g, ''))}\n`;
});
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = join(TEMPLATE_DIR, 'partials');
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.hbs')) continue;
    handlebars.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(join(dir, file), 'utf8'));
  }
  partialsLoaded = true;
}

/** Renders reports/<name>.hbs with the view; `markdown` templates are not HTML-escaped. */
export function renderTemplate(name: string, view: unknown, kind: 'html' | 'markdown'): string {
  loadPartials();
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(join(TEMPLATE_DIR, `${name}.hbs`), 'utf8');
    template = handlebars.compile(source, { noEscape: kind === 'markdown', strict: false, preventIndent: true });
    compiled.set(name, template);
  }
  return template(view);
}

/** A static asset (CSS/JS) inlined into the self-contained HTML report. */
export function readAsset(name: string): string {
  return readFileSync(join(TEMPLATE_DIR, 'assets', name), 'utf8');
}

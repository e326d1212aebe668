/**
 * Report templates come precompiled (reports/compiled.cjs, `npm run precompile`): the committed
 * file must be what the generator writes for today's sources, and a compilation that no longer
 * matches its source is never used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/hash.js';
import { COMPILED_FILE, compiledModuleText, loadCompiled, specFor } from '../../src/reporters/template-specs.js';
import { TEMPLATE_DIR } from '../../src/reporters/templates.js';

const Handlebars = createRequire(import.meta.url)('handlebars/runtime') as typeof import('handlebars');

describe('precompiled report templates', () => {
  it('are up to date with reports/*.hbs (run `npm run precompile` after editing a template)', () => {
    expect(readFileSync(join(TEMPLATE_DIR, COMPILED_FILE), 'utf8')).toBe(compiledModuleText(TEMPLATE_DIR));
  });

  it('are used when made from the very source, and compiled again when the source changed', () => {
    const compiled = loadCompiled(TEMPLATE_DIR);
    const entry = compiled.markdown?.templates['manual'];
    expect(entry).toBeDefined();
    const source = readFileSync(join(TEMPLATE_DIR, 'manual.hbs'), 'utf8');
    expect(specFor(source, 'markdown', entry)).toBe(entry?.spec);

    const edited = 'Edited: {{name}} & {{md name}}';
    const runtime = Handlebars.create();
    runtime.registerHelper('md', (value: unknown) => `<${String(value)}>`);
    const spec = specFor(edited, 'markdown', entry);
    expect(spec).not.toBe(entry?.spec);
    expect(runtime.template(spec as never)({ name: 'a&b' })).toBe('Edited: a&b & <a&b>');
  });

  it('escape HTML in html templates only', () => {
    const runtime = Handlebars.create();
    const source = '{{x}}';
    const stale = { sha256: sha256('something else'), spec: {} };
    expect(runtime.template(specFor(source, 'html', stale) as never)({ x: '<b>' })).toBe('&lt;b&gt;');
    expect(runtime.template(specFor(source, 'markdown', undefined) as never)({ x: '<b>' })).toBe('<b>');
  });

  it('leave every template to run-time compilation when the file is missing', () => {
    expect(loadCompiled(join(TEMPLATE_DIR, 'no-such-folder'))).toEqual({});
  });
});

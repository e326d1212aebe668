/** `npm run templates`: compile reports/*.hbs into reports/compiled.cjs (src/reporters/template-specs.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_FILE, compiledModuleText } from '../src/reporters/template-specs.js';
import { TEMPLATE_DIR } from '../src/reporters/templates.js';

const path = join(TEMPLATE_DIR, COMPILED_FILE);
writeFileSync(path, compiledModuleText(TEMPLATE_DIR));
process.stdout.write(`wrote ${path}\n`);

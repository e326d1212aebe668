/**
 * `npm run precompile`: what the bundled inputs become, stored beside them so runs need not
 * make it again: reports/*.hbs into reports/compiled.cjs (src/reporters/template-specs.ts),
 * checklists/*.yaml into checklists/compiled.json and simulator/*.yaml into
 * simulator/compiled.json (src/precompiled.ts). Tests fail until it is run after an edit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKLISTS_DIR, precompiledChecklistsText } from '../src/checklist/load.js';
import { PRECOMPILED_FILE } from '../src/precompiled.js';
import { COMPILED_FILE, compiledModuleText } from '../src/reporters/template-specs.js';
import { TEMPLATE_DIR } from '../src/reporters/templates.js';
import { PROFILES_DIR, precompiledProfilesText } from '../src/server/load-profile.js';

for (const [path, text] of [
  [join(TEMPLATE_DIR, COMPILED_FILE), compiledModuleText(TEMPLATE_DIR)],
  [join(CHECKLISTS_DIR, PRECOMPILED_FILE), precompiledChecklistsText()],
  [join(PROFILES_DIR, PRECOMPILED_FILE), precompiledProfilesText()],
] as const) {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}

/**
 * The JSON Schemas shipped in schema/, generated from the format descriptions that the
 * loaders validate with. `npm run schema` writes them; a test pins the files to this output.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';
import { posJsonSchema } from '../pos/profile-format.js';
import { PACKAGE_ROOT } from '../version.js';
import { checklistJsonSchema } from './format.js';

/** Relative path in the package → file content. */
export function generatedSchemas(): Record<string, string> {
  return {
    'schema/checklist.schema.json': JSON.stringify(checklistJsonSchema(), null, 2) + '\n',
    'schema/pos.schema.json': JSON.stringify(posJsonSchema(), null, 2) + '\n',
  };
}

export function writeSchemas(root: string = PACKAGE_ROOT): string[] {
  const written: string[] = [];
  for (const [rel, content] of Object.entries(generatedSchemas())) {
    const path = join(root, rel);
    writeFileAtomic(path, content);
    written.push(path);
  }
  return written;
}

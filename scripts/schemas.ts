/**
 * The JSON Schemas shipped in schema/, generated from the format descriptions that the
 * loaders validate with. `npm run schema` writes them; a test pins the files to this output.
 */
import { join } from 'node:path';
import { checklistJsonSchema } from '../src/checklist/format.js';
import { listFaultInfo } from '../src/faults/registry.js';
import { faultJsonSchema } from '../src/faults/format.js';
import { writeFileAtomic } from '../src/fs-atomic.js';
import { machineProfileJsonSchema } from '../src/machine/profile.js';
import { posJsonSchema } from '../src/pos/profile-format.js';
import { controlApiJsonSchema } from '../src/server/validate.js';
import { resultJsonSchema } from '../src/reporters/load-result.js';
import { PACKAGE_ROOT } from '../src/version.js';

const json = (schema: unknown): string => JSON.stringify(schema, null, 2) + '\n';

/** Relative path in the package → file content. */
export function generatedSchemas(): Record<string, string> {
  return {
    'schema/checklist.schema.json': json(checklistJsonSchema()),
    'schema/pos.schema.json': json(posJsonSchema()),
    'schema/profile.schema.json': json(machineProfileJsonSchema()),
    'schema/fault.schema.json': json(faultJsonSchema(listFaultInfo())),
    'schema/control-api.schema.json': json(controlApiJsonSchema()),
    'schema/result.schema.json': json(resultJsonSchema()),
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

/** `npm run schema`: regenerate schema/*.json from the format descriptions. */
import { writeSchemas } from './schemas.js';

for (const path of writeSchemas()) process.stdout.write(`wrote ${path}\n`);

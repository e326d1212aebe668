import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (one level above src/ and dist/). */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The package root, where checklists/, simulator/ and reports/ live. */
export const PACKAGE_ROOT: string = new URL('..', import.meta.url).pathname;

/**
 * What `cashlogy-cert manual` does once its arguments are parsed; loaded only when it runs
 * (manual.ts registers the command and its help).
 */
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { loadPosProfile } from '../../pos/profile.js';
import { writeFileInside } from '../../fs-atomic.js';
import { loadResult } from '../../reporters/load-result.js';
import { renderManualFiles } from '../../reporters/manual.js';
import type { CliIo } from '../io.js';
import { parseLang } from '../inputs.js';
import { checkOutDir } from '../write-bundle.js';
import type { ManualOptions } from './manual.js';

export function manualCommand(options: ManualOptions, io: CliIo): number {
  if (options.pos === undefined) throw new UsageError('manual needs --pos <pos.yaml> (the POS profile the manual is about)');
  const lang = parseLang(options.lang, 'fr');
  const pos = loadPosProfile(resolve(io.cwd, options.pos));
  const result = options.result === undefined ? undefined : loadResult(resolve(io.cwd, options.result));
  const outDir = resolve(io.cwd, options.out ?? '.');
  checkOutDir(outDir);
  for (const file of renderManualFiles({ pos, lang, ...(result ? { result } : {}), date: new Date().toISOString() })) {
    io.stdout.write(`wrote ${writeFileInside(outDir, file.path, file.contents)}\n`);
  }
  return 0;
}

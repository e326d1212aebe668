/**
 * `cashlogy-cert manual --pos pos.yaml`: the integration manual skeleton, before any run
 * (examples from the protocol reference) or, with `--result`, filled with a run's exchanges.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { loadPosProfile } from '../../pos/profile.js';
import { writeFileInside } from '../../fs-atomic.js';
import { loadResult } from '../../reporters/load-result.js';
import { renderManualFiles } from '../../reporters/manual.js';
import type { CliIo } from '../io.js';
import { parseLang } from '../inputs.js';
import { checkOutDir } from '../write-bundle.js';

export function registerManual(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('manual')
    .description('write the integration manual skeleton ("petit manuel") for a POS profile')
    .option('--pos <pos.yaml>', 'the POS profile (name, version, company, e-mail, integration)')
    .option('--lang <lang>', 'fr|en|es', 'fr')
    .option('--out <dir>', 'folder to write manual.<lang>.md and manual.<lang>.html into (default: the current folder)')
    .option('--result <result.json>', 'fill the sections with the exchanges of this run')
    .addHelpText('after', '\nExample:\n  cashlogy-cert manual --pos pos.yaml --lang es --out docs/\n')
    .action(async (options: { pos?: string; lang: string; out?: string; result?: string }) => {
      if (options.pos === undefined) throw new UsageError('manual needs --pos <pos.yaml> (the POS profile the manual is about)');
      const lang = parseLang(options.lang, 'fr');
      const pos = loadPosProfile(resolve(io.cwd, options.pos));
      const result = options.result === undefined ? undefined : loadResult(resolve(io.cwd, options.result));
      const outDir = resolve(io.cwd, options.out ?? '.');
      checkOutDir(outDir);
      for (const file of renderManualFiles({ pos, lang, ...(result ? { result } : {}), date: new Date().toISOString() })) {
        io.stdout.write(`wrote ${writeFileInside(outDir, file.path, file.contents)}\n`);
      }
      setExitCode(0);
    });
}

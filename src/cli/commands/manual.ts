/**
 * `cashlogy-cert manual --pos pos.yaml`: the integration manual skeleton, before any run
 * (examples from the protocol reference) or, with `--result`, filled with a run's exchanges.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { insideDir, writeFileAtomic } from '../../fs-atomic.js';
import { loadResult } from '../../reporters/load-result.js';
import { renderManualFiles } from '../../reporters/manual.js';
import type { CliIo } from '../io.js';
import { parseLang } from './report.js';

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
      // Loaded on demand: the profile loader is only needed by this command.
      const { loadPosProfile } = await import('../../pos/profile.js');
      const pos = loadPosProfile(resolve(io.cwd, options.pos));
      const result = options.result === undefined ? undefined : loadResult(resolve(io.cwd, options.result));
      const outDir = resolve(io.cwd, options.out ?? '.');
      for (const file of renderManualFiles({ pos, lang, ...(result ? { result } : {}), date: new Date().toISOString() })) {
        const target = insideDir(outDir, file.path);
        writeFileAtomic(target, file.contents);
        io.stdout.write(`wrote ${target}\n`);
      }
      setExitCode(0);
    });
}

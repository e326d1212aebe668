/**
 * `cashlogy-cert merge <result.json|bundle>... --out <dir>`: one result, one set of reports,
 * one manual and one bundle from the shards of a run (the counterpart of Playwright's
 * merge-reports). The pure part is src/runner/merge.ts; merge-impl.ts reads the parts, finds the
 * checklist they ran and writes the bundle with the same writer as `run` and `report`.
 *
 *   exit 0/3/4 the merged verdict, like `run` · 1 usage · 2 the parts do not belong together
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export interface MergeFlags {
  out?: string;
  force?: boolean;
  lang?: string;
  pos?: string;
  checklist?: string;
  json?: boolean;
}

export function registerMerge(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('merge')
    .description('merge the shards of one run (result.json or bundle folders) into one result, set of reports and bundle')
    .argument('<parts...>', 'result.json files, bundle folders (a run\'s --out) or bundle zips, one per shard')
    .option('--out <dir>', 'folder for the merged result, reports and bundle (required)')
    .option('--lang <lang>', 'fr|en|es (default: the language of the first part)')
    .option('--pos <pos.yaml>', 'the POS profile: completes company/e-mail/features the results may lack')
    .option('--checklist <name|file>', 'the checklist the shards ran (default: the file or shipped checklist the results name)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--force', 'write into an --out that holds a bundle this tool did not write there (its files are left alone)')
    .addHelpText(
      'after',
      `
Every part must come from the same checklist (sha256), POS profile, tool version, seed and machine
profile, and no item or shard may be in two parts. Missing shards leave the merged run incomplete.

Exit codes: 0 every required item passed · 1 usage error · 2 the parts do not belong together
            3 an item errored (no required item failed) · 4 a required item failed

Examples:
  $ cashlogy-cert merge shard-1 shard-2 shard-3 --out cashlogy-reports/merged
  $ cashlogy-cert merge s1/result.json s2/result.json --out merged --lang en`,
    )
    .action(async (args: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('./merge-impl.js');
      setExitCode(await mergeCommand(args, flags, io));
    });
}

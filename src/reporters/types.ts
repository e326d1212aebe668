/**
 * The Reporter contract: a pure renderer from a saved run to files. Reporters never touch
 * the disk; the CLI and `writeBundle` write what they return (atomically, inside --out).
 */
import type { Checklist } from '../checklist/types.js';
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import type { RunDiff } from '../runner/diff.js';
import type { RunResult } from '../runner/result.js';

export interface ReportFile {
  /** Relative path inside the output folder ("checklist.html", "transcripts/EXP-01.log"). */
  path: string;
  contents: string | Uint8Array;
}

export interface ReportInput {
  result: RunResult;
  lang: Lang;
  /** The full POS profile, when known: adds company/e-mail/features the result may lack. */
  pos?: PosProfile;
  /** The checklist the run used, when known: gives `underTest` for the manual's section matching. */
  checklist?: Checklist;
  /** What changed since a baseline run (`run --baseline`, `report --baseline`): the HTML shows it. */
  changes?: RunDiff;
}

export interface Reporter {
  /** Registry key, what users write after `--format`. */
  name: string;
  /** One line for `--help`. */
  describe: string;
  render(input: ReportInput): ReportFile[];
}

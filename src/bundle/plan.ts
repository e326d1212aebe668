/**
 * The submission bundle as a plan: every file's bytes, the manifest and the zip, computed in
 * memory from a result. Nothing here touches the disk or asks the OS anything: the facts
 * of the machine the bundle is written on come in as `host`, and the CLI
 * (src/cli/write-bundle.ts) writes the plan into --out.
 *
 *   <out>/result.json  checklist.html  checklist.md  junit.xml  manual.<lang>.md
 *         transcripts/<item>.log  environment.json  email.txt (only for a submission)
 *         manifest.json          sha256 + size of every file above
 *         <out-name>.zip         all of the above under <out-name>/, manifest included
 *
 * The zip lives inside the folder (nothing is ever written outside --out) and is named in
 * the manifest, so `verify` knows it is not an extra file and checks its contents too.
 *
 * email.txt, the certification request, exists only when the run is a submission: complete,
 * no required item failed, verdict not error (docs/reports.md). Otherwise the reports say
 * what to do first, and nothing in the bundle can be mistaken for a request.
 */
import { isAbsolute } from 'node:path';
import type { Checklist } from '../checklist/types.js';
import type { Lang } from '../i18n.js';
import type { PosProfile } from '../pos/types.js';
import { htmlReporter } from '../reporters/html.js';
import { currencyOfProfile, formattersFor } from '../reporters/i18n.js';
import { jsonReporter } from '../reporters/json.js';
import { junitReporter } from '../reporters/junit.js';
import { normalizeResult } from '../reporters/load-result.js';
import { manualFileName, manualReporter } from '../reporters/manual.js';
import { markdownReporter } from '../reporters/markdown.js';
import { formatTranscriptFile, transcriptFileNames } from '../reporters/transcript-files.js';
import type { ReportFile, ReportInput } from '../reporters/types.js';
import { posView } from '../reporters/view.js';
import { submissionProblems } from '../runner/coverage.js';
import type { RunDiff } from '../runner/diff.js';
import { portablePath, type PathRoots } from '../runner/portable-paths.js';
import type { RunResult } from '../runner/result.js';
import { TOOL_VERSION } from '../version.js';
import { sha256 } from '../hash.js';
import { MANIFEST_FILE, type Manifest, type ManifestEntry } from './manifest.js';
import { zipFiles, type ZipInput } from './zip-writer.js';

/** What the bundle records about the machine it was written on; the writer asks the OS. */
export interface HostFacts {
  /** `process.version`. */
  node: string;
  os: { platform: string; type: string; release: string; arch: string };
  /** The directories paths are made relative to (docs/reports.md). */
  roots: PathRoots;
  /** sha256 of the POS profile file as it is now; null when there is none or it cannot be read. */
  posFileSha256: string | null;
}

export interface BundlePlanOptions {
  /** The bundle's name: the zip is `<name>.zip` and its entries sit under `<name>/`. */
  name: string;
  lang: Lang;
  pos?: PosProfile;
  checklist?: Checklist;
  /** What changed since a baseline run (`--baseline`), for the HTML report. */
  changes?: RunDiff;
  host: HostFacts;
}

export interface PlannedFile {
  /** Relative path inside the bundle folder, "/"-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface BundlePlan {
  /** Every file but the manifest and the zip, in writing order. */
  files: PlannedFile[];
  manifest: Manifest;
  manifestFile: PlannedFile;
  zipFile: PlannedFile;
}

export function toBytes(contents: string | Uint8Array): Uint8Array {
  return typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
}

/** The whole bundle in memory: write `files`, then `manifestFile`, then `zipFile`. */
export function planBundle(result: RunResult, options: BundlePlanOptions): BundlePlan {
  const zipName = `${options.name}.zip`;
  const rendered = renderBundleFiles(result, { ...options, zipName });
  const mtime = zipTime(result.finishedAt);
  const zipEntries: ZipInput[] = [];
  const files: PlannedFile[] = [];
  const entries: ManifestEntry[] = [];
  for (const file of rendered) {
    const bytes = toBytes(file.contents);
    files.push({ path: file.path, bytes });
    entries.push({ path: file.path, sha256: sha256(bytes), bytes: bytes.byteLength });
    zipEntries.push({ name: `${options.name}/${file.path}`, bytes });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = {
    schemaVersion: 1,
    tool: { name: 'cashlogy-cert', version: TOOL_VERSION },
    algorithm: 'sha256',
    createdAt: result.finishedAt,
    zip: zipName,
    files: entries,
  };
  const manifestBytes = toBytes(`${JSON.stringify(manifest, null, 2)}\n`);
  zipEntries.push({ name: `${options.name}/${MANIFEST_FILE}`, bytes: manifestBytes });
  return {
    files,
    manifest,
    manifestFile: { path: MANIFEST_FILE, bytes: manifestBytes },
    zipFile: { path: zipName, bytes: zipFiles(zipEntries, mtime) },
  };
}

/** The bundle's files, in memory: reports, transcripts, environment, e-mail. */
export function renderBundleFiles(given: RunResult, options: Omit<BundlePlanOptions, 'name'> & { zipName: string }): ReportFile[] {
  // A result written before paths were made portable (`report --format bundle` of an old
  // result.json) may still name its checklist by an absolute path: never ship that.
  const file = given.checklist.file;
  const result: RunResult =
    file !== undefined && isAbsolute(file) ? { ...given, checklist: { ...given.checklist, file: portablePath(file, options.host.roots) } } : given;
  // The runner's result is rendered as-is in result.json; the views get every optional field filled.
  const input: ReportInput = {
    result: normalizeResult(result),
    lang: options.lang,
    ...(options.pos ? { pos: options.pos } : {}),
    ...(options.checklist ? { checklist: options.checklist } : {}),
    ...(options.changes ? { changes: options.changes } : {}),
  };
  const files: ReportFile[] = [];
  files.push(...jsonReporter.render({ ...input, result }));
  for (const reporter of [htmlReporter, markdownReporter, junitReporter, manualReporter]) {
    files.push(...reporter.render(input));
  }
  const names = transcriptFileNames(result.items);
  for (const item of result.items) {
    files.push({ path: `transcripts/${names.get(item.id) ?? 'unnamed.log'}`, contents: formatTranscriptFile(item) });
  }
  files.push({ path: 'environment.json', contents: `${JSON.stringify(environment(result, options), null, 2)}\n` });
  if (submissionProblems(result).length === 0) {
    files.push({ path: 'email.txt', contents: coverEmail(result, options, files.map((f) => f.path)) });
  }
  return files;
}

function zipTime(iso: string): Date {
  const date = new Date(iso);
  // Zip (DOS) timestamps cannot go before 1980.
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1980 ? new Date('1980-01-01T00:00:00Z') : date;
}

/** The run's environment, with paths relative to the working directory (never absolute). */
function environment(result: RunResult, options: Omit<BundlePlanOptions, 'name'>) {
  const pos = options.pos;
  const { roots } = options.host;
  const checklistFile = options.checklist?.file ?? result.checklist.file;
  return {
    tool: { name: result.tool.name, version: result.tool.version, bundleWrittenBy: TOOL_VERSION },
    node: options.host.node,
    os: { platform: options.host.os.platform, type: options.host.os.type, release: options.host.os.release, arch: options.host.os.arch },
    checklist: {
      id: result.checklist.id,
      version: result.checklist.version,
      sha256: options.checklist?.sha256 ?? result.checklist.sha256,
      file: checklistFile !== undefined ? portablePath(checklistFile, roots) : null,
    },
    complete: result.complete === true,
    seed: result.seed,
    timeScale: result.timeScale,
    profile: result.profile,
    lang: result.lang,
    ci: result.ci,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    pos: {
      name: pos?.name ?? result.pos.name,
      version: pos?.version ?? result.pos.version,
      company: pos?.company ?? result.pos.company ?? null,
      email: pos?.email ?? result.pos.email ?? null,
      integration: pos?.integration ?? result.pos.integration,
      features: pos?.features ?? result.pos.features ?? [],
      driver: pos?.driver.type ?? result.pos.driver ?? null,
      file: pos?.file !== undefined ? portablePath(pos.file, roots) : null,
      sha256: pos?.file !== undefined ? options.host.posFileSha256 : null,
    },
  };
}

/** The cover e-mail for Azkoyen support, with the information a certification requires. */
export function coverEmail(
  result: RunResult,
  options: Pick<BundlePlanOptions, 'lang' | 'pos'> & { zipName: string },
  paths: readonly string[],
): string {
  const f = formattersFor(options.lang, currencyOfProfile(result.profile));
  const pos = posView(result, options.pos, f);
  const missing = f.t('email.missing');
  const s = result.summary;
  const counts = [
    `${s.total} ${f.t('report.total')}`,
    `${s.pass} ${f.t('verdict.pass')}`,
    `${s.fail} ${f.t('verdict.fail')}`,
    `${s.error} ${f.t('verdict.error')}`,
    `${s.partial} ${f.t('verdict.partial')}`,
    `${s.notApplicable} ${f.t('verdict.not-applicable')}`,
    `${s.skipped} ${f.t('verdict.skipped')}`,
  ].join(', ');
  const field = (label: string, value: string) => `  ${label}${f.t('colon')}${oneLine(value) || missing}`;
  const attachments: string[] = [];
  const manual = manualFileName(options.lang);
  const described: [string, string][] = [
    ['result.json', 'resultJson'],
    ['checklist.html', 'checklistHtml'],
    ['checklist.md', 'checklistMd'],
    ['junit.xml', 'junitXml'],
  ];
  for (const [path, key] of described) {
    if (paths.includes(path)) attachments.push(f.t(`email.files.${key}`));
  }
  const manualHtml = manualFileName(options.lang, 'html');
  if (paths.includes(manual)) attachments.push(f.t('email.files.manual', { file: manual }));
  if (paths.includes(manualHtml)) attachments.push(f.t('email.files.manualHtml', { file: manualHtml }));
  if (paths.some((p) => p.startsWith('transcripts/'))) attachments.push(f.t('email.files.transcripts'));
  attachments.push(f.t('email.files.environmentJson'), f.t('email.files.manifestJson'));
  const lines = [
    `${f.t('email.subject', { name: oneLine(pos.name), version: oneLine(pos.version) })}`,
    '',
    f.t('email.greeting'),
    '',
    f.t('email.intro'),
    '',
    field(f.t('email.software'), pos.name),
    field(f.t('email.version'), pos.version),
    field(f.t('email.company'), pos.company),
    field(f.t('email.email'), pos.email),
    field(f.t('email.integration'), pos.integrationLabel),
    ...(pos.features ? [field(f.t('email.features'), pos.features)] : []),
    field(f.t('email.checklist'), `${result.checklist.id} ${result.checklist.version} (sha256 ${result.checklist.sha256})`),
    field(f.t('email.verdict'), f.t(`runVerdict.${result.verdict}`)),
    field(f.t('email.summary'), counts),
    field(f.t('email.seed'), String(result.seed)),
    field(f.t('email.tool'), `${result.tool.name} ${result.tool.version}, ${f.dateTime(result.finishedAt)}`),
    '',
    f.t('email.attached', { zip: options.zipName }),
    ...attachments.map((a) => `  - ${a}`),
    '',
    f.t('email.verify', { zip: options.zipName }),
    '',
    f.t('email.closing'),
    oneLine(pos.company) || missing,
    '',
  ];
  return lines.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

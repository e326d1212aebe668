/**
 * The submission bundle: everything a vendor hands to Azkoyen, in one folder (`--out`)
 * plus a zip of that folder inside it.
 *
 *   <out>/result.json  checklist.html  checklist.md  junit.xml  manual.<lang>.md
 *         transcripts/<item>.log  environment.json  email.txt (only for a submission)
 *         manifest.json          sha256 + size of every file above
 *         <out-name>.zip         all of the above under <out-name>/, manifest included
 *
 * The zip lives inside the folder (nothing is ever written outside --out) and is named in
 * the manifest, so `verify` knows it is not an extra file and checks its contents too.
 * Every file is written atomically; item ids and POS names only reach file names through
 * safeFileName + insideDir.
 *
 * email.txt, the certification request, exists only when the run is a submission: complete,
 * no required item failed, verdict not error (interfaces.md §5). Otherwise the reports say
 * what to do first, and nothing in the bundle can be mistaken for a request.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, release, type } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Checklist, Lang } from '../checklist/types.js';
import type { PosProfile } from '../pos/types.js';
import type { RunDiff } from '../runner/diff.js';
import type { RunResult } from '../runner/result.js';
import { submissionProblems } from '../runner/coverage.js';
import { portablePath, processRoots } from '../runner/portable-paths.js';
import { MANIFEST_FILE, sha256 } from '../bundle/verify.js';
import { insideDir, safeFileName, writeFileAtomic } from '../fs-atomic.js';
import { TOOL_VERSION } from '../version.js';
import { currencyOfProfile, formattersFor } from './i18n.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { manualFileName, manualReporter } from './manual.js';
import { markdownReporter } from './markdown.js';
import { formatTranscriptFile, transcriptFileNames } from './transcript-files.js';
import { normalizeResult } from './load-result.js';
import { posView } from './view.js';
import type { ReportFile, ReportInput } from './types.js';

export interface BundleOptions {
  outDir: string;
  lang: Lang;
  pos?: PosProfile;
  checklist?: Checklist;
  /** What changed since a baseline run (`--baseline`), for the HTML report. */
  changes?: RunDiff;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  schemaVersion: 1;
  tool: { name: 'cashlogy-cert'; version: string };
  algorithm: 'sha256';
  /** When the run finished (the bundle's content date, not the time of writing). */
  createdAt: string;
  /** The zip of this bundle, inside the folder; absent in a bundle read from that zip. */
  zip?: string;
  files: ManifestEntry[];
}

export function toBytes(contents: string | Uint8Array): Uint8Array {
  return typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
}

/** The bundle's files, in memory (no I/O): reports, transcripts, environment, e-mail. */
export function renderBundleFiles(given: RunResult, options: Omit<BundleOptions, 'outDir'> & { zipName: string }): ReportFile[] {
  // A result written before paths were made portable (`report --format bundle` of an old
  // result.json) may still name its checklist by an absolute path: never ship that.
  const file = given.checklist.file;
  const result: RunResult =
    file !== undefined && isAbsolute(file) ? { ...given, checklist: { ...given.checklist, file: portablePath(file, processRoots()) } } : given;
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

/**
 * Writes the bundle into `outDir` and returns the absolute paths written (manifest and zip
 * last). Files a previous bundle in the same folder listed and this one does not are removed,
 * so the folder verifies; anything else already there is left alone (and `verify` will name it).
 */
export async function writeBundle(result: RunResult, options: BundleOptions): Promise<string[]> {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const bundleName = safeFileName(basename(outDir));
  const zipName = `${bundleName}.zip`;
  const files = renderBundleFiles(result, { ...options, zipName });
  removeStaleFiles(outDir, new Set([...files.map((f) => f.path), MANIFEST_FILE, zipName]));

  const written: string[] = [];
  const entries: ManifestEntry[] = [];
  const zipEntries: Zippable = {};
  const mtime = zipTime(result.finishedAt);
  for (const file of files) {
    const bytes = toBytes(file.contents);
    const target = insideDir(outDir, file.path);
    writeFileAtomic(target, bytes);
    written.push(target);
    entries.push({ path: file.path, sha256: sha256(bytes), bytes: bytes.byteLength });
    zipEntries[`${bundleName}/${file.path}`] = [bytes, { mtime }];
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
  const manifestPath = insideDir(outDir, MANIFEST_FILE);
  writeFileAtomic(manifestPath, manifestBytes);
  written.push(manifestPath);
  zipEntries[`${bundleName}/${MANIFEST_FILE}`] = [manifestBytes, { mtime }];
  const zipPath = insideDir(outDir, zipName);
  writeFileAtomic(zipPath, zipSync(zipEntries, { level: 6 }));
  written.push(zipPath);
  return written;
}

function zipTime(iso: string): Date {
  const date = new Date(iso);
  // Zip (DOS) timestamps cannot go before 1980.
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1980 ? new Date('1980-01-01T00:00:00Z') : date;
}

function removeStaleFiles(outDir: string, keep: ReadonlySet<string>): void {
  const manifestPath = resolve(outDir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return;
  let previous: Partial<Manifest>;
  try {
    previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<Manifest>;
  } catch {
    return;
  }
  const listed = [...(Array.isArray(previous.files) ? previous.files.map((f) => f?.path) : []), previous.zip];
  for (const path of listed) {
    if (typeof path !== 'string' || keep.has(path)) continue;
    let target: string;
    try {
      target = insideDir(outDir, path);
    } catch {
      continue; // a manifest naming "../x" is not ours to act on
    }
    rmSync(target, { force: true });
  }
}

/** The run's environment, with paths relative to the working directory (never absolute). */
function environment(result: RunResult, options: Omit<BundleOptions, 'outDir'>) {
  const pos = options.pos;
  const roots = processRoots();
  const checklistFile = options.checklist?.file ?? result.checklist.file;
  return {
    tool: { name: result.tool.name, version: result.tool.version, bundleWrittenBy: TOOL_VERSION },
    node: process.version,
    os: { platform: platform(), type: type(), release: release(), arch: arch() },
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
      sha256: pos?.file !== undefined ? fileSha256(pos.file) : null,
    },
  };
}

/** sha256 of a file's bytes; null when it cannot be read any more (the bundle must still be written). */
function fileSha256(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** The cover e-mail for Azkoyen support, with the information a certification requires. */
export function coverEmail(
  result: RunResult,
  options: Omit<BundleOptions, 'outDir'> & { zipName: string },
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

/**
 * README.md is assembled from docs/README.template.md: each `<!-- include docs/x.md -->`
 * line is replaced by that file with its headings one level down, and links between
 * included files become in-page anchors. One source per topic, one README for users.
 *   npm run readme          write README.md
 *   (test/docs/readme.test.ts fails when README.md is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const INCLUDE = /^<!-- include (\S+) -->$/;

export function buildReadme(root: string): string {
  const template = readFileSync(join(root, 'docs', 'README.template.md'), 'utf8');
  const includes = [...template.matchAll(/^<!-- include (\S+) -->$/gm)].map((m) => m[1] as string);
  const anchors = new Map(includes.map((file) => [basename(file), anchorOf(firstHeading(readFileSync(join(root, file), 'utf8')))]));
  return template
    .split('\n')
    .map((line) => {
      const m = INCLUDE.exec(line);
      if (!m) return line;
      const text = readFileSync(join(root, m[1] as string), 'utf8').trimEnd();
      return relink(demote(text), anchors);
    })
    .join('\n');
}

function firstHeading(text: string): string {
  return /^#+ (.+)$/m.exec(text)?.[1] ?? '';
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Headings one level down, outside fenced code blocks (where `#` starts comments). */
function demote(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
    })
    .join('\n');
}

function relink(text: string, anchors: Map<string, string>): string {
  return text.replace(/\]\(([\w-]+\.md)(#[\w-]+)?\)/g, (whole, file: string, hash: string | undefined) => {
    const anchor = anchors.get(file);
    if (anchor !== undefined) return `](${hash ?? `#${anchor}`})`;
    return `](docs/${file}${hash ?? ''})`;
  });
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]))) {
  const root = join(import.meta.dirname, '..');
  writeFileSync(join(root, 'README.md'), buildReadme(root));
}

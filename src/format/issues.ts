/**
 * Problems found in a user's file, reported all at once, hurl-style:
 *
 *   error: unknown key "amout"
 *     --> checklists/mine.yaml:12:9
 *      |
 *   12 |         amout: 990
 *      |         ^^^^^
 *      = hint: did you mean "amount"?
 */
export type Severity = 'error' | 'warning';

export interface Issue {
  severity: Severity;
  message: string;
  /** Dotted path in the document ("items[3].steps[1].expect.within"), when known. */
  path?: string;
  file?: string;
  /** 1-based line and column. */
  line?: number;
  col?: number;
  /** Length of the highlighted span on that line. */
  length?: number;
  hint?: string;
}

/** An Issue's `path`: "items[3].steps[1].expect.within" from ['items', 3, 'steps', 1, 'expect', 'within']. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

export function formatIssue(issue: Issue, source?: string): string {
  const out: string[] = [`${issue.severity}: ${issue.message}`];
  if (issue.file !== undefined) {
    const where = issue.line !== undefined ? `:${issue.line}:${issue.col ?? 1}` : '';
    out.push(`  --> ${issue.file}${where}`);
  }
  if (source !== undefined && issue.line !== undefined) {
    const full = sourceLine(source, issue.line);
    if (full !== undefined) {
      const gutter = String(issue.line).length;
      const pad = ' '.repeat(gutter);
      const { text, col } = excerpt(full, Math.max(1, issue.col ?? 1));
      const width = Math.max(1, Math.min(issue.length ?? 1, text.length - col + 1));
      out.push(`${pad} |`);
      out.push(`${issue.line} | ${text}`);
      out.push(`${pad} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`);
    }
  }
  if (issue.hint !== undefined) out.push(`  = hint: ${issue.hint}`);
  return out.join('\n');
}

/** Longest source excerpt shown under an issue; a longer line is cut around the caret. */
export const MAX_EXCERPT = 200;

/** Line `n` (1-based) of `source`, without splitting a large file into an array of lines. */
function sourceLine(source: string, n: number): string | undefined {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = source.indexOf('\n', start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = source.indexOf('\n', start);
  return source.slice(start, end === -1 ? source.length : end).replace(/\r$/, '');
}

/**
 * At most MAX_EXCERPT characters of `line` around column `col`, with "…" where it was cut, and
 * control characters shown as visible symbols (an excerpt must not replay an escape sequence in
 * the terminal). Returns the column of the caret in the excerpt.
 */
export function excerpt(line: string, col: number): { text: string; col: number } {
  let text = line;
  let at = col;
  if (line.length > MAX_EXCERPT) {
    const start = Math.max(0, Math.min(col - 1 - MAX_EXCERPT / 2, line.length - MAX_EXCERPT));
    const end = start + MAX_EXCERPT;
    text = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
    at = col - start + (start > 0 ? 1 : 0);
  }
  return { text: visible(text), col: at };
}

/** C0 controls as their Unicode "control pictures" (␛), DEL as ␡, C1 as �: same width, nothing the terminal acts on. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/** The closest known name, for "did you mean …" hints; undefined when nothing is close. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

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
    const text = source.split(/\r?\n/)[issue.line - 1];
    if (text !== undefined) {
      const gutter = String(issue.line).length;
      const pad = ' '.repeat(gutter);
      const col = Math.max(1, issue.col ?? 1);
      const width = Math.max(1, Math.min(issue.length ?? 1, text.length - col + 1));
      out.push(`${pad} |`);
      out.push(`${issue.line} | ${text}`);
      out.push(`${pad} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`);
    }
  }
  if (issue.hint !== undefined) out.push(`  = hint: ${issue.hint}`);
  return out.join('\n');
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

/**
 * Escaping for every output language. Anything a POS or a checklist supplies (names, ids,
 * messages, frames) goes through one of these before it reaches a report: a POS named
 * `<script>alert(1)</script>` must show literally, and a `|` must not split a table cell.
 */

/** Text for XML/HTML element content and attribute values (double-quoted). */
export function escapeXml(text: string): string {
  return stripXmlInvalid(text).replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML 1.0 forbids most control characters even as entities; a frame may contain them. */
export function stripXmlInvalid(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Inline Markdown text, safe in a paragraph, a list item or a table cell. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(/[\\`*_[\]{}|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(#{1,6}|[+=-])(?=\s|$)/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
    .replace(/\n/g, '<br>');
}

/** A Markdown code span that survives backticks in the text and, in tables, pipes. */
export function markdownCode(text: string, inTable = false): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, ' ');
  // GFM splits table cells on `|` even inside code spans; `\|` is the documented way out.
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  if (flat === '') return '';
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any backtick run in the content. */
export function markdownFence(text: string, info = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\r\n|\r/g, '\n')}\n${fence}`;
}

/** Final touch for generated Markdown: no runs of blank lines, no trailing spaces (outside code blocks, which stay verbatim). */
export function tidyMarkdown(text: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^(`{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (marker) fence = marker;
      const trimmed = line.replace(/[ \t]+$/, '');
      if (trimmed === '' && out.length > 0 && out[out.length - 1] === '') continue;
      out.push(trimmed);
    } else {
      if (marker !== undefined && line.trim() === marker && marker.length >= fence.length) fence = undefined;
      out.push(line);
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

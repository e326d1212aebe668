import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeXml, markdownCode, markdownFence } from '../../src/reporters/escape.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderManual } from '../../src/reporters/manual.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { loadFixture } from './helpers.js';

/** Markdown with code blocks and code spans removed: HTML there is shown literally by every renderer. */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1\s*$/gm, '').replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** Cells of a GFM table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/);
}

describe('escaping what POS vendors and checklist authors supply', () => {
  const hostile = loadFixture('hostile');

  it('HTML shows a <script> POS name literally and runs none of the injected markup', () => {
    const html = renderHtml({ result: hostile, lang: 'en' });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | Caisse &quot;Ä&quot; &amp; co');
    for (const n of [1, 2, 3, 4]) expect(html).not.toMatch(new RegExp(`<script>alert\\(${n}\\)|onerror=alert\\(${n}\\)(?!&)`));
    expect(html.match(/<script>/g)).toHaveLength(1); // ours: the filter
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>id</b>');
  });

  it('Markdown tables keep their columns whatever the cells contain', () => {
    const md = renderMarkdown({ result: hostile, lang: 'en' });
    const rows = md.split('\n').filter((line) => line.startsWith('| '));
    expect(rows.length).toBeGreaterThan(10);
    const itemRows = rows.filter((r) => cells(r).length === 5);
    expect(itemRows.length).toBe(hostile.items.length + 1); // + header row
    for (const row of md.split('\n').filter((l) => l.startsWith('| 1 ') || l.startsWith('| 2 '))) expect(cells(row)).toHaveLength(6);
    expect(outsideCode(md)).not.toContain('<script>');
    expect(outsideCode(md)).not.toContain('<img');
    expect(md).toContain('```paid `2000` \\| change ``0`` </code><script>alert(3)</script>```');
    expect(md).toContain('Pipes \\| in \\| title<br>and a newline');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| Caisse');
  });

  it('the manual escapes the POS identity too', () => {
    const md = renderManual({ pos: hostile.pos, lang: 'fr', result: hostile });
    expect(outsideCode(md)).not.toContain('<script>');
    expect(md).toContain('Evil \\| Corp<br>&lt;img src=x onerror=alert(2)&gt;');
  });

  it('escape helpers', () => {
    expect(escapeXml('a<b>&"\'\u0000')).toBe('a&lt;b&gt;&amp;&quot;&apos;\\x00');
    expect(escapeMarkdown('# not a heading | *x* _y_ [l](u) <b>')).toBe('\\# not a heading \\| \\*x\\* \\_y\\_ \\[l\\](u) &lt;b&gt;');
    expect(escapeMarkdown('4.2.0')).toBe('4.2.0');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(markdownCode('a`b', false)).toBe('``a`b``');
    expect(markdownCode('`x`', false)).toBe('`` `x` ``');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
    expect(markdownFence('x\n```\ny')).toBe('````\nx\n```\ny\n````');
  });
});

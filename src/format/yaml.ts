/**
 * Safe YAML reading with positions. User files may not use custom tags, and alias expansion
 * is bounded (no "billion laughs"). `locate` maps a document path back to line:col so that
 * schema errors found on the plain value can point into the source.
 */
import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import type { Issue } from './issues.js';

// Loaded on the first file read: a run of a bundled checklist on a bundled profile reads none
// (src/precompiled.ts), and the parser costs ~25 ms to load.
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}
const isMap = (node: unknown): node is import('yaml').YAMLMap => yaml().isMap(node);
const isSeq = (node: unknown): node is import('yaml').YAMLSeq => yaml().isSeq(node);
const isScalar = (node: unknown): node is import('yaml').Scalar => yaml().isScalar(node);

export type PathSegment = string | number;

export interface YamlSource {
  file: string;
  text: string;
  /** The plain value, undefined when the text did not parse. */
  value: unknown;
  /** Syntax problems (file:line:col already filled in). */
  issues: Issue[];
  /** Position of the value (or, with `'key'`, the key) at a path; falls back to the nearest parent that exists. */
  locate(path: readonly PathSegment[], which?: 'key' | 'value'): { line: number; col: number; length: number };
}

const MAX_ALIAS_COUNT = 100;
const MAX_SIZE = 2 * 1024 * 1024;
/** No checklist or profile needs more than a dozen levels; past this, a file is refused (and no parser recursion can blow the stack). */
export const MAX_NESTING = 64;
const NESTING_HINT = 'flatten the structure: no checklist or profile needs that depth';

export function readYaml(text: string, file: string): YamlSource {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const issues: Issue[] = [];
  if (text.length > MAX_SIZE) {
    issues.push({ severity: 'error', message: `file is larger than ${MAX_SIZE} bytes`, file, line: 1, col: 1 });
    return { file, text, value: undefined, issues, locate: () => ({ line: 1, col: 1, length: 1 }) };
  }
  const refused = (issue: Issue): YamlSource => ({ file, text, value: undefined, issues: [issue], locate: () => ({ line: 1, col: 1, length: 1 }) });
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (err) {
    if (err instanceof RangeError) return refused({ severity: 'error', message: `YAML: nested deeper than ${MAX_NESTING} levels`, file, line: 1, col: 1, hint: NESTING_HINT });
    throw err;
  }
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  // The parser reports a stack overflow as a syntax error at the depth where it gave up.
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow !== undefined) {
    return refused({ severity: 'error', message: `YAML: nested deeper than ${MAX_NESTING} levels`, file, ...pos(overflow.pos[0]), hint: NESTING_HINT });
  }
  const deep = doc.errors.length === 0 ? tooDeep(doc.contents) : undefined;
  if (deep !== undefined) {
    return refused({ severity: 'error', message: `YAML: nested deeper than ${MAX_NESTING} levels`, file, ...pos(deep), hint: NESTING_HINT });
  }
  for (const e of doc.errors) {
    const p = pos(e.pos[0]);
    issues.push({ severity: 'error', message: `YAML syntax: ${firstLine(e.message)}`, file, ...p, length: Math.max(1, e.pos[1] - e.pos[0]) });
  }
  for (const w of doc.warnings) {
    const p = pos(w.pos[0]);
    issues.push({ severity: 'error', message: `YAML: ${firstLine(w.message)}`, file, ...p, length: Math.max(1, w.pos[1] - w.pos[0]) });
  }
  findTags(doc, (node) => {
    const start = node.range?.[0] ?? 0;
    issues.push({
      severity: 'error',
      message: `YAML tag ${node.tag} is not allowed`,
      file,
      ...pos(start),
      hint: 'write plain values; custom tags are refused',
    });
  });
  let value: unknown;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      issues.push({
        severity: 'error',
        message: `YAML: ${err instanceof Error ? firstLine(err.message) : String(err)}`,
        file,
        line: 1,
        col: 1,
        hint: `aliases may expand to at most ${MAX_ALIAS_COUNT} nodes`,
      });
    }
  }
  const locate = (path: readonly PathSegment[], which: 'key' | 'value' = 'value') => {
    const node = nodeAt(doc, path, which);
    if (!node?.range) return { line: 1, col: 1, length: 1 };
    const [start, end] = node.range;
    const p = pos(start);
    const sameLine = text.indexOf('\n', start);
    const lineEnd = sameLine === -1 ? text.length : sameLine;
    return { ...p, length: Math.max(1, Math.min(end, lineEnd) - start) };
  };
  return { file, text, value, issues, locate };
}

/** The parser's message, one line and bounded: it must never echo a whole (huge) line of the file. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The start offset of the first node nested deeper than MAX_NESTING, found without recursion. */
function tooDeep(root: unknown): number | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING) return node.range?.[0] ?? 0;
    if (isMap(node)) {
      for (const pair of node.items) {
        stack.push({ node: pair.key, depth: depth + 1 });
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

function findTags(doc: Document, onTag: (node: Node) => void): void {
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    if ((isScalar(n) || isMap(n) || isSeq(n)) && n.tag !== undefined) onTag(n);
    if (isMap(n)) {
      for (const pair of n.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item);
    }
  };
  visit(doc.contents);
}

function nodeAt(doc: Document, path: readonly PathSegment[], which: 'key' | 'value'): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = isNode(node) ? node : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return last;
      if (isLast && which === 'key' && isNode(pair.key)) return pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return last;
    }
    if (isNode(node)) last = node;
    else return last;
  }
  return last;
}

function isNode(v: unknown): v is Node {
  return isScalar(v) || isMap(v) || isSeq(v);
}

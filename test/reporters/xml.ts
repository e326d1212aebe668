/**
 * A tiny strict XML parser for tests: well-formedness (matching tags, quoted attributes,
 * known entities, no stray `<`/`&`, one root) and a tree to assert on. Throws on anything
 * a real parser would reject.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (/[<]/.test(raw)) throw new Error(`raw "<" in text at ${where}`);
  return raw.replace(/&([^;]*);|&/g, (_whole, name: string | undefined) => {
    if (name === undefined) throw new Error(`bare "&" at ${where}`);
    if (name in ENTITIES) return ENTITIES[name] as string;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (num?.[1]) return String.fromCodePoint(num[1].startsWith('x') ? parseInt(num[1].slice(1), 16) : Number(num[1]));
    throw new Error(`unknown entity &${name}; at ${where}`);
  });
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const prolog = /^<\?xml[^?]*\?>\s*/.exec(source);
  if (prolog) pos = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const text = source.slice(pos, lt === -1 ? source.length : lt);
    if (stack.length === 0) {
      if (text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    } else {
      (stack[stack.length - 1] as XmlElement).text += decode(text, pos);
    }
    if (lt === -1) break;
    pos = lt;
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end === -1) throw new Error('unclosed comment');
      pos = end + 3;
      continue;
    }
    if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos);
      if (end === -1 || stack.length === 0) throw new Error('bad CDATA');
      (stack[stack.length - 1] as XmlElement).text += source.slice(pos + 9, end);
      pos = end + 3;
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(source.slice(pos));
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> does not close <${open?.name}> at ${pos}`);
      pos += close[0].length;
      continue;
    }
    const tag = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/.exec(source.slice(pos));
    if (!tag) throw new Error(`malformed tag at ${pos}: ${source.slice(pos, pos + 40)}`);
    const attrs: Record<string, string> = {};
    for (const m of (tag[2] ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g)) {
      const key = m[1] as string;
      if (key in attrs) throw new Error(`duplicate attribute ${key} at ${pos}`);
      attrs[key] = decode(m[2] as string, pos);
    }
    const element: XmlElement = { name: tag[1] as string, attrs, children: [], text: '' };
    if (stack.length === 0) {
      if (root) throw new Error('two root elements');
      root = element;
    } else {
      (stack[stack.length - 1] as XmlElement).children.push(element);
    }
    if (tag[3] !== '/') stack.push(element);
    pos += tag[0].length;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) out.push(child);
    out.push(...findAll(child, name));
  }
  return out;
}

/**
 * Fault specs from the command line and from files (an adapter: it reads files).
 *
 *   simulate --fault '{"type":"latency","ms":800}'          JSON
 *   simulate --fault latency:ms=800                          compact: type[:key=value,…]
 *   simulate --fault note-jam:on.command=C,on.after=40%      dotted keys reach the trigger
 *   simulate --fault note-jam:command=C,after=40%            trigger fields may drop the "on."
 *   simulate --fault split:at=3+7                            offsets joined with +
 *   simulate --faults faults.yaml                            a list, or {faults: [...]}
 */
import { readFileSync } from 'node:fs';
import { CertError, InvalidInputError, UsageError } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { readYaml, type PathSegment } from '../format/yaml.js';
import { TRIGGER_KEYS, validateFaultSpec, type FaultSpecProblem } from '../faults/registry.js';
import type { FaultSpec } from '../faults/spec.js';

/** One `--fault` value → a validated, normalized spec; anything wrong is a UsageError (exit 1). */
export function parseFaultArg(text: string): FaultSpec {
  const source = text.trim();
  if (source === '') throw new UsageError('--fault needs a fault, e.g. --fault latency:ms=800 or --fault \'{"type":"latency","ms":800}\'');
  const raw = source.startsWith('{') ? parseJsonArg(source) : parseCompact(source);
  const { spec, problems } = validateFaultSpec(raw);
  if (spec === undefined) {
    throw new UsageError(`--fault ${JSON.stringify(text)}: ${problems.map(problemText).join('; ')}`);
  }
  return spec;
}

function parseJsonArg(source: string): unknown {
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError(`--fault ${JSON.stringify(source)}: not valid JSON (${reason})`);
  }
}

function parseCompact(source: string): Record<string, unknown> {
  const colon = source.indexOf(':');
  const type = (colon === -1 ? source : source.slice(0, colon)).trim();
  const rest = colon === -1 ? '' : source.slice(colon + 1);
  const spec: Record<string, unknown> = { type };
  for (const pair of splitTopLevel(rest, source)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      const hint = /^\d+$/.test(pair.trim()) ? 'join several offsets with "+", e.g. split:at=3+7' : 'e.g. latency:ms=800,on.command=Q';
      throw new UsageError(`--fault ${JSON.stringify(source)}: expected key=value, got ${JSON.stringify(pair)} (${hint})`);
    }
    const key = pair.slice(0, eq).trim();
    const value = parseCompactValue(pair.slice(eq + 1).trim(), source);
    let path = key.split('.').map((part) => part.trim());
    if (path.length === 1 && (TRIGGER_KEYS as readonly string[]).includes(key)) path = ['on', key];
    if (path.some((part) => part === '') || path.length > 2 || (path.length === 2 && path[0] !== 'on')) {
      throw new UsageError(`--fault ${JSON.stringify(source)}: bad key ${JSON.stringify(key)} (options are plain names, trigger fields are on.<field>)`);
    }
    if (path.length === 1) {
      spec[key] = value;
    } else {
      const on = (spec['on'] ??= {}) as Record<string, unknown>;
      on[path[1] as string] = value;
    }
  }
  return spec;
}

/** Splits on commas that are not inside quotes or brackets. */
function splitTopLevel(text: string, source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      current += ch;
      if (ch === '\\' && i + 1 < text.length) current += text[++i] as string;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '[' || ch === '{') depth += 1;
    else if (ch === ']' || ch === '}') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quoted || depth !== 0) throw new UsageError(`--fault ${JSON.stringify(source)}: unbalanced quotes or brackets`);
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseCompactValue(text: string, source: string): unknown {
  if (/^["[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UsageError(`--fault ${JSON.stringify(source)}: ${text} is not valid JSON`);
    }
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

function problemText(p: FaultSpecProblem): string {
  return `${p.path !== '' ? `${p.path}: ` : ''}${p.message}${p.hint !== undefined ? ` (${p.hint})` : ''}`;
}

/**
 * A faults file (YAML or JSON): a list of faults, or `{faults: [...]}`. Every problem is
 * reported at once as file:line:col (InvalidInputError, exit 2); a missing file is exit 1.
 */
export function loadFaultsFile(path: string): FaultSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertError('FILE_NOT_FOUND', `faults file not found: ${path}`);
    throw new CertError('FILE_NOT_FOUND', `cannot read faults file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseFaultsFile(text, path);
}

/** The same as loadFaultsFile, from text already read (`file` names it in messages). */
export function parseFaultsFile(text: string, file: string): FaultSpec[] {
  const source = readYaml(text, file);
  if (source.issues.length > 0) throw new InvalidInputError(`${file}: the faults file is not valid YAML`, source.issues);
  const value = source.value;
  const issues: Issue[] = [];
  const at = (path: readonly PathSegment[], which: 'key' | 'value' = 'value') => ({ file, ...source.locate(path, which) });

  let list: unknown[];
  let prefix: PathSegment[] = [];
  if (value === null || value === undefined) {
    list = [];
  } else if (Array.isArray(value)) {
    list = value;
  } else if (typeof value === 'object' && 'type' in value && !('faults' in value)) {
    issues.push({
      severity: 'error',
      message: 'a faults file is a list of faults, and this is a single fault',
      hint: 'make it a list item: start its first line with "- " and indent the others by two spaces',
      ...at([]),
    });
    list = [];
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'faults') {
        issues.push({
          severity: 'error',
          message: `unknown key "${key}" in a faults file`,
          path: key,
          hint: 'a faults file is a list of faults, or a mapping with one key "faults"',
          ...at([key], 'key'),
        });
      }
    }
    const faults = record['faults'];
    if (faults === undefined || faults === null) {
      list = [];
    } else if (!Array.isArray(faults)) {
      issues.push({ severity: 'error', message: '"faults" must be a list of faults', path: 'faults', ...at(['faults']) });
      list = [];
    } else {
      list = faults;
      prefix = ['faults'];
    }
  } else {
    issues.push({
      severity: 'error',
      message: 'a faults file must be a list of faults (or {faults: [...]})',
      hint: 'e.g.\n- {type: latency, ms: 800}\n- {type: note-jam, on: {command: C, after: 40%}}',
      ...at([]),
    });
    list = [];
  }

  const specs: FaultSpec[] = [];
  list.forEach((item, index) => {
    const base = [...prefix, index];
    const { spec, problems } = validateFaultSpec(item, prefix.length > 0 ? `faults[${index}]` : `[${index}]`);
    for (const p of problems) {
      issues.push({
        severity: 'error',
        message: p.message,
        path: p.path,
        ...(p.hint !== undefined ? { hint: p.hint } : {}),
        ...at([...base, ...p.segments], p.at),
      });
    }
    if (spec !== undefined) specs.push(spec);
  });
  if (issues.length > 0) {
    throw new InvalidInputError(`${file}: ${issues.length} problem${issues.length > 1 ? 's' : ''} in the faults file`, issues);
  }
  return specs;
}

/**
 * `--fault` values and `--faults` files. Invalid files are golden-tested: each
 * fixtures/invalid/<case>.yaml has a <case>.err with the exact messages (file:line:col, the
 * source line, a caret and the hint). Set UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { CertError, InvalidInputError, UsageError } from '../../src/errors.js';
import { loadFaultsFile, parseFaultArg, parseFaultsFile } from '../../src/cli/faults.js';
import { formatIssue } from '../../src/format/issues.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('parseFaultArg', () => {
  it.each([
    ['{"type":"latency","ms":800}', { type: 'latency', ms: 800, jitter: 0 }],
    ['latency:ms=800', { type: 'latency', ms: 800, jitter: 0 }],
    ['latency', { type: 'latency', ms: 1000, jitter: 0 }],
    ['note-jam:on.command=C,on.after=40%', { type: 'note-jam', during: 'any', on: { command: 'C', after: '40%' } }],
    ['note-jam:command=C,after=40%', { type: 'note-jam', during: 'any', on: { command: 'C', after: '40%' } }],
    ['split:at=3+7', { type: 'split', at: [3, 7] }],
    ['split:at=[3,7],on.command=Q', { type: 'split', at: [3, 7], on: { command: 'Q' } }],
    ['split:at=every', { type: 'split', at: 'every' }],
    ['refuse:for=5s', { type: 'refuse', for: '5s' }],
    ['busy:for=2s,on.command=I,on.times=2', { type: 'busy', for: '2s', on: { command: 'I', times: 2 } }],
    ['partial-dispense:short=50,probability=0.3', { type: 'partial-dispense', short: 50, on: { probability: 0.3 } }],
    ['corrupt:with="#ER:X,Y#"', { type: 'corrupt', with: '#ER:X,Y#', bytes: 1 }],
    [' device-error : code = 1110 , nth = 2 ', { type: 'device-error', code: 1110, on: { nth: 2 } }],
  ])('%s', (text, expected) => {
    expect(parseFaultArg(text)).toEqual(expected);
  });

  it.each([
    ['', /--fault needs a fault/],
    ['{"type":"latency",', /not valid JSON/],
    ['latensy:ms=800', /unknown fault type "latensy" \(did you mean "latency"\?\)/],
    ['latency:ms', /expected key=value, got "ms"/],
    ['latency:ms=800,=3', /expected key=value/],
    ['split:at=3,7', /join several offsets with "\+", e\.g\. split:at=3\+7/],
    ['latency:foo.bar=1', /bad key "foo.bar"/],
    ['latency:on.command.x=1', /bad key/],
    ['corrupt:with="abc', /unbalanced quotes/],
    ['split:at=[3,7', /unbalanced/],
    ['split:at=[3,', /unbalanced/],
    ['busy:on.after=40%', /on\.after: busy cannot fire part-way/],
    ['device-error', /missing required key "code"/],
    ['refuse:on.command=C', /carry no command/],
  ])('rejects %j as a usage error', (text, message) => {
    let error: unknown;
    try {
      parseFaultArg(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeForError(error)).toBe(1);
    expect((error as Error).message).toMatch(message);
  });
});

describe('loadFaultsFile', () => {
  const temp = mkdtempSync(join(tmpdir(), 'faults-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('reads a YAML list in order', () => {
    expect(loadFaultsFile(join(fixtures, 'valid', 'list.yaml'))).toEqual([
      { type: 'latency', ms: 800, jitter: 0 },
      { type: 'note-jam', denomination: 2000, during: 'any', on: { command: 'C', after: '40%' } },
      { type: 'split', at: [3, 7] },
      { type: 'refuse', for: '5s', on: { nth: 2 } },
    ]);
  });

  it('reads JSON with a "faults" key', () => {
    expect(loadFaultsFile(join(fixtures, 'valid', 'wrapped.json'))).toEqual([
      { type: 'busy', for: '2s', on: { command: 'I' } },
      { type: 'partial-dispense', short: 50, on: { command: 'P', probability: 0.5, times: 3 } },
    ]);
  });

  it('an empty file or an empty "faults" key is no fault', () => {
    const empty = join(temp, 'empty.yaml');
    writeFileSync(empty, '# nothing armed\n');
    expect(loadFaultsFile(empty)).toEqual([]);
    writeFileSync(empty, 'faults: []\n');
    expect(loadFaultsFile(empty)).toEqual([]);
  });

  it('a missing file is a clear error with exit code 1', () => {
    const missing = join(temp, 'nope.yaml');
    expect(() => loadFaultsFile(missing)).toThrow(CertError);
    try {
      loadFaultsFile(missing);
    } catch (err) {
      expect(exitCodeForError(err)).toBe(1);
      expect((err as Error).message).toBe(`faults file not found: ${missing}`);
    }
  });

  const cases = readdirSync(join(fixtures, 'invalid')).filter((f) => f.endsWith('.yaml'));
  it('has golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));

  it.each(cases)('%s fails with the golden messages', (name) => {
    const text = readFileSync(join(fixtures, 'invalid', name), 'utf8');
    let error: unknown;
    try {
      parseFaultsFile(text, name);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(exitCodeForError(invalid)).toBe(2);
    for (const issue of invalid.issues) {
      expect(issue.file).toBe(name);
      expect(issue.line).toBeGreaterThan(0);
    }
    const rendered = [...invalid.issues.map((i) => formatIssue(i, text)), `error: ${invalid.message}`].join('\n\n') + '\n';
    const golden = join(fixtures, 'invalid', name.replace(/\.yaml$/, '.err'));
    // A missing golden fails rather than being written: otherwise a deleted one would test nothing.
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, rendered);
    expect(existsSync(golden), `missing ${golden}: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(rendered).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('docs/faults.md examples', () => {
  const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'faults.md'), 'utf8');

  it('every --fault value on the command line parses', () => {
    const args = [...docs.matchAll(/--fault (?:'([^']+)'|(\S+))/g)].map((m) => m[1] ?? m[2] ?? '');
    expect(args.length).toBeGreaterThanOrEqual(4);
    for (const arg of args) expect(() => parseFaultArg(arg), arg).not.toThrow();
  });

  it('every JSON body sent to POST /faults is a valid fault', async () => {
    const { validateFaultSpec } = await import('../../src/faults/registry.js');
    const bodies = [...docs.matchAll(/localhost:8093\/faults[^\n]*\n\s*-d '(\{[^']+\})'/g)].map((m) => m[1] ?? '');
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const body of bodies) expect(validateFaultSpec(JSON.parse(body)).problems, body).toEqual([]);
  });

  it('the faults file example loads', () => {
    const block = /`faults\.yaml` holds[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(block).toBeDefined();
    expect(parseFaultsFile(block ?? '', 'faults.yaml')).toHaveLength(3);
  });
});

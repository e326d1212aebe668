/**
 * Why a POS failed to start, from what it printed: real Node stack traces, generated here by
 * running node, never pasted.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStderr, firstMeaningfulLine, tail } from '../../src/drivers/driver.js';
import { tempDir } from '../helpers/temp.js';

function stderrOf(args: string[], cwd = tmpdir()): string {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(r.status).not.toBe(0);
  return r.stderr;
}

describe('firstMeaningfulLine on real Node output', () => {
  it('a missing CommonJS module: the "Cannot find module" line, not the loader header nor the frames', () => {
    const stderr = stderrOf(['-e', "require('/nonexistent/x.js')"]);
    // What makes the naive tail useless: the end of this output is frames and a footer.
    expect(tail(stderr, 1)).not.toContain('Cannot find module');
    expect(firstMeaningfulLine(stderr)).toBe("Error: Cannot find module '/nonexistent/x.js'");
  });

  it('a missing entry script (node does-not-exist.js)', () => {
    const dir = tempDir('fml-');
    expect(firstMeaningfulLine(stderrOf(['does-not-exist.js'], dir))).toBe(`Error: Cannot find module '${join(dir, 'does-not-exist.js')}'`);
  });

  it('a missing ES module import', () => {
    const dir = tempDir('fml-');
    writeFileSync(join(dir, 'pos.mjs'), "import '/nonexistent/y.mjs';\n");
    expect(firstMeaningfulLine(stderrOf([join(dir, 'pos.mjs')]))).toMatch(/^Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '\/nonexistent\/y\.mjs' imported from /);
  });

  it('a thrown Error in a script: skips the file:line header, the source echo and the caret', () => {
    const dir = tempDir('fml-');
    const file = join(dir, 'pos.js');
    writeFileSync(file, "console.error('starting on port 1234');\nfunction boot() { throw new Error('CASHLOGY_PORT is not set'); }\nboot();\n");
    const stderr = stderrOf([file]);
    expect(stderr).toContain(`${file}:2`);
    expect(firstMeaningfulLine(stderr)).toBe('Error: CASHLOGY_PORT is not set');
  });

  it('a TypeError thrown from -e', () => {
    expect(firstMeaningfulLine(stderrOf(['-e', 'null.x']))).toBe("TypeError: Cannot read properties of null (reading 'x')");
  });

  it('plain text without an error line: the first non-blank line', () => {
    expect(firstMeaningfulLine('\n\n  port 8092 in use\nretrying\n')).toBe('port 8092 in use');
    expect(firstMeaningfulLine('')).toBeUndefined();
    expect(firstMeaningfulLine('\n   \nNode.js v20.20.2\n')).toBeUndefined();
  });

  it('a URL on its own line is kept (it only looks like a file:line header)', () => {
    expect(firstMeaningfulLine('http://127.0.0.1:8080\n')).toBe('http://127.0.0.1:8080');
  });
});

describe('describeStderr', () => {
  it('the meaningful line first, then the last lines as context, without the Node footer', () => {
    const stderr = stderrOf(['-e', "require('/nonexistent/x.js')"]);
    const text = describeStderr(stderr, 3);
    const [first, label, ...context] = text.split('\n');
    expect(first).toBe("Error: Cannot find module '/nonexistent/x.js'");
    expect(label).toBe('stderr ends with:');
    expect(context).toHaveLength(3);
    expect(context.join('\n')).not.toContain('Node.js v');
    const printed = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(printed.at(-1)).toMatch(/^Node\.js v\d+/);
    expect(context.at(-1)).toBe(printed.at(-2));
  });

  it('one line of stderr is said once', () => {
    expect(describeStderr('no licence\n')).toBe('no licence');
    expect(describeStderr('')).toBe('');
  });
});

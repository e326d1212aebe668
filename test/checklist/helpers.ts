import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** A CliIo that records what the CLI writes, for in-process `main(...)` calls. */
export function captureIo(cwd: string = process.cwd()): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { ...process.env, NO_COLOR: '1' },
    cwd,
    interrupted: new Promise<string>(() => {}),
    out: () => out,
    err: () => err,
  };
}

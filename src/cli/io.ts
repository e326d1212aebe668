/** Where the CLI writes and how it is interrupted; tests pass their own to run `main` in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  interrupted: Promise<string>;
}

/** The environment of a CI job: `CI` set to anything but empty, `false` or `0` (GitHub, GitLab, Jenkins and most others set it). */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * The real process. The signal listeners are installed only when a command first reads
 * `interrupted` (run, simulate): a listener replaces Node's default exit-on-Ctrl-C, so the
 * commands that never watch for it (report, verify, manual, validate) keep that default.
 */
export function processIo(): CliIo {
  let interrupted: Promise<string> | undefined;
  return {
    stdout: outliveReader(process.stdout),
    stderr: outliveReader(process.stderr),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    get interrupted() {
      return (interrupted ??= nextSignal());
    },
  };
}

/** The first SIGINT or SIGTERM; both listeners go away once either arrives. */
function nextSignal(): Promise<string> {
  return new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

const outlived = new WeakSet<NodeJS.WritableStream>();

/**
 * A reader that goes away (`cashlogy-cert run … | head`, a CI step that stopped reading the log)
 * must not end the command: a run still finishes, writes its reports and exits with its verdict.
 * Node reports the closed pipe as an EPIPE 'error' event, which without a listener crashes the
 * process; from the first one on, what is written to the stream is dropped. Any other error
 * still ends the process as before.
 */
export function outliveReader<T extends NodeJS.WritableStream>(stream: T): T {
  if (outlived.has(stream)) return stream;
  outlived.add(stream);
  let readerGone = false;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    readerGone = true;
  });
  Object.defineProperty(stream, 'write', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]): boolean => {
      if (!readerGone) return write(...args);
      const callback = args.find((a): a is () => void => typeof a === 'function');
      if (callback) process.nextTick(callback);
      return true;
    },
  });
  return stream;
}

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

/**
 * The real process. The signal listeners are installed only when a command first reads
 * `interrupted` (run, simulate): a listener replaces Node's default exit-on-Ctrl-C, so the
 * commands that never watch for it (report, verify, manual, validate) keep that default.
 */
export function processIo(): CliIo {
  let interrupted: Promise<string> | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
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

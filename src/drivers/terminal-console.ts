/**
 * The operator's terminal: questions on stdout, answers read line by line from stdin (a TTY,
 * or a pipe for scripted sessions). Closed stdin rejects pending questions instead of hanging.
 */
import { createInterface, type Interface } from 'node:readline';
import type { OperatorConsole } from './operator.js';

export function terminalConsole(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): OperatorConsole {
  let rl: Interface | undefined;
  let closed = false;
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  const open = () => {
    if (rl || closed) return;
    rl = createInterface({ input, terminal: false });
    rl.on('line', (line) => {
      const w = waiting.shift();
      if (w) w.resolve(line.trim());
      else lines.push(line.trim());
    });
    rl.on('close', () => {
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new Error('the terminal closed (no more answers on stdin)'));
    });
  };
  return {
    say(text: string) {
      output.write(`${text}\n`);
    },
    ask(question: string, signal?: AbortSignal) {
      open();
      output.write(`${question} `);
      const ready = lines.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      if (closed) return Promise.reject(new Error('the terminal closed (no more answers on stdin)'));
      return new Promise<string>((resolve, reject) => {
        const entry = {
          resolve: (line: string) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(line);
          },
          reject,
        };
        const onAbort = () => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(new Error('question abandoned'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
    close() {
      closed = true;
      rl?.close();
      rl = undefined;
    },
  };
}

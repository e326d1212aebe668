import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualDriver, parseAmount } from '../../src/drivers/manual.js';
import { terminalConsole } from '../../src/drivers/terminal-console.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { context } from './helpers.js';

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (c: string) => (shown += c));
  return { input, console: terminalConsole(input, output), shown: () => shown };
}

describe('manual driver', () => {
  it('prompts in French, shows the frames while the operator acts, and records the answers and the name', async () => {
    const t = terminal();
    const listeners: ((e: TranscriptEntry) => void)[] = [];
    const target = {
      host: '127.0.0.1',
      port: 8092,
      onEntry: (l: (e: TranscriptEntry) => void) => {
        listeners.push(l);
        return () => listeners.splice(listeners.indexOf(l), 1);
      },
    };
    const d = new ManualDriver({ type: 'manual' }, context({ ci: false, lang: 'fr', console: t.console }));
    t.input.write('Ana Ruiz\n\n');
    await d.start(target);
    expect(d.operatorName()).toBe('Ana Ruiz');
    expect(t.shown()).toContain('CASHLOGY_HOST=127.0.0.1 CASHLOGY_PORT=8092');
    const pending = d.perform('sale', { amount: 990 }, { timeoutMs: 1000, signal: new AbortController().signal });
    for (const l of listeners) {
      l({ at: 1, conn: 1, dir: 'in', data: '#C#1#1#990#1#15360#0#0#0#1#0#0#' });
      l({ at: 2, conn: 1, dir: 'out', data: '#0#2000#1010#0#0#' });
    }
    // "x" is not an answer: asked again. Amounts accept "9,90" and "10.10".
    t.input.write('x\nt\n9,90\n10.10\n\nmerci\n');
    const r = await pending;
    expect(r.outcome).toEqual({ outcome: 'completed', paid: 990, change: 1010, message: 'merci' });
    expect(t.shown()).toContain('Enregistrez une vente de 9.90 sur le TPV');
    expect(t.shown()).toContain('TPV → #C#1#1#990#1#15360#0#0#0#1#0#0#');
    expect(t.shown()).toContain('← connecteur #0#2000#1010#0#0#');
    expect(t.shown()).toContain('Répondez avec une des lettres proposées');
    expect(listeners).toHaveLength(0);
    const answers = d.drainAnswers();
    expect(answers.map((a) => [a.answer, a.operator])).toEqual([
      ['t', 'Ana Ruiz'],
      ['9,90', 'Ana Ruiz'],
      ['10.10', 'Ana Ruiz'],
      ['', 'Ana Ruiz'],
      ['merci', 'Ana Ruiz'],
    ]);
    expect(d.drainAnswers()).toEqual([]);
    t.console.close();
  });

  it('is refused in --ci', async () => {
    const t = terminal();
    const d = new ManualDriver({ type: 'manual' }, context({ ci: true, console: t.console }));
    await expect(d.start({ host: '127.0.0.1', port: 1 })).rejects.toThrow('--ci forbids');
  });

  it('a closed terminal ends the action with an error instead of hanging', async () => {
    const t = terminal();
    const d = new ManualDriver({ type: 'manual' }, context({ ci: false, lang: 'en', console: t.console }));
    t.input.write('Bob\n\n');
    await d.start({ host: '127.0.0.1', port: 1 });
    const pending = d.perform('startup', {}, { timeoutMs: 1000, signal: new AbortController().signal });
    t.input.end();
    expect((await pending).error).toContain('the terminal closed');
  });

  it('parses amounts', () => {
    expect(parseAmount('9.90')).toBe(990);
    expect(parseAmount('9,9')).toBe(990);
    expect(parseAmount('990c')).toBe(990);
    expect(parseAmount('')).toBeUndefined();
    expect(parseAmount('nine')).toBe('invalid');
  });
});

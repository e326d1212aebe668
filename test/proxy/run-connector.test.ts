/**
 * `run --connector`: the shipped Express checklist against a "real" connector (a simulator on
 * loopback standing in for one), through the proxy, with the bundled reference POS. The operator
 * is a scripted answers file whose requests act on that simulator's control API, as a person at
 * the machine would act on the real one. Plus the refusals: --ci with prompts, --jobs > 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import { operatorNeed, realMachineObstacle } from '../../src/runner/connector.js';
import type { RunResult } from '../../src/runner/result.js';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { ROOT, runCli, runMain } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

let sim: FullSimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01, customer: 'manual' });
  dir = tempDir('cashlogy-connector-');
});
afterAll(async () => {
  await sim?.close();
});

function answersFile(): string {
  const control = `http://127.0.0.1:${sim.controlPort}`;
  const file = join(dir, 'answers.yaml');
  writeFileSync(
    file,
    [
      '# The person at the machine: pays, cancels, accepts and closes screens on the simulator standing in for it.',
      `- when: '^\\[(pay|insert) '`,
      '  answer: y',
      `  request: {method: POST, url: '${control}/customer', body: {insert: '{cents}'}}`,
      `- when: '^\\[cancel\\]'`,
      '  answer: y',
      `  request: {method: POST, url: '${control}/customer', body: {cancel: true}}`,
      `- when: '^\\[confirm\\]'`,
      '  answer: y',
      `  request: {method: POST, url: '${control}/customer', body: {confirm: true}}`,
      `- when: '^\\[close-backoffice\\]'`,
      '  answer: y',
      `  request: {method: POST, url: '${control}/operator', body: {close: true}}`,
      '# Operator checks (a yes/no question about what the POS showed).',
      `- when: '.'`,
      '  answer: y',
      '',
    ].join('\n'),
  );
  return file;
}

describe('run --connector (a simulator on loopback standing in for the real machine)', () => {
  it('the shipped Express checklist through the proxy with scripted answers passes, and the result says a real connector ran it', async () => {
    const out = join(dir, 'report');
    const ran = await runCli(['run', '--connector', `127.0.0.1:${sim.port}`, '--answers', answersFile(), '--lang', 'en', '--out', out], { cwd: dir, env: { LC_ALL: 'en_US.UTF-8' } });
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const notPassed = result.items.filter((i) => i.level === 'required' && (i.verdict === 'fail' || i.verdict === 'error')).map((i) => `${i.id}: ${i.reason}`);
    expect(notPassed, ran.stderr).toEqual([]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(result.verdict).toBe('pass');
    // The POS asked #I#: the connector's version is recorded.
    expect(result.connector).toEqual({ kind: 'real', upstream: `127.0.0.1:${sim.port}`, version: expect.stringMatching(/^\d+\.\d+/) as unknown as string });
    // What a real machine cannot do is not-applicable, with the reason; the rest passed on the wire.
    const checklist = loadChecklist(join(ROOT, 'checklists', 'chapter7-express.yaml'));
    for (const item of checklist.items) {
      const got = result.items.find((i) => i.id === item.id);
      if (realMachineObstacle(item) !== undefined) {
        expect(got?.verdict, item.id).toBe('not-applicable');
        expect(got?.reason, item.id).toMatch(/on a real connector/);
      }
    }
    const passed = result.items.filter((i) => i.verdict === 'pass').map((i) => i.id);
    expect(passed).toEqual(expect.arrayContaining(['EXP-01', 'EXP-03', 'EXP-04', 'EXP-08']));
    // The prompts and the operator's answers are evidence in the item's transcript.
    const sale = result.items.find((i) => i.id === 'EXP-04');
    expect(sale?.transcript.some((e) => e.dir === 'event' && /the operator answered "y": \[pay 2000\]/.test(e.data))).toBe(true);
    expect(ran.stdout).toContain('[pay 2000]');
    // Reports say it too.
    expect(readFileSync(join(out, 'checklist.md'), 'utf8')).toMatch(/\| Connector \| real \(upstream 127\.0\.0\.1:\d+, version [\d.]+\) \|/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/name="connector" value="real"/);
    expect(readFileSync(join(out, 'checklist.html'), 'utf8')).toMatch(/<dt>Connector<\/dt><dd id="connector">real \(upstream 127\.0\.0\.1:\d+, version [\d.]+\)<\/dd>/);
  }, 300_000);

  it('--ci refuses before starting, naming the items that would prompt', async () => {
    const ran = await runMain(['run', '--connector', `127.0.0.1:${sim.port}`, '--ci', '--only', 'EXP-01,EXP-03,EXP-04', '--out', join(dir, 'ci')], { cwd: dir });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/--ci never prompts.*EXP-03 \(a paying customer \(setup customer: auto\)\), EXP-04/);
    expect(ran.stderr).not.toMatch(/EXP-01/);
  });

  it('--ci with items that need nobody at the machine runs', async () => {
    const checklist = loadChecklist(join(ROOT, 'checklists', 'chapter7-express.yaml'));
    expect(operatorNeed(checklist.items.find((i) => i.id === 'EXP-01')!)).toBeUndefined();
    const out = join(dir, 'ci-ok');
    const ran = await runCli(['run', '--connector', `127.0.0.1:${sim.port}`, '--ci', '--only', 'EXP-01', '--out', out], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult).connector?.kind).toBe('real');
  }, 120_000);

  it('a person who cannot act at the machine leaves the item in error, at once, not failed after its timeout', async () => {
    // No terminal (stdin is /dev/null): the question gets no answer.
    const out = join(dir, 'nobody');
    const ran = await runCli(['run', '--connector', `127.0.0.1:${sim.port}`, '--only', 'EXP-01,EXP-03', '--lang', 'en', '--out', out], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(3);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const sale = result.items.find((i) => i.id === 'EXP-03');
    expect(sale?.verdict).toBe('error');
    expect(sale?.reason).toMatch(/^the item was stopped, not judged: no answer from the operator \(the terminal closed.*\[pay 1000\]/);
    expect(sale?.durationMs).toBeLessThan(30_000);
    expect(result.items.find((i) => i.id === 'EXP-01')?.verdict).toBe('pass');
    // An operator who answers "no" to paying: the same, with their answer as evidence.
    const refusing = join(dir, 'refusing.yaml');
    writeFileSync(refusing, "- when: '^\\[pay '\n  answer: n\n- when: '.'\n  answer: y\n");
    const out2 = join(dir, 'refused');
    const ran2 = await runCli(['run', '--connector', `127.0.0.1:${sim.port}`, '--only', 'EXP-03', '--answers', refusing, '--lang', 'en', '--out', out2], { cwd: dir });
    expect(ran2.code, ran2.stderr).toBe(3);
    const refused = (JSON.parse(readFileSync(join(out2, 'result.json'), 'utf8')) as RunResult).items.find((i) => i.id === 'EXP-03');
    expect(refused?.verdict).toBe('error');
    expect(refused?.reason).toMatch(/the operator could not do it: \[pay 1000\]/);
    expect(refused?.transcript.some((e) => e.dir === 'event' && /the operator answered "n": \[pay 1000\]/.test(e.data))).toBe(true);
  }, 120_000);

  it('--jobs > 1 is a usage error: one machine', async () => {
    const ran = await runMain(['run', '--connector', `127.0.0.1:${sim.port}`, '--jobs', '2', '--out', join(dir, 'jobs')], { cwd: dir });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/--connector drives one real machine: --jobs must be 1/);
  });

  it('a malformed --connector and a broken answers file are usage errors naming what and where', async () => {
    const bad = await runMain(['run', '--connector', 'nowhere', '--out', join(dir, 'bad')], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--connector must be <host>:<port>.*nowhere/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, '- when: "("\n  answer: y\n');
    const broken = await runMain(['run', '--connector', `127.0.0.1:${sim.port}`, '--answers', file, '--out', join(dir, 'broken')], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/--answers .*broken\.yaml: rule 1: "when" is not a valid regular expression/);
  });
});

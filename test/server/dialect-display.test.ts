/** The dialect in force is visible to a vendor: GET /state, GET /faults (header) and the web page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { http } from './helpers.js';

let eur: FullSimulatorHandle;
let usd: FullSimulatorHandle;
const base = (sim: FullSimulatorHandle) => `http://127.0.0.1:${sim.controlPort}`;

beforeAll(async () => {
  eur = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  usd = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01, profile: 'usd-pos1500' });
});
afterAll(async () => {
  await eur.close();
  await usd.close();
});

describe('dialect display', () => {
  it('GET /state carries the dialect of the loaded profile', async () => {
    expect((await http(base(eur), 'GET', '/state')).json).toMatchObject({
      dialect: { cancelReply: 'idle', u2Level: 'short', dispenseList: 'all', strictParameters: false, initPerConnection: false },
    });
    expect((await http(base(usd), 'GET', '/state')).json).toMatchObject({
      dialect: { cancelReply: 'ack', u2Level: 'level', dispenseList: 'asked', strictParameters: true, initPerConnection: true },
    });
  });

  it('GET /faults stays a list and names the dialect in X-Cashlogy-Dialect', async () => {
    const res = await http(base(usd), 'GET', '/faults');
    expect(res.json).toEqual([]);
    expect(res.headers.get('x-cashlogy-dialect')).toBe(
      'initPerConnection=true; strictParameters=true; cancelReply=ack; u2Level=level; dispenseList=asked; requestEnd=quiet; version=2.01; maxFrameBytes=4096',
    );
  });

  it('the web page has a place for the dialect and fills it from the state', async () => {
    const res = await http(base(eur), 'GET', '/');
    const html = String(res.json);
    expect(html).toContain('id="dialect"');
    expect(html).toContain("$('dialect').textContent = 'Dialect: '");
  });
});

/**
 * `startSimulator()`: the CashlogyConnector simulator as a library, for the runner and for
 * POS vendors' own test suites:
 *
 *   import { startSimulator } from 'cashlogy-cert';
 *   const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: 'auto' });
 *   // point the POS at sim.host:sim.port, run the sale, then look at sim.getState() / sim.getTranscript()
 *   await sim.close();
 */
import { faultStatuses } from '../faults/book.js';
import { createFaultChain } from '../faults/chain.js';
import { listFaultInfo } from '../faults/registry.js';
import { initialState, profileView, step, viewState, type MachineProfile, type MachineState } from '../machine/index.js';
import { loadProfile } from './load-profile.js';
import { createFramer } from '../protocol/framer.js';
import { createSimulator, type FullSimulatorHandle, type SimulatorParts } from './simulator.js';
import type { SimulatorOptions } from './types.js';

export const realParts: SimulatorParts<MachineProfile, MachineState> = {
  loadProfile,
  profileView,
  maxFrameBytes: (profile) => profile.dialect.maxFrameBytes,
  requestEnd: (profile) => profile.dialect.requestEnd,
  initialState: (profile, options) => initialState(profile, options),
  step,
  viewState,
  faultStatuses: (state) => (state.faults ? faultStatuses(state.faults) : []),
  createFramer: (options) => createFramer(options),
  createFaultChain,
  listFaultInfo,
  ticketsDialect: (profile) => profile.tickets,
};

export function startSimulator(options: SimulatorOptions = {}): Promise<FullSimulatorHandle> {
  return createSimulator(realParts, options);
}

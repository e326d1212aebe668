import { describeTrigger, triggerExtras, momentPhrase, type FaultDefinition } from '../definition.js';

export const deviceError: FaultDefinition = {
  info: {
    type: 'device-error',
    plane: 'domain',
    summary: 'The device raises an error code (protocol.md §8, e.g. 1110 "not enough coins").',
    wireEffect: '#?# lists the code until the operator clears it; the operation in progress fails with #ER:GENERIC#',
    options: [{ name: 'code', kind: 'code', min: 1, required: true, description: 'the device error code that #?# reports' }],
  },
  points: ['command', 'progress'],
  validate: () => [],
  describe: (spec) => `raise device error ${String(spec['code'])} ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `raised device error ${String(spec['code'])} ${momentPhrase(opportunity)}`,
};

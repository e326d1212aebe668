import { jamDefinition } from '../jam.js';

export const coinJam = jamDefinition('coin');

import { jamDefinition } from '../jam.js';

export const noteJam = jamDefinition('note');

/**
 * The POS profile (`pos.yaml`, docs/runner.md, Drivers), described once: the loader validates with
 * it and schema/pos.schema.json is generated from it.
 */
import { jsonSchemaDocument, type JsonSchema, type ObjectShape, type Property, type Shape } from '../format/shape.js';
import { POLL_INTERVAL_BOUNDS_MS, REFERENCE_DESIGNS } from './reference-designs.js';
import { INTEGRATION_TYPES, POS_ACTIONS, POS_FEATURES } from './types.js';

// Every text of pos.yaml reaches reports, the cover e-mail, process arguments or the terminal: no control characters.
const text = (description: string): Shape => ({ kind: 'string', minLength: 1, noControl: 'line', description });
const argv = (description: string): Shape => ({ kind: 'array', items: { kind: 'string', minLength: 1, noControl: 'line' }, minItems: 1, description });

const perAction = (what: string, value: Shape, description: string): Shape => ({
  kind: 'object',
  what,
  description,
  props: Object.fromEntries(POS_ACTIONS.map((a) => [a, { shape: value }])),
});

const common: Record<string, Property> = {
  start: { shape: argv('Optional long-running POS process, e.g. ["node", "pos.js"]; stopped (whole process tree) at the end.') },
  cwd: { shape: text("Working directory for started processes, relative to this file's folder.") },
  env: { shape: { kind: 'record', keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$', keyHint: 'environment variable names are letters, digits and _', values: { kind: 'string', noControl: 'multiline' }, description: 'Extra environment for started processes and actions.' } },
  inheritEnv: {
    shape: {
      kind: 'boolean',
      description:
        "false: started processes get only PATH, HOME, the locale (LANG, LC_*), TZ and the temp folder (and SystemRoot, TEMP… on Windows) from the runner's environment, plus env and CASHLOGY_HOST/CASHLOGY_PORT/POS_HOOK_PORT. Default true: the runner's whole environment, CI secrets included.",
    },
  },
  timeouts: { shape: perAction('timeouts', { kind: 'duration' }, 'Per-action timeouts, e.g. {sale: 3m, startup: 90s}.') },
};

const driver = (what: string, props: Record<string, Property>): ObjectShape => ({ kind: 'object', what, props: { ...common, ...props } });

const designChoice = (key: Exclude<keyof typeof REFERENCE_DESIGNS, 'pollIntervalMs'>, description: string): Property => ({
  shape: { kind: 'enum', values: REFERENCE_DESIGNS[key], what: key, description: `${description} Default ${REFERENCE_DESIGNS[key][0]}.` },
});

/** The reference POS's design switches (src/pos/reference-designs.ts, docs/reference-pos.md). */
const referenceDesign: ObjectShape = {
  kind: 'object',
  what: 'reference POS options',
  description: 'Which correct integration design the reference POS follows; every switch defaults to the first value.',
  props: {
    recovery: designChoice('recovery', "After a lost reply to a money command: settle from the machine's totals, or book nothing and ask the cashier."),
    errorCheck: designChoice('errorCheck', 'Read the device errors (#?#) right after an error, or at the start of the next operation.'),
    connection: designChoice('connection', 'One persistent socket, or a new socket per command.'),
    acceptButton: designChoice('acceptButton', 'The Accept button of the #C# screen (7th flag).'),
    lineEnd: designChoice('lineEnd', 'What follows each frame: nothing or CR/LF.'),
    replyRead: designChoice('replyRead', "A reply is whole at its command's field count, or after a short silence."),
    pollIntervalMs: {
      shape: {
        kind: 'number',
        integer: true,
        min: POLL_INTERVAL_BOUNDS_MS.min,
        max: POLL_INTERVAL_BOUNDS_MS.max,
        description: `Pause after each #Q# reply, in ms (${POLL_INTERVAL_BOUNDS_MS.min}-${POLL_INTERVAL_BOUNDS_MS.max}). Default 200.`,
      },
    },
  },
};

export const posProfileShape: ObjectShape = {
  kind: 'object',
  what: 'a POS profile',
  description: 'A cashlogy-cert POS profile (docs/checklist-format.md, docs/runner.md).',
  props: {
    name: { shape: text('Product name.'), required: true },
    version: { shape: { kind: 'string', minLength: 1, noControl: 'line', description: 'Product version.' }, required: true },
    company: { shape: text('Vendor.'), required: true },
    email: { shape: { kind: 'string', noControl: 'line', pattern: '^[^@\\s]+@[^@\\s]+$', patternHint: 'an e-mail address like integration@acme.example', description: 'Contact for the certification.' }, required: true },
    integration: { shape: { kind: 'enum', values: INTEGRATION_TYPES, what: 'integration' }, required: true },
    features: { shape: { kind: 'array', items: { kind: 'enum', values: POS_FEATURES, what: 'feature', strict: false }, unique: true, description: 'What a mixed integration covers.' } },
    driver: {
      required: true,
      shape: {
        kind: 'tagged',
        what: 'driver',
        tag: 'type',
        description: 'How the runner drives the POS: http | command | manual | reference.',
        variants: {
          http: driver('an http driver', {
            url: { shape: text('Base URL; {hookPort} is substituted.'), required: true },
            readyTimeout: { shape: { kind: 'duration', description: 'How long to wait for the hook URL to accept connections.' } },
          }),
          command: driver('a command driver', {
            actions: { shape: perAction('actions', argv('argv'), 'argv per action; {amount}, {hookPort}, {action} are substituted.'), required: true },
          }),
          manual: driver('a manual driver', {}),
          reference: driver('a reference driver', {
            inProcess: { shape: { kind: 'boolean', description: 'Run the reference POS inside the runner process.' } },
            options: { shape: referenceDesign },
          }),
        },
      },
    },
  },
};

export const POS_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/pos.schema.json';

export function posJsonSchema(): JsonSchema {
  return jsonSchemaDocument(POS_SCHEMA_ID, 'cashlogy-cert POS profile', posProfileShape);
}

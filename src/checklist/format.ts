/**
 * The checklist YAML format, described once. The loader validates with it and the JSON
 * Schema in schema/checklist.schema.json is generated from it (`npm run schema`).
 * docs/checklist-format.md is the prose version.
 */
import { MAX_DURATION_MS } from '../duration.js';
import { faultSpecShape } from '../faults/format.js';
import { listFaultInfo, validateFaultSpec } from '../faults/registry.js';
import { COMMAND_CODES } from '../protocol/commands.js';
import { INTEGRATION_TYPES, POS_ACTIONS, POS_FEATURES } from '../pos/types.js';
import { parseFramePattern } from './pattern-syntax.js';
import { isPlainObject, jsonSchemaDocument, toJsonSchema, type JsonSchema, type ObjectShape, type Property, type Shape } from '../format/shape.js';

const text = (description?: string): Shape => ({ kind: 'string', minLength: 1, noControl: 'multiline', ...(description ? { description } : {}) });

export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
const id = (description: string): Shape => ({ kind: 'string', pattern: ID_PATTERN, patternHint: 'use letters, digits, ".", "_" and "-"', description });

export const localizedShape: ObjectShape = {
  kind: 'object',
  what: 'a text in fr/en/es',
  description: 'A text in French, English and Spanish.',
  props: {
    fr: { shape: text('French'), required: true },
    en: { shape: text('English'), required: true },
    es: { shape: text('Spanish'), required: true },
  },
};

const duration = (description: string): Shape => ({ kind: 'duration', description });
const cents = (description: string, min = 0): Shape => ({ kind: 'number', integer: true, min, description });
const DENOMINATION_KEY = '^[0-9]+$';
/** A file name alone: no separator, not "." or "..", not hidden. */
export const TICKETS_FILE_NAME = '^[A-Za-z0-9_][A-Za-z0-9._-]*$';
const DENOMINATION_HINT = 'denominations are values in cents written as text, e.g. "2000" for 20 €';

const framePatternShape: Shape = {
  kind: 'union',
  what: 'a frame pattern ("#C#*#*#{amount}#...") or {regex: "..."}',
  description: 'A frame pattern: fields split on "#"; "*" any one field, "..." any remaining fields (last), "{name}" captures, "{amount}" the last action amount. Or {regex: "..."} over the whole frame.',
  options: [
    {
      accepts: (v) => typeof v === 'string',
      shape: {
        kind: 'custom',
        json: { type: 'string', pattern: '^#.*#(\\.\\.\\.)?$' },
        check: (value, path, report) => {
          const parsed = parseFramePattern(value as string);
          if (!parsed.ok) report.error(path, parsed.message, parsed.hint);
        },
      },
    },
    {
      accepts: (v) => isPlainObject(v),
      shape: {
        kind: 'object',
        what: 'a regex pattern',
        props: {
          regex: {
            required: true,
            shape: {
              kind: 'custom',
              json: { type: 'string', description: 'A regular expression over the whole frame (JavaScript syntax).' },
              check: (value, path, report) => checkRegex(value, path, report.error),
            },
          },
        },
      },
    },
  ],
};

function checkRegex(value: unknown, path: (string | number)[], error: (path: (string | number)[], message: string, hint?: string) => void): void {
  if (typeof value !== 'string') {
    error(path, 'expected a regular expression as text');
    return;
  }
  try {
    new RegExp(value);
  } catch (err) {
    error(path, `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`, "in YAML, single quotes keep backslashes as written: '^#C#\\d+#'");
  }
}

const scalarShape: Shape = {
  kind: 'union',
  what: 'a text, a number or true/false',
  options: [
    { accepts: (v) => typeof v === 'string', shape: { kind: 'string' } },
    { accepts: (v) => typeof v === 'number', shape: { kind: 'number' } },
    { accepts: (v) => typeof v === 'boolean', shape: { kind: 'boolean' } },
  ],
};

export const MATCHER_KEYS = ['equals', 'notEquals', 'atLeast', 'atMost', 'matches', 'oneOf', 'exists'] as const;

const matcherObject: ObjectShape = {
  kind: 'object',
  what: 'a value matcher',
  props: {
    equals: { shape: scalarShape },
    notEquals: { shape: scalarShape },
    atLeast: { shape: { kind: 'number' } },
    atMost: { shape: { kind: 'number' } },
    matches: {
      shape: { kind: 'custom', json: { type: 'string' }, check: (value, path, report) => checkRegex(value, path, report.error) },
    },
    oneOf: {
      shape: {
        kind: 'array',
        minItems: 1,
        items: {
          kind: 'union',
          what: 'a text or a number',
          options: [
            { accepts: (v) => typeof v === 'string', shape: { kind: 'string' } },
            { accepts: (v) => typeof v === 'number', shape: { kind: 'number' } },
          ],
        },
      },
    },
    exists: { shape: { kind: 'boolean' } },
  },
};

export const valueMatcherShape: Shape = {
  kind: 'union',
  what: 'a value or a matcher like {atLeast: 1}',
  description: 'A bare value means equals; "{name}" is a captured value or the reserved {amount}. Or a matcher: equals, notEquals, atLeast, atMost, matches, oneOf, exists.',
  options: [
    { accepts: (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean', shape: scalarShape },
    { accepts: (v) => isPlainObject(v), shape: matcherObject },
  ],
};

const countsShape: Shape = {
  kind: 'record',
  keyPattern: DENOMINATION_KEY,
  keyHint: DENOMINATION_HINT,
  values: { kind: 'number', integer: true, min: 0 },
};

const faultShape: Shape = {
  kind: 'custom',
  description: 'A fault (docs/faults.md): {type, ...options, on: {command, nth, after, probability, times}}.',
  // Editors get each fault's own options from the registry; the registry's validator also
  // checks the rules between fields (where a fault can fire), so it stays the one that decides.
  json: { $ref: '#/$defs/fault' },
  check: (value, path, report) => {
    const { problems } = validateFaultSpec(value);
    for (const p of problems) report.error([...path, ...p.segments], p.message, p.hint, p.at);
  },
};

const stepName: Property = { shape: { kind: 'string', pattern: ID_PATTERN, patternHint: 'use letters, digits, ".", "_" and "-"', description: 'A name for `since:` and `of:`.' } };
const afterProp: Property = { shape: duration('Wait this long (wall-clock) once the screen is open, then act. Default 0.') };
const withinProp: Property = { shape: duration('How long to wait for an open screen before the step errors. Default 30s.') };

const expectationShape: Shape = {
  kind: 'variant',
  what: 'expectation',
  description: 'What to check: sends, neverSends, sendsInOrder, oneCommandAtATime, captured, outcome, machine, operator; for tickets integrations requests, noFileEvent, uniqueRequests, requestsLeft, answersRemoved.',
  variants: {
    sends: {
      kind: 'object',
      what: 'a sends expectation',
      props: {
        sends: { shape: framePatternShape, required: true },
        within: { shape: duration('Window length from `since`. Default 30s.') },
        since: { shape: { kind: 'string', description: 'A step name; default the start of the last action.' } },
        afterReply: { shape: framePatternShape },
        count: {
          shape: {
            kind: 'object',
            what: 'a count',
            props: { atLeast: { shape: { kind: 'number', integer: true, min: 0 } }, atMost: { shape: { kind: 'number', integer: true, min: 0 } } },
          },
        },
      },
    },
    neverSends: {
      kind: 'object',
      what: 'a neverSends expectation',
      props: {
        neverSends: { shape: framePatternShape, required: true },
        since: { shape: { kind: 'string' } },
        afterReply: { shape: framePatternShape },
        // The watch ends at the first frame the POS sends that matches `until`.
        until: { shape: framePatternShape },
      },
    },
    sendsInOrder: {
      kind: 'object',
      what: 'a sendsInOrder expectation',
      props: {
        sendsInOrder: { shape: { kind: 'array', items: framePatternShape, minItems: 1 }, required: true },
        within: { shape: duration('Window length from `since`. Default 30s.') },
        since: { shape: { kind: 'string' } },
      },
    },
    oneCommandAtATime: {
      kind: 'object',
      what: 'a oneCommandAtATime expectation',
      props: { oneCommandAtATime: { shape: { kind: 'boolean', only: true }, required: true } },
    },
    captured: {
      kind: 'object',
      what: 'a captured expectation',
      props: {
        captured: {
          shape: { kind: 'record', keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$', keyHint: 'capture names are letters, digits and _', values: valueMatcherShape },
          required: true,
        },
      },
    },
    outcome: {
      kind: 'object',
      what: 'an outcome expectation',
      props: {
        outcome: { shape: { kind: 'record', values: valueMatcherShape }, required: true },
        of: { shape: { kind: 'string', description: 'The name of the action step; default the last action.' } },
        acceptUncertain: {
          shape: {
            kind: 'boolean',
            description:
              'Also pass an outcome with `uncertain: true` that booked nothing (paid 0 or absent) and tells the cashier what to check in `message` (docs/runner.md, drivers).',
          },
        },
        mustAnswer: {
          shape: {
            kind: 'boolean',
            description: 'An action that ended without an outcome (the POS hung past its timeout) fails this check instead of leaving it unjudged: for items where hanging is the defect.',
          },
        },
      },
    },
    requests: {
      kind: 'object',
      what: 'a requests expectation (tickets)',
      props: {
        requests: {
          shape: { kind: 'record', values: valueMatcherShape, description: 'Fields every counted request must match (type, ticket, amount, till, user); {} counts every request.' },
          required: true,
        },
        within: { shape: duration('Window length from `since`. Default 30s.') },
        since: { shape: { kind: 'string', description: 'A step name; default the start of the last action.' } },
        count: {
          shape: {
            kind: 'object',
            what: 'a count',
            props: { atLeast: { shape: { kind: 'number', integer: true, min: 0 } }, atMost: { shape: { kind: 'number', integer: true, min: 0 } } },
          },
        },
      },
    },
    noFileEvent: {
      kind: 'object',
      what: 'a noFileEvent expectation (tickets)',
      props: {
        noFileEvent: {
          shape: { kind: 'string', minLength: 1, noControl: 'line', description: 'The start of a file event sentence: "written in place:", "reused name:", "rejected:", "ignored:", "removed:".' },
          required: true,
        },
        since: { shape: { kind: 'string', description: 'A step name; default the start of the item.' } },
      },
    },
    uniqueRequests: {
      kind: 'object',
      what: 'a uniqueRequests expectation (tickets)',
      props: { uniqueRequests: { shape: { kind: 'boolean', only: true }, required: true } },
    },
    requestsLeft: {
      kind: 'object',
      what: 'a requestsLeft expectation (tickets)',
      props: {
        requestsLeft: {
          shape: {
            kind: 'object',
            what: 'requestsLeft',
            props: {
              atMost: { shape: { kind: 'number', integer: true, min: 0, description: 'How many request files may still be in the folder when the item ends.' }, required: true },
              extension: { shape: { kind: 'string', pattern: '^\\.[A-Za-z0-9_-]{1,16}$', patternHint: 'a dot and 1 to 16 letters, digits, "_" or "-", e.g. .azk', description: 'The request extension of the dialect. Default .azk.' } },
            },
          },
          required: true,
        },
      },
    },
    answersRemoved: {
      kind: 'object',
      what: 'an answersRemoved expectation (tickets)',
      props: {
        answersRemoved: {
          shape: {
            kind: 'object',
            what: 'answersRemoved',
            props: { within: { shape: duration('How long after an answer is written the POS has to remove it.'), required: true } },
          },
          required: true,
        },
        since: { shape: { kind: 'string', description: 'A step name; default the start of the item.' } },
      },
    },
    machine: {
      kind: 'object',
      what: 'a machine expectation',
      props: {
        machine: {
          required: true,
          shape: {
            kind: 'object',
            what: 'a machine expectation',
            props: {
              inserted: { shape: valueMatcherShape },
              dispensed: { shape: valueMatcherShape },
              recyclers: { shape: { kind: 'record', keyPattern: DENOMINATION_KEY, keyHint: DENOMINATION_HINT, values: valueMatcherShape } },
              stacker: { shape: { kind: 'record', keyPattern: DENOMINATION_KEY, keyHint: DENOMINATION_HINT, values: valueMatcherShape } },
            },
          },
        },
      },
    },
    operator: {
      kind: 'object',
      what: 'an operator question',
      props: { operator: { shape: localizedShape, required: true } },
    },
  },
};

/**
 * The sentence shown when a check fails, naming the defect: English text as written before
 * reports spoke the run's language, or the same sentence in fr/en/es like an item's title.
 */
const stepMessageShape: Shape = {
  kind: 'union',
  what: 'a text or {fr, en, es}',
  description: 'Shown when the check fails, naming the defect: an English sentence, or {fr, en, es} (the reports and the console show the run\'s language).',
  options: [
    // Anything but a mapping is judged as the text it has always been (a number: a warning, as before).
    { accepts: (v) => !isPlainObject(v), shape: text('English sentence shown when the check fails, naming the defect.') },
    { accepts: (v) => isPlainObject(v), shape: localizedShape },
  ],
};

export const STEP_KINDS = ['action', 'setup', 'customer', 'operator', 'fault', 'wait', 'expect'] as const;

export const stepShape: Shape = {
  kind: 'variant',
  what: 'step',
  description: 'One of: setup, action, customer, operator, fault, wait, expect.',
  variants: {
    action: {
      kind: 'object',
      what: 'an action step',
      props: {
        action: { shape: { kind: 'enum', values: POS_ACTIONS, what: 'action' }, required: true },
        amount: { shape: cents('Amount in integer cents (sale, refund, refill).') },
        name: stepName,
        wait: { shape: { kind: 'boolean', description: 'false: go on with the next steps while the action runs. Default true.' } },
        timeout: { shape: duration("Override of the driver's per-action timeout.") },
      },
    },
    setup: {
      kind: 'object',
      what: 'a setup step',
      props: {
        setup: {
          required: true,
          shape: {
            kind: 'object',
            what: 'setup',
            props: {
              inventory: {
                shape: { kind: 'object', what: 'inventory', props: { recyclers: { shape: countsShape }, stacker: { shape: countsShape } } },
              },
              customer: {
                shape: {
                  kind: 'object',
                  what: 'customer',
                  props: {
                    mode: { shape: { kind: 'enum', values: ['auto', 'manual'], what: 'customer mode' }, required: true },
                    pay: { shape: { kind: 'array', items: cents('A denomination in cents.', 1), minItems: 1 } },
                    delayMs: { shape: { kind: 'number', min: 0, max: MAX_DURATION_MS, description: 'Simulator time (scaled by --time-scale) before the automatic customer acts.' } },
                  },
                },
              },
              faults: { shape: { kind: 'array', items: faultShape } },
              ticketsFiles: {
                shape: {
                  kind: 'record',
                  keyPattern: TICKETS_FILE_NAME,
                  keyHint: 'a plain file name in the tickets folder, e.g. "old-0001.OK" (no folder, no "..")',
                  description: 'Tickets integrations: files written in the shared folder before the POS acts (stale answers). Name → content; an object is written as JSON.',
                  values: {
                    kind: 'union',
                    what: 'a text or an object (written as JSON)',
                    options: [
                      { accepts: (v) => typeof v === 'string', shape: { kind: 'string' } },
                      { accepts: (v) => isPlainObject(v), shape: { kind: 'custom', json: { type: 'object' }, check: () => undefined } },
                    ],
                  },
                },
              },
            },
          },
        },
        name: stepName,
      },
    },
    customer: {
      kind: 'object',
      what: 'a customer step',
      props: {
        customer: {
          required: true,
          shape: {
            kind: 'object',
            what: 'customer step',
            props: {
              insert: { shape: { kind: 'array', items: cents('A denomination in cents.', 1), minItems: 1 } },
              cancel: { shape: { kind: 'boolean', only: true } },
              confirm: { shape: { kind: 'boolean', only: true } },
              accept: {
                shape: {
                  kind: 'boolean',
                  description: 'With insert: whether the customer presses Accept once the amount is covered and the button is shown (default true, as a person would).',
                },
              },
              // Act right after the POS next sends a matching frame (counted from this step's start).
              whenSends: { shape: framePatternShape },
              after: afterProp,
              within: withinProp,
            },
          },
        },
        name: stepName,
      },
    },
    operator: {
      kind: 'object',
      what: 'an operator step',
      props: {
        operator: {
          required: true,
          shape: {
            kind: 'object',
            what: 'operator step',
            props: { close: { shape: { kind: 'boolean', only: true }, required: true }, after: afterProp, within: withinProp },
          },
        },
        name: stepName,
      },
    },
    fault: { kind: 'object', what: 'a fault step', props: { fault: { shape: faultShape, required: true }, name: stepName } },
    wait: { kind: 'object', what: 'a wait step', props: { wait: { shape: duration('Pause (wall-clock).'), required: true }, name: stepName } },
    expect: {
      kind: 'object',
      what: 'an expect step',
      props: {
        expect: { shape: expectationShape, required: true },
        message: { shape: stepMessageShape },
        name: stepName,
      },
    },
  },
};

export const itemShape: ObjectShape = {
  kind: 'object',
  what: 'an item',
  props: {
    id: { shape: id('Stable id, unique in the file (EXP-04).'), required: true },
    title: { shape: localizedShape, required: true },
    description: { shape: localizedShape, required: true },
    ref: { shape: { kind: 'string', minLength: 1, noControl: 'line', description: 'Section of the integration manual it checks ("6.3.1.3").' }, required: true },
    level: { shape: { kind: 'enum', values: ['required', 'recommended', 'optional'], what: 'level' }, required: true },
    appliesTo: {
      shape: {
        kind: 'object',
        what: 'appliesTo',
        props: {
          integrations: { shape: { kind: 'array', items: { kind: 'enum', values: INTEGRATION_TYPES, what: 'integration' }, unique: true } },
          features: { shape: { kind: 'array', items: { kind: 'enum', values: POS_FEATURES, what: 'feature', strict: false }, unique: true } },
        },
      },
    },
    dependsOn: { shape: { kind: 'array', items: id('An item id.'), unique: true } },
    tags: { shape: { kind: 'array', items: text(), unique: true } },
    catches: { shape: localizedShape, required: true },
    underTest: { shape: { kind: 'array', items: { kind: 'enum', values: COMMAND_CODES, what: 'command code' }, unique: true } },
    timeout: { shape: duration('Upper bound for the whole item. Default 120s.') },
    steps: { shape: { kind: 'array', items: stepShape, minItems: 1 }, required: true },
  },
};

export const checklistShape: ObjectShape = {
  kind: 'object',
  what: 'a checklist',
  description: 'A cashlogy-cert checklist (docs/checklist-format.md).',
  props: {
    id: { shape: id('Checklist id (chapter7-express).'), required: true },
    version: { shape: { kind: 'string', minLength: 1, noControl: 'line' }, required: true },
    title: { shape: localizedShape, required: true },
    source: { shape: text('What it is modelled on.'), required: true },
    integrations: { shape: { kind: 'array', items: { kind: 'enum', values: INTEGRATION_TYPES, what: 'integration' }, minItems: 1, unique: true }, required: true },
    items: { shape: { kind: 'array', items: itemShape, minItems: 1 }, required: true },
  },
};

export const CHECKLIST_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/checklist.schema.json';

export function checklistJsonSchema(): JsonSchema {
  return {
    ...jsonSchemaDocument(CHECKLIST_SCHEMA_ID, 'cashlogy-cert checklist', checklistShape),
    $defs: { fault: toJsonSchema(faultSpecShape(listFaultInfo())) },
  };
}

/**
 * The checklist data model after loading (durations parsed to ms, defaults filled in).
 * The YAML uses the same camelCase keys; durations are written "250ms" / "2s" there and
 * end in `Ms` here. The loader (checklist/load.ts) and the JSON Schema are generated from
 * one description of this format; the runner executes it.
 */
import type { FaultSpec } from '../faults/spec.js';
import type { IntegrationType, PosAction } from '../pos/types.js';
import type { CustomerConfig, InventoryCounts } from '../machine/types.js';
import type { Localized } from '../i18n.js';

export type Level = 'required' | 'recommended' | 'optional';

export interface Checklist {
  id: string;
  version: string;
  title: Localized;
  /** What it is modelled on ("CashlogyConnector integration manual v2.3, chapter 7 — reconstruction"). */
  source: string;
  /** Integration types this file is written for. */
  integrations: IntegrationType[];
  items: ChecklistItem[];
  /** Where it was loaded from, and the sha256 of the file's bytes. */
  file?: string;
  sha256?: string;
}

export interface ChecklistItem {
  /** Stable id, e.g. "EXP-04". */
  id: string;
  title: Localized;
  description: Localized;
  /** Section of the integration manual it checks ("6.3.1.3"). */
  ref: string;
  level: Level;
  appliesTo: {
    /** Integration types the item applies to; empty = all. */
    integrations: IntegrationType[];
    /** POS features it needs (all of them); empty = none. */
    features: string[];
  };
  /** Ids of items that must pass first; when one does not, this item is `skipped`. */
  dependsOn: string[];
  tags: string[];
  /** The integration defect this item exists to catch. */
  catches: Localized;
  /** Command codes the item is about ("C", "P"…): a pass where the POS never sent one is `partial`. */
  underTest: string[];
  /** Upper bound for the whole item, ms. */
  timeoutMs: number;
  steps: Step[];
}

export type Step =
  | SetupStep
  | ActionStep
  | CustomerStep
  | OperatorStep
  | FaultStep
  | WaitStep
  | ExpectStep;

interface StepBase {
  /** Optional name, referenced by `since` and by outcome checks (`of`). */
  name?: string;
}

/** Put the machine in a known state before the POS acts. */
export interface SetupStep extends StepBase {
  kind: 'setup';
  /** Partial counts applied on top of the profile's initial inventory. */
  inventory?: Partial<InventoryCounts>;
  customer?: CustomerConfig;
  faults?: FaultSpec[];
  /**
   * Files put in a tickets integration's shared folder before the POS acts (stale answers an
   * earlier day left behind): file name → content (an object is written as JSON).
   */
  ticketsFiles?: Record<string, string | Record<string, unknown>>;
}

/** Ask the POS to do something (docs/runner.md, Drivers). */
export interface ActionStep extends StepBase {
  kind: 'action';
  action: PosAction;
  amount?: number;
  /** false: start the action and go on with the next steps while it runs (to act as customer, send `cancel`…). Default true. */
  wait: boolean;
  /** Override of the driver's per-action timeout, ms. */
  timeoutMs?: number;
}

/** Act as the customer at the connector: waits until an acceptance is open, then `afterMs`, then acts. */
export interface CustomerStep extends StepBase {
  kind: 'customer';
  insert?: number[];
  cancel?: boolean;
  confirm?: boolean;
  /** With `insert`: press Accept once the amount is covered and the button is shown (default true). */
  accept?: boolean;
  /**
   * Act right after the POS next sends a frame matching this pattern (counted from the step's
   * start), instead of at a fixed time: ties the customer to the POS's own traffic.
   */
  whenSends?: FramePattern;
  afterMs: number;
  /** How long to wait for an open acceptance before the step errors. */
  withinMs: number;
}

/** Act as the operator at the connector: waits until a backoffice screen is open, then acts. */
export interface OperatorStep extends StepBase {
  kind: 'operator';
  close: boolean;
  afterMs: number;
  withinMs: number;
}

/** Arm a fault now (mid-item). */
export interface FaultStep extends StepBase {
  kind: 'fault';
  fault: FaultSpec;
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  ms: number;
}

/**
 * A frame pattern, matched field by field on `#`:
 *   literal field          must be equal
 *   `*`                    any one field
 *   `...`                  any number of remaining fields (last position only)
 *   `{name}`               captures the field; once captured, later patterns must match the same value
 * e.g. `#C#{op}#*#990#...`. Or `{ regex: "^#C#" }` for a regular expression over the whole frame.
 */
export type FramePattern = string | { regex: string };

/** A value matcher: a bare value means equals. Amount values may be `{amount}` of the last sale. */
export type ValueMatcher =
  | string
  | number
  | boolean
  | {
      equals?: string | number | boolean;
      notEquals?: string | number | boolean;
      atLeast?: number;
      atMost?: number;
      matches?: string;
      oneOf?: (string | number)[];
      exists?: boolean;
    };

export type Expectation =
  /** The POS sends a matching frame (within a window; optionally a count). */
  | {
      type: 'sends';
      pattern: FramePattern;
      withinMs?: number;
      /** Window start: a named step (default: the start of the last action step). */
      since?: string;
      /** Only count frames sent after the connector's first reply matching this pattern (inside the window). */
      afterReply?: FramePattern;
      count?: { atLeast?: number; atMost?: number };
    }
  /** The POS never sends a matching frame (from `since`, default the item start, to the end of the item). */
  | { type: 'neverSends'; pattern: FramePattern; since?: string; afterReply?: FramePattern; until?: FramePattern }
  /** The POS sends these in this order (other frames may come between). */
  | { type: 'sendsInOrder'; patterns: FramePattern[]; withinMs?: number; since?: string }
  /** Never a new command on any connection while one is unanswered, except `#!#`. */
  | { type: 'oneCommandAtATime' }
  /** Captured values compared with matchers (`op2: {notEquals: "{op1}"}`). */
  | { type: 'captured'; values: Record<string, ValueMatcher> }
  /** The POS outcome of a named action step (default: the last action). */
  | {
      type: 'outcome';
      of?: string;
      fields: Record<string, ValueMatcher>;
      /** Also pass a safe `uncertain: true` outcome that booked nothing and tells the cashier what to check (docs/runner.md, Drivers). */
      acceptUncertain?: boolean;
      /** An action that ended without an outcome (the POS hung past its timeout) fails the check instead of leaving it unjudged. */
      mustAnswer?: boolean;
    }
  /**
   * Tickets: the POS's requests as CashlogyTickets read them (transcript `in` entries with a
   * file), each field matched; counted like `sends`.
   */
  | {
      type: 'requests';
      fields: Record<string, ValueMatcher>;
      withinMs?: number;
      since?: string;
      count?: { atLeast?: number; atMost?: number };
    }
  /** Tickets: no file event whose sentence starts with `prefix` ("written in place:"), from `since` to the end of the item. */
  | { type: 'noFileEvent'; prefix: string; since?: string }
  /** Tickets: every request of the item has its own file name and its own ticket number. */
  | { type: 'uniqueRequests' }
  /**
   * Tickets: request files (names ending in `extension`, default `.azk`) still in the shared
   * folder when the item ends, counted (a request CashlogyTickets never read and the POS sent again).
   */
  | { type: 'requestsLeft'; atMost: number; extension: string }
  /** Tickets: every answer written in the item is removed (by the POS) within `withinMs` of being written. */
  | { type: 'answersRemoved'; withinMs: number; since?: string }
  /** Machine deltas since the item start: `inserted`, `dispensed` (cents), per-denomination `recyclers`/`stacker` count deltas. */
  | {
      type: 'machine';
      inserted?: ValueMatcher;
      dispensed?: ValueMatcher;
      recyclers?: Record<string, ValueMatcher>;
      stacker?: Record<string, ValueMatcher>;
    }
  /** Only what a person must see: asked to the operator; `skipped` in --ci. */
  | { type: 'operator'; question: Localized };

export interface ExpectStep extends StepBase {
  kind: 'expect';
  expect: Expectation;
  /** English sentence shown when the check fails, naming the defect ("the POS booked a cancelled sale"). */
  message?: string;
  /** The same sentence in every language, when the checklist gives it (`message: {fr, en, es}`); `en` is `message`. */
  messages?: Localized;
}

/**
 * The simulated customer's configuration (`PUT /customer`, `setCustomer()`, `initialState`),
 * described once with the Shape kit. The simulator checks a request with it before the machine
 * sees it (src/server/validate.ts); the machine checks again with the same description, for
 * library users who drive `step` or the harness directly, so both say the same words.
 */
import { MAX_DURATION_MS } from '../duration.js';
import { InvalidInputError } from '../errors.js';
import { checkShape, formatPath, isPlainObject, type ObjectShape } from '../format/shape.js';
import type { CustomerConfig } from './types.js';

/** `PUT /customer`, `setCustomer()` and the `customer` of `initialState`. */
export const customerShape: ObjectShape = {
  kind: 'object',
  what: 'the customer',
  description: 'How the simulated customer pays.',
  props: {
    mode: { shape: { kind: 'enum', values: ['auto', 'manual'], what: 'customer mode' }, required: true },
    pay: { shape: { kind: 'array', items: { kind: 'number', integer: true, min: 1 }, minItems: 1, description: 'What the automatic customer inserts, e.g. [2000, 50].' } },
    delayMs: { shape: { kind: 'number', min: 0, max: MAX_DURATION_MS, description: 'Simulated ms before the automatic customer acts.' } },
  },
};

/** One problem of a customer configuration, named by its JSON path ("pay[1]"). */
export interface CustomerProblem {
  path: string;
  message: string;
  hint?: string;
}

/** The machine a customer pays into: its name and every denomination it knows (cents). */
export interface CustomerMachine {
  name: string;
  denominations: readonly number[];
}

/** Every problem of `value` as a customer of `machine`: its shape, then the denominations of "pay". */
export function customerProblems(value: unknown, machine: CustomerMachine): CustomerProblem[] {
  const problems: CustomerProblem[] = checkShape(customerShape, value)
    .filter((p) => p.severity === 'error')
    .map((p) => ({ path: formatPath(p.path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) }));
  const pay = isPlainObject(value) ? value['pay'] : undefined;
  if (Array.isArray(pay)) {
    pay.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || machine.denominations.includes(v)) return;
      problems.push({ path: formatPath(['pay', i]), message: `${v} is not a denomination of profile ${machine.name}`, hint: `known: ${machine.denominations.join(', ')}` });
    });
  }
  return problems;
}

/** "pay[1]: 7 is not a denomination of profile eur-pos1500 (known: …)". */
export function customerProblemText(problem: CustomerProblem): string {
  return `${problem.path !== '' ? `${problem.path}: ` : ''}${problem.message}${problem.hint !== undefined ? ` (${problem.hint})` : ''}`;
}

/** A checked copy of a customer configuration; throws InvalidInputError naming every problem. */
export function normaliseCustomer(value: unknown, machine: CustomerMachine): CustomerConfig {
  const problems = customerProblems(value, machine);
  if (problems.length > 0) {
    throw new InvalidInputError(
      `invalid customer: ${problems.map(customerProblemText).join('; ')}`,
      problems.map((p) => ({ severity: 'error' as const, path: p.path, message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) })),
    );
  }
  const customer = value as CustomerConfig;
  return { mode: customer.mode, ...(customer.pay ? { pay: [...customer.pay] } : {}), ...(customer.delayMs !== undefined ? { delayMs: customer.delayMs } : {}) };
}

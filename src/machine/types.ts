/**
 * The words the machine model is made of and shows: inventories, the `GET /state` view, the
 * customer configuration and what the adapters need to know about a profile. They belong to the
 * machine; the simulator's handle (src/server/types.ts) re-exports them.
 */

/** Counts per denomination, keyed by the value in cents written as a string ("2000"). */
export type DenominationCounts = Record<string, number>;

export interface InventoryCounts {
  recyclers: DenominationCounts;
  stacker: DenominationCounts;
}

export interface OperationView {
  /** The command code of the blocking or open operation ("C", "B", "A", "G", "P"…). */
  command: string;
  /** Connection that started it. */
  conn: number;
  /** Amount due for a charge, requested for a dispense (cents). */
  amount?: number;
  /** Cash inserted so far in this operation (cents). */
  inserted?: number;
  /** Cash dispensed so far in this operation (cents). */
  dispensed?: number;
  /** True while the connector shows a screen waiting for a customer or operator. */
  waitingFor?: 'customer' | 'operator' | null;
  [extra: string]: unknown;
}

export interface SimulatorState {
  initialized: boolean;
  operation: OperationView | null;
  inventory: InventoryCounts;
  totals: { recyclers: number; stacker: number };
  /** Active device error codes, as `#?#` reports them. */
  errors: number[];
  /** Money moved since start or the last reset (cents): conservation is inventory + dispensed = initial + inserted. */
  ledger: { inserted: number; dispensed: number };
}

export interface CustomerConfig {
  mode: 'auto' | 'manual';
  /** Fixed denominations the automatic customer inserts instead of the smallest covering combination. */
  pay?: number[];
  /** Delay before the automatic customer acts, in simulated ms (scaled by the time scale). */
  delayMs?: number;
}

/** What the web page and `GET /profile` need to know about the loaded machine profile. */
export interface ProfileView {
  name: string;
  /** ISO currency code ("EUR"). */
  currency: string;
  /** The profile's currency symbol ("€"), when the profile gives one. */
  symbol?: string;
  /** Denominations in cents, ascending. */
  coins: number[];
  notes: number[];
  /** Denominations the recyclers can hold (cents); the others go straight to the stacker. */
  recyclable: number[];
  /** Recycler thresholds per denomination ("2000"), for level colours: at or below nearEmpty is near empty, at or above nearFull near full. */
  levels?: Record<string, { capacity?: number; nearEmpty?: number; nearFull?: number }>;
}

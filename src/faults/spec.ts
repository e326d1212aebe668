/**
 * The fault vocabulary of docs/faults.md, as data. Implementations live in the fault
 * registry (one file per fault); this file only names them so that the checklist loader,
 * the control API and the CLI agree on the words users write.
 */
import { FAULT_TYPES, listFaultInfo, type FaultType } from './registry.js';

export { FAULT_TYPES, type FaultType };

/** Faults that act through the machine model. */
export const DOMAIN_FAULT_TYPES: readonly FaultType[] = listFaultInfo().filter((info) => info.plane === 'domain').map((info) => info.type);
/** Faults that act on the connection (toxics in its chain). */
export const TRANSPORT_FAULT_TYPES: readonly FaultType[] = listFaultInfo().filter((info) => info.plane === 'transport').map((info) => info.type);
/** Faults that act in the CashlogyTickets look-alike (its folder and answer files). */
export const TICKETS_FAULT_TYPES: readonly FaultType[] = listFaultInfo().filter((info) => info.plane === 'tickets').map((info) => info.type);

/** When a fault fires. All fields optional, combined with AND (docs/faults.md). */
export interface FaultTrigger {
  /** A command code without the `#` ("C", "P", "GC2"…). */
  command?: string;
  /** Fire on the nth matching command (1-based). */
  nth?: number;
  /** "40%" (progress of the operation) or "1500ms" / "2s" (machine time into it). */
  after?: string;
  /** Chance that each matching opportunity fires, decided by the run's seeded random source. */
  probability?: number;
  /** How many times it fires; default 1. */
  times?: number;
}

/** `{"type": ..., ...options, "on"?: trigger}`. Options are fault-specific (`short`, `code`, `for`, `ms`, `at`…). */
export interface FaultSpec {
  type: FaultType;
  on?: FaultTrigger;
  [option: string]: unknown;
}

/** One armed fault as `GET /faults` shows it. */
export interface FaultStatus {
  id: string;
  spec: FaultSpec;
  /** How many more times it can fire. */
  remaining: number;
  /** How many times it has fired so far. */
  fired: number;
  /** A human sentence describing what it will do ("jam a note at 40 % of the next #C#"). */
  description: string;
}

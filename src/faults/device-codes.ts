/**
 * The device error codes (protocol.md §8) that faults raise. They live with the faults because
 * a fault definition names the code it raises; the machine re-exports them from
 * src/machine/device-errors.ts with the codes it raises by itself.
 */

/** note-jam: "note waiting" at the inlet (1187, resolved as 1188); coin-jam: recycler motor control (1751). [INF] */
export const JAM_CODES = { 'note-jam': 1187, 'coin-jam': 1751 } as const;
/** door-open: coin door 1130, note door 1131. */
export const DOOR_CODES = { coin: 1130, note: 1131 } as const;
export const POWER_OFF_CODE = 1075;
/** "Please remove the stacker": the stacker is full. */
export const STACKER_FULL_CODE = 1120;

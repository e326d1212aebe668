/**
 * Device error codes the simulated machine reports in `#?#` (protocol.md §8), and the detail
 * line of `#?#<codes>#<relativePaths>#`: `code|type|title|main message|additional message|video|image`
 * (type 0 = warning, 1 = user-recoverable, 2 = technical, 3 = fatal: S-HIT/S-CH, [INF]).
 */

export { JAM_CODES, DOOR_CODES, POWER_OFF_CODE, STACKER_FULL_CODE } from '../faults/device-codes.js';
/** "Change could not be returned / not enough coins". */
export const CHANGE_SHORT_CODE = 1110;
/** "Preventive maintenance required": the note counter of `#W#0#` reached 0. */
export const MAINTENANCE_DUE_CODE = 1315;

interface ErrorInfo {
  type: 0 | 1 | 2 | 3;
  title: string;
  main: string;
  additional: string;
}

const CATALOGUE: Record<number, ErrorInfo> = {
  1002: { type: 0, title: 'Possible accounting mismatch', main: 'The counted cash may not match the accounting', additional: 'Check the cash with a status report' },
  1014: { type: 0, title: 'Coin accounting mismatch', main: 'The coin count does not match the accounting', additional: 'Resolve the mismatch from the backoffice' },
  1075: { type: 3, title: 'Machine switched off', main: 'The cash machine does not answer', additional: 'Switch the machine on and initialise again' },
  1110: { type: 0, title: 'Change could not be returned', main: 'Not enough coins to give the change', additional: 'Pay the rest by hand and add change' },
  1120: { type: 1, title: 'Please remove the stacker', main: 'The note stacker is full', additional: 'Remove and empty the stacker' },
  1130: { type: 1, title: 'Coin door open', main: 'The coin door is open', additional: 'Close the coin door' },
  1131: { type: 1, title: 'Note door open', main: 'The note door is open', additional: 'Close the note door' },
  1168: { type: 0, title: 'Coin rejected', main: 'The coin is not programmed', additional: 'Use another coin' },
  1187: { type: 1, title: 'Note waiting', main: 'A note is stuck at the inlet', additional: 'Remove the note and clear the error' },
  1196: { type: 0, title: 'Maximum storage reached', main: 'A coin recycler reached its maximum', additional: 'Withdraw coins' },
  1313: { type: 0, title: 'Note recycler full', main: 'A note recycler is full', additional: 'Withdraw notes' },
  1315: { type: 0, title: 'Preventive maintenance required', main: 'Cleaning is due', additional: 'Clean the machine and record the maintenance' },
  1452: { type: 0, title: 'Dirty sensor', main: 'The stacker presence sensor is dirty', additional: 'Clean the sensor' },
  1556: { type: 0, title: 'Dirty sensor', main: 'The note return channel sensor is dirty', additional: 'Clean the sensor' },
  1565: { type: 0, title: 'Belt maintenance required', main: 'The note reader belts need maintenance', additional: 'Replace the belts and record the maintenance' },
  1751: { type: 2, title: 'Recycler motor control', main: 'A coin recycler is jammed', additional: 'Open the coin module and remove the stuck coin' },
};

/** Codes that only warn: cash operations go on (device-error faults with these codes do not block). */
export function isWarningCode(code: number): boolean {
  return CATALOGUE[code]?.type === 0;
}

export function errorDetail(code: number, relativePaths: boolean): string {
  const info = CATALOGUE[code] ?? { type: 2, title: `Device error ${code}`, main: `The device reported error ${code}`, additional: 'Contact technical support' };
  const base = relativePaths ? 'Media' : 'C:\\CashlogyConnector\\Media';
  const sep = relativePaths ? '/' : '\\';
  const clean = (text: string) => text.replace(/[#|]/g, ' ');
  return [code, info.type, clean(info.title), clean(info.main), clean(info.additional), `${base}${sep}Videos${sep}${code}.mp4`, `${base}${sep}Images${sep}${code}.png`].join('|');
}

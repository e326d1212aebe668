/**
 * What each reply status means, in the words of docs/protocol.md §3 (the manual's section
 * 6.2), for reasons that quote the connector's answer.
 */
export const STATUS_MEANINGS: Readonly<Record<string, string>> = {
  '0': 'success',
  'WR:LEVEL': 'success with a level warning (some recycler is near empty or near full)',
  'WR:CANCEL': 'the operation was cancelled',
  'ER:GENERIC': 'generic failure (device communication, or a failed or partial dispense)',
  'ER:BUSY': 'the connector is busy with another operation',
  'ER:BAD_DATA': 'malformed or invalid parameters',
  'ER:ILLEGAL': 'command not allowed in the current state (e.g. before #I#)',
};

export function statusMeaning(status: string): string | undefined {
  return STATUS_MEANINGS[status];
}

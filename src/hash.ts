/** The sha256 of text (as UTF-8) or bytes, in hex: how every file, template and bundle entry is named by its content. */
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

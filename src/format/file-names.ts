/** File names made from user text (pure string work, shared by the reporters and the writers). */

/** A file-name-safe version of any text (item ids, POS names). */
export function safeFileName(text: string): string {
  const cleaned = text.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return cleaned.slice(0, 80) || 'unnamed';
}

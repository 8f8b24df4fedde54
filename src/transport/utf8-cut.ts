/**
 * Cutting decoded output at a byte count without splitting a character: output limits
 * are in bytes (what the host sent), while the text is held as JavaScript strings.
 */

/** A piece of text and its length in UTF-8 bytes. */
export interface Utf8Piece {
  readonly text: string;
  readonly bytes: number;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A UTF-8 continuation byte (10xxxxxx): not the first byte of a character. */
const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** The longest start of `text` of at most `max` bytes. */
export function leadingBytes(text: string, max: number): Utf8Piece {
  const bytes = utf8Bytes(text);
  if (bytes <= max) return { text, bytes };
  const buf = Buffer.from(text, 'utf8');
  let end = Math.max(0, max);
  while (end > 0 && isContinuation(buf[end])) end--;
  return { text: buf.subarray(0, end).toString('utf8'), bytes: end };
}

/** `text` without its first `count` bytes (a few more when `count` falls inside a character). */
export function withoutLeadingBytes(text: string, count: number): Utf8Piece {
  const buf = Buffer.from(text, 'utf8');
  let start = Math.min(buf.length, Math.max(0, count));
  while (start < buf.length && isContinuation(buf[start])) start++;
  return { text: buf.subarray(start).toString('utf8'), bytes: buf.length - start };
}

/**
 * Text from hosts (command output, error messages, a lock holder's details, task names
 * templated from registered output) is untrusted: written raw to a terminal, control
 * characters can clear the screen, retitle the window, move the cursor over earlier lines or
 * write the clipboard (OSC 52). The terminal outputs show them escaped instead; the JSON
 * output, the report and the journal keep them as they are (JSON escapes them itself).
 */

/**
 * C0 controls except tab and newline (so ESC, BEL and a lone carriage return), DEL, and the
 * C1 controls U+0080–U+009F (U+009B and U+009D start escape sequences on some terminals).
 * A CRLF line end is just a line end.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `\x1b]52;c;…\x07` for ESC ] 52 … BEL: visible, inert, and still readable. Newlines and tabs stay. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\r\n' ? '\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Every string in a plain value (an engine event) escaped with escapeControl; the value is not changed. */
export function escapeControlDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeControlDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeControlDeep(v)])) as T;
  }
  return value;
}

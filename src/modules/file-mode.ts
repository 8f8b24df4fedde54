/** File modes as Ansible accepts them, and as tpx shows them (`0644`). */

/**
 * Parses a mode: an octal string (`'0644'`, `'644'`, `'0o644'`) or a number taken as its value
 * (`0o644`, or `0644` read by a YAML 1.1 parser as 420), as Ansible does. Throws on anything else.
 */
export function parseMode(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0o7777) throw new Error(`mode ${value} is out of range (0 to 0o7777)`);
    return value;
  }
  if (typeof value === 'string') {
    const s = value.trim();
    const m = /^0?o?([0-7]{1,4})$/i.exec(s);
    if (m) return parseInt(m[1], 8);
    if (/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(s)) {
      throw new Error(`symbolic mode '${s}' is not supported; give an octal string such as '0644'`);
    }
    throw new Error(`'${s}' is not a file mode; give an octal string such as '0644'`);
  }
  throw new Error(`a mode must be an octal string such as '0644', not ${typeof value}`);
}

/** `0o644` → `'0644'`. */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

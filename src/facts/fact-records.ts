/**
 * The records FACTS_SCRIPT prints (facts-script.ts), read back: NUL-ended `<key>\n<payload>`.
 * The text comes from the host and is untrusted: it is bounded, split only on fixed bytes,
 * and its names land in objects without a prototype.
 */

/** Beyond this the output is cut at the last whole record: a host's facts are far smaller. */
export const MAX_FACTS_OUTPUT = 1024 * 1024;

/**
 * Beyond this a record is cut (the environment and the address list may be longer): the
 * parsers' patterns then never see more host text than this at once.
 */
const MAX_RECORD = 64 * 1024;
const LONG_RECORDS: ReadonlySet<string> = new Set(['env', 'ip_addr']);

/** The script's records by key. Interface records repeat, so each key maps to every payload in order. */
export type FactRecords = ReadonlyMap<string, readonly string[]>;

/** Splits the script's output into records; a record cut short by the size bound is dropped. */
export function splitRecords(stdout: string): FactRecords {
  let text = stdout;
  if (text.length > MAX_FACTS_OUTPUT) {
    text = text.slice(0, MAX_FACTS_OUTPUT);
    text = text.slice(0, text.lastIndexOf('\0') + 1);
  }
  const records = new Map<string, string[]>();
  const parts = text.split('\0');
  // What follows the last NUL is an unfinished record (the script was cut off): left out.
  parts.pop();
  for (const part of parts) {
    const newline = part.indexOf('\n');
    const key = newline < 0 ? part : part.slice(0, newline);
    if (!/^[a-z0-9_]{1,32}$/.test(key)) continue;
    const whole = newline < 0 ? '' : part.slice(newline + 1);
    const payload = LONG_RECORDS.has(key) ? whole : whole.slice(0, MAX_RECORD);
    const list = records.get(key);
    if (list) list.push(payload);
    else records.set(key, [payload]);
  }
  return records;
}

/** The first payload of a key, or undefined when the script did not print it. */
export function firstRecord(records: FactRecords, key: string): string | undefined {
  return records.get(key)?.[0];
}

/** An empty dictionary for names that come from the host: no prototype to reach through. */
export function newDict(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/**
 * Sets a host-named key, leaving out `__proto__`: on a dictionary from newDict it would be
 * harmless, but a consumer that copies with Object.assign would turn it into a prototype.
 */
export function setHostKey(dict: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') return;
  dict[key] = value;
}

/** `KEY=value` lines (os-release, lsb-release, the script's own `name=value` lists) → map; first wins. */
export function keyValueLines(text: string, separator = '='): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (!map.has(key)) map.set(key, line.slice(at + separator.length));
  }
  return map;
}

/** A decimal integer, or undefined for anything else (no floats, no hex, no exponent). */
export function toInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^-?\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}

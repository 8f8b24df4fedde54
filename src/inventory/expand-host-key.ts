/**
 * A key under `hosts:` may be a pattern, as in Ansible: `mesh-[01:12]` (numeric range,
 * zero-padded when the bounds are), `node-[a:f]` (letters), `web[1:9:2]` (with a step),
 * and an optional `:PORT` suffix (`mesh-01:2222`, `[fe80::1]:2222`) that sets `ansible_port`.
 */
export interface ExpandedHostKey {
  readonly names: readonly string[];
  readonly port?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** More names than this from one key is a typo, not a fleet. */
const MAX_EXPANDED = 100_000;

/** Expands one `hosts:` key; throws an Error with a user-facing message when a range is malformed. */
export function expandHostKey(key: string): ExpandedHostKey {
  const { pattern, port } = splitPort(key);
  const names = pattern.includes('[') ? expandRanges(pattern) : [pattern];
  return port === undefined ? { names } : { names, port };
}

function splitPort(key: string): { pattern: string; port?: number } {
  const bracketed = /^\[([0-9a-fA-F:.%]+)\]:(\d+)$/.exec(key);
  if (bracketed?.[1].includes(':')) return { pattern: bracketed[1], port: Number(bracketed[2]) };
  const m = /^(.+):(\d+)$/.exec(key);
  // The head must have no colon outside brackets, or it is an IPv6 address or a range.
  if (m && !stripBrackets(m[1]).includes(':')) return { pattern: m[1], port: Number(m[2]) };
  return { pattern: key };
}

function stripBrackets(text: string): string {
  return text.replace(/\[[^\]]*\]/g, '');
}

function expandRanges(pattern: string): string[] {
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new Error(`host range in "${pattern}" has no closing "]"`);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error(`host range in "${pattern}" must be [begin:end] or [begin:end:step]`);
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (end === '') throw new Error(`host range in "${pattern}" must specify an end value`);
  if (!Number.isInteger(step) || step < 1) throw new Error(`host range step in "${pattern}" must be a positive integer`);

  const items = rangeItems(pattern, beg, end, step);
  if (items.length > MAX_EXPANDED) throw new Error(`host range in "${pattern}" expands to more than ${MAX_EXPANDED} hosts`);
  const out: string[] = [];
  for (const item of items) {
    const name = head + item + tail;
    if (name.includes('[')) out.push(...expandRanges(name));
    else out.push(name);
    if (out.length > MAX_EXPANDED) throw new Error(`host range in "${pattern}" expands to more than ${MAX_EXPANDED} hosts`);
  }
  return out;
}

function rangeItems(pattern: string, beg: string, end: string, step: number): string[] {
  const iBeg = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new Error(`host range in "${pattern}" must have begin <= end`);
    const letters: string[] = [];
    for (let i = iBeg; i <= iEnd; i += step) letters.push(LETTERS[i]);
    return letters;
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new Error(`host range in "${pattern}" must use numbers or single letters`);
  const padded = beg.length > 1 && beg.startsWith('0');
  if (padded && beg.length !== end.length) throw new Error(`host range in "${pattern}" must give begin and end with the same number of digits`);
  const from = Number(beg);
  const to = Number(end);
  if ((to - from) / step > MAX_EXPANDED) throw new Error(`host range in "${pattern}" expands to more than ${MAX_EXPANDED} hosts`);
  const numbers: string[] = [];
  for (let i = from; i <= to; i += step) numbers.push(padded ? String(i).padStart(beg.length, '0') : String(i));
  return numbers;
}

/**
 * The Python methods that Ansible expressions call on values (`x.startswith('2.')`,
 * `d.get('k', 'v')`, `d.items()`, `','.join(xs)`), resolved by attribute lookup when
 * the value has no own attribute of that name.
 */
import { isMapping, pyEquals, pyStr } from './python-values.js';
import { TemplateValueError } from './value-error.js';

type Method = (self: never, ...args: unknown[]) => unknown;

function splitPy(self: string, sep?: unknown, maxsplit?: unknown): string[] {
  const max = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts = self
      .trim()
      .split(/\s+/)
      .filter((p) => p !== '');
    return max === Infinity || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(' ')];
  }
  const parts = self.split(String(sep));
  return max === Infinity || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(String(sep))];
}

function stripChars(self: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    return left && right ? self.trim() : left ? self.trimStart() : self.trimEnd();
  }
  const set = new Set(String(chars));
  let start = 0;
  let end = self.length;
  while (left && start < end && set.has(self[start])) start++;
  while (right && end > start && set.has(self[end - 1])) end--;
  return self.slice(start, end);
}

function formatPy(self: string, ...args: unknown[]): string {
  let auto = 0;
  return self.replace(/\{(\d*)\}/g, (_m, index: string) => pyStr(args[index === '' ? auto++ : Number(index)]));
}

const STRING_METHODS: Record<string, Method> = {
  startswith: (s: string, prefix: unknown) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => s.startsWith(String(p))),
  endswith: (s: string, suffix: unknown) => (Array.isArray(suffix) ? suffix : [suffix]).some((p) => s.endsWith(String(p))),
  split: (s: string, sep?: unknown, max?: unknown) => splitPy(s, sep, max),
  splitlines: (s: string) => s.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== ''),
  strip: (s: string, chars?: unknown) => stripChars(s, chars, true, true),
  lstrip: (s: string, chars?: unknown) => stripChars(s, chars, true, false),
  rstrip: (s: string, chars?: unknown) => stripChars(s, chars, false, true),
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  replace: (s: string, old: unknown, repl: unknown) => s.split(String(old)).join(String(repl)),
  join: (s: string, items: unknown) => (Array.isArray(items) ? items.map(pyStr).join(s) : ''),
  find: (s: string, sub: unknown) => s.indexOf(String(sub)),
  count: (s: string, sub: unknown) => s.split(String(sub)).length - 1,
  format: formatPy,
  isdigit: (s: string) => /^\d+$/.test(s),
};

const DICT_METHODS: Record<string, Method> = {
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d),
  items: (d: Record<string, unknown>) => Object.entries(d),
  get: (d: Record<string, unknown>, key: unknown, fallback: unknown = null) => (Object.hasOwn(d, String(key)) ? d[String(key)] : fallback),
};

const LIST_METHODS: Record<string, Method> = {
  index: (l: unknown[], item: unknown) => {
    const i = l.findIndex((v) => pyEquals(v, item));
    if (i < 0) throw new TemplateValueError(`${pyStr(item)} is not in list`);
    return i;
  },
  count: (l: unknown[], item: unknown) => l.filter((v) => pyEquals(v, item)).length,
};

/** A bound Python method of `obj` named `name`, or undefined when Python has none. */
export function findPythonMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table = typeof obj === 'string' ? STRING_METHODS : Array.isArray(obj) ? LIST_METHODS : isMapping(obj) ? DICT_METHODS : undefined;
  if (!table || !Object.hasOwn(table, name)) return undefined;
  const method = table[name];
  return (...args: unknown[]) => method(obj as never, ...args);
}

/**
 * Python's value semantics, which Jinja2 expressions in Ansible playbooks rely on and
 * JavaScript does not share: truthiness (`[]` and `{}` are false), equality (deep for
 * lists and dicts, `1 != "1"`), ordering (no comparing a string with a number), `str()`
 * of booleans and None, and `+`/`*` on lists and strings.
 */
import { TemplateValueError } from './value-error.js';
import { isUndefinedValue } from './undefined.js';

export type PyMapping = Record<string, unknown>;

/** A plain object used as a dict (not an array, not null). */
export function isMapping(value: unknown): value is PyMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUndefinedValue(value);
}

/** Python's name of a value's type, for messages and `type_debug`. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (isUndefinedValue(value)) return 'Undefined';
  return 'dict';
}

/** Python truthiness: None, false, 0, "", [] and {} are false. */
export function isTruthy(value: unknown): boolean {
  if (isUndefinedValue(value)) value.fail();
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python `==`: numbers and booleans by value, strings exactly, lists and dicts deeply. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (isUndefinedValue(a)) a.fail();
  if (isUndefinedValue(b)) b.fail();
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  if (isMapping(a)) {
    if (!isMapping(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** Python's ordering (`<` returns negative): numbers with numbers, strings with strings, lists element-wise. */
export function pyCompare(a: unknown, b: unknown, op: string): number {
  if (isUndefinedValue(a)) a.fail();
  if (isUndefinedValue(b)) b.fail();
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new TemplateValueError(`'${op}' not supported between ${describeType(a)} and ${describeType(b)} (${pyRepr(a)} ${op} ${pyRepr(b)})`);
}

function isNumeric(v: unknown): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** Python `str()` of a value: True/False, None, lists and dicts as Python literals. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python `repr()`: strings quoted (control characters as `\\x..`), True/False/None, `[1, 'a']`, `{'k': 'v'}`. */
export function pyRepr(value: unknown): string {
  if (isUndefinedValue(value)) value.fail();
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return quoteRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  // A YAML date (an inventory's `2024-01-31`), as Python's yaml loader makes it.
  if (value instanceof Date) return `datetime.date(${value.getUTCFullYear()}, ${value.getUTCMonth() + 1}, ${value.getUTCDate()})`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${quoteRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

function quoteRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python `+`: numbers add, strings and lists concatenate, other mixes are errors. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return Number(a) + Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  throw new TemplateValueError(
    `unsupported operand types for +: ${describeType(a)} and ${describeType(b)} (${pyRepr(a)} + ${pyRepr(b)}); use "~" to join text`,
  );
}

/** Python `*`: numbers multiply, a string or list times an int repeats. */
export function pyMul(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return Number(a) * Number(b);
  const [seq, n] = typeof b === 'number' ? [a, b] : [b, a];
  if (typeof n === 'number' && Number.isInteger(n)) {
    if (typeof seq === 'string') return seq.repeat(Math.max(0, n));
    if (Array.isArray(seq)) return Array.from({ length: Math.max(0, n) }, () => seq).flat();
  }
  throw new TemplateValueError(`unsupported operand types for *: ${describeType(a)} and ${describeType(b)}`);
}

/** Numeric operands for `-`, `/`, `//`, `%`, `**`; anything else is an error naming the operator. */
export function requireNumbers(op: string, a: unknown, b: unknown): [number, number] {
  if (isNumeric(a) && isNumeric(b)) return [Number(a), Number(b)];
  throw new TemplateValueError(`unsupported operand types for ${op}: ${describeType(a)} and ${describeType(b)}`);
}

/** Python `in`: an item of a list, a substring of a string, a key of a dict. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (isUndefinedValue(container)) container.fail();
  if (isUndefinedValue(item)) item.fail();
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateValueError(`'in <string>' requires a string on the left, not ${describeType(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((v) => pyEquals(v, item));
  if (isMapping(container)) return typeof item === 'string' && Object.hasOwn(container, item);
  throw new TemplateValueError(`argument of type ${describeType(container)} is not iterable (in "in")`);
}

/** Filters for defaults and type conversion: default, mandatory, int, float, bool, string, list, type_debug, ternary, abs, round. */
import { describeType, isMapping, isTruthy, pyStr } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { isUndefinedValue, requireDefined } from '../undefined.js';
import { TemplateValueError } from '../value-error.js';
import type { FilterFunction } from './filter-types.js';

/** Jinja2's default: replaces an undefined value, and with `true` as second argument any falsy one. */
const defaultFilter: FilterFunction = (value, ...args) => {
  const { positional, keywords } = splitArguments(args);
  const [fallback = keywords.default_value ?? '', boolean = keywords.boolean ?? false] = positional;
  if (isUndefinedValue(value)) return fallback;
  if (isTruthy(boolean) && !isTruthy(value)) return fallback;
  return value;
};

function toInt(value: unknown, ...args: unknown[]): number {
  const { positional, keywords } = splitArguments(args);
  const [fallback = keywords.default ?? 0, base = keywords.base ?? 10] = positional;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : Number(fallback);
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    const b = Number(base);
    const prefixed =
      b === 16 ? text.replace(/^([+-]?)0x/i, '$1') : b === 8 ? text.replace(/^([+-]?)0o/i, '$1') : b === 2 ? text.replace(/^([+-]?)0b/i, '$1') : text;
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
    if (new RegExp(`^[+-]?[${digits}]+$`, 'i').test(prefixed)) return parseInt(prefixed, b);
    const asFloat = toFloatOrNull(text);
    if (asFloat !== null && Number.isFinite(asFloat)) return Math.trunc(asFloat);
  }
  return Number(fallback);
}

function toFloatOrNull(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf|infinity|nan)\s*$/i.test(value)) {
    const t = value.trim().toLowerCase();
    if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  }
  return null;
}

function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new TemplateValueError(`list: ${describeType(value)} is not iterable`);
}

/** Python's round with a method: "common" (half to even, as Python 3), "ceil" or "floor". */
function roundNumber(value: unknown, ...args: unknown[]): number {
  const { positional, keywords } = splitArguments(args);
  const [precision = keywords.precision ?? 0, method = keywords.method ?? 'common'] = positional;
  const factor = 10 ** Number(precision);
  const x = Number(value) * factor;
  if (method === 'ceil') return Math.ceil(x) / factor;
  if (method === 'floor') return Math.floor(x) / factor;
  if (method !== 'common') throw new TemplateValueError('round: method must be "common", "ceil" or "floor"');
  const floor = Math.floor(x);
  const diff = x - floor;
  const rounded = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return rounded / factor;
}

/** The filters of this file by name. */
export const defaultsAndTypesFilters: Record<string, FilterFunction> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: (value, msg) => {
    if (isUndefinedValue(value)) throw new TemplateValueError(msg ? String(msg) : `mandatory variable "${value.name}" not defined`);
    return value;
  },
  int: toInt,
  float: (value, fallback = 0) => toFloatOrNull(value) ?? Number(fallback),
  // Ansible's bool filter: None stays None; true only for true, 1, and "yes"/"on"/"1"/"true" in any case.
  bool: (value) =>
    value === null ? null : typeof value === 'string' ? ['yes', 'on', '1', 'true'].includes(value.trim().toLowerCase()) : value === true || value === 1,
  string: (value) => pyStr(requireDefined(value)),
  list: toList,
  type_debug: (value) => describeType(value),
  ternary: (value, whenTrue, whenFalse, whenNone) => {
    if (value === null && whenNone !== undefined) return whenNone;
    return isTruthy(value) ? whenTrue : whenFalse;
  },
  abs: (value) => Math.abs(Number(value)),
  round: roundNumber,
};

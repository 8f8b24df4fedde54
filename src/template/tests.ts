/**
 * Jinja2 and Ansible tests (`x is NAME(args)`). Each returns a real boolean (the compiled
 * code checks `=== true`). Only `defined`/`undefined` look at an undefined value; type
 * tests say false for it; every other test fails on it like Ansible's StrictUndefined.
 */
import { pyCompare, pyContains, pyEquals, isMapping, isTruthy } from './python-values.js';
import { compilePythonRegex } from './python-regex.js';
import { isUndefinedValue, requireDefined } from './undefined.js';
import { testVersion } from './version-compare.js';
import { TemplateValueError } from './value-error.js';

export type TestFunction = (value: unknown, ...args: unknown[]) => boolean;

const isKeywords = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.hasOwn(v, '__keywords');

/** Positional arguments and keyword arguments (`name=value`) of a call. */
export function splitArguments(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (!isKeywords(last)) return { positional: args, keywords: {} };
  const { __keywords: _ignored, ...keywords } = last;
  return { positional: args.slice(0, -1), keywords };
}

function requireResult(name: string, value: unknown): Record<string, unknown> {
  if (!isMapping(value)) throw new TemplateValueError(`the "${name}" test expects a registered result (a dict)`);
  return value;
}

function resultFlag(key: 'failed' | 'changed' | 'skipped', value: Record<string, unknown>): boolean {
  if (isTruthy(value[key] ?? false)) return true;
  const results = value.results;
  return key !== 'skipped' && Array.isArray(results) && results.some((r) => isMapping(r) && isTruthy(r[key] ?? false));
}

function testRegex(value: unknown, pattern: unknown, opts: { ignorecase?: unknown; multiline?: unknown; match_type?: unknown }): boolean {
  const re = compilePythonRegex(String(pattern), {
    ignorecase: isTruthy(opts.ignorecase ?? false),
    multiline: isTruthy(opts.multiline ?? false),
    sticky: opts.match_type === 'match',
  });
  const text = String(value);
  if (opts.match_type === 'fullmatch') return compilePythonRegex(`(?:${String(pattern)})$`, { sticky: true }).test(text);
  return re.test(text);
}

function regexTest(matchType: string): TestFunction {
  return (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [pattern, ignorecase = keywords.ignorecase, multiline = keywords.multiline, type = keywords.match_type ?? matchType] = positional;
    return testRegex(value, pattern, { ignorecase, multiline, match_type: type });
  };
}

const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';

const subset = (a: unknown, b: unknown): boolean => Array.isArray(a) && a.every((item) => pyContains(b, item));

/** Tests that see an undefined value as it is. */
const UNDEFINED_AWARE: Record<string, TestFunction> = {
  defined: (v) => !isUndefinedValue(v),
  undefined: (v) => isUndefinedValue(v),
};

/** Type tests: false for an undefined value. */
const TYPE_TESTS: Record<string, TestFunction> = {
  none: (v) => v === null,
  string: (v) => typeof v === 'string',
  number: isNumber,
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  bool: (v) => typeof v === 'boolean',
  mapping: (v) => isMapping(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
};

/** Every other test: the value must be defined. */
const VALUE_TESTS: Record<string, TestFunction> = {
  version: (v, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [other, operator = keywords.operator ?? 'eq'] = positional;
    return testVersion(v, requireDefined(other, 'version'), String(operator));
  },
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  in: (v, seq) => pyContains(seq, v),
  contains: (seq, v) => pyContains(seq, v),
  subset: (a, b) => subset(a, b),
  superset: (a, b) => subset(b, a),
  truthy: (v, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const convert = positional[0] ?? keywords.convert_bool ?? false;
    return isTruthy(convert ? convertBool(v) : v);
  },
  falsy: (v, ...args) => !VALUE_TESTS.truthy(v, ...args),
  odd: (v) => Number(v) % 2 !== 0,
  even: (v) => Number(v) % 2 === 0,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  all: (v) => Array.isArray(v) && v.every(isTruthy),
  any: (v) => Array.isArray(v) && v.some(isTruthy),
  success: (v) => !resultFlag('failed', requireResult('success', v)),
  succeeded: (v) => !resultFlag('failed', requireResult('succeeded', v)),
  failure: (v) => resultFlag('failed', requireResult('failure', v)),
  failed: (v) => resultFlag('failed', requireResult('failed', v)),
  changed: (v) => resultFlag('changed', requireResult('changed', v)),
  change: (v) => resultFlag('changed', requireResult('change', v)),
  skipped: (v) => resultFlag('skipped', requireResult('skipped', v)),
  skip: (v) => resultFlag('skipped', requireResult('skip', v)),
  equalto: (a, b) => pyEquals(a, b),
  eq: (a, b) => pyEquals(a, b),
  ne: (a, b) => !pyEquals(a, b),
  lt: (a, b) => pyCompare(a, b, '<') < 0,
  le: (a, b) => pyCompare(a, b, '<=') <= 0,
  gt: (a, b) => pyCompare(a, b, '>') > 0,
  ge: (a, b) => pyCompare(a, b, '>=') >= 0,
  sameas: (a, b) => a === b,
};

/** Ansible's `bool` conversion: "yes", "on", "1", "true" (any case) and 1 are true. */
export function convertBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(value.trim().toLowerCase());
  return false;
}

/** Every test by name, wrapped for the undefined policy and to return real booleans. */
export function buildTests(): Record<string, TestFunction> {
  const tests: Record<string, TestFunction> = {};
  for (const [name, fn] of Object.entries(UNDEFINED_AWARE)) tests[name] = fn;
  for (const [name, fn] of Object.entries(TYPE_TESTS)) tests[name] = (v, ...args) => !isUndefinedValue(v) && fn(v, ...args) === true;
  for (const [name, fn] of Object.entries(VALUE_TESTS)) {
    tests[name] = (v, ...args) => {
      requireDefined(v);
      for (const arg of args) requireDefined(arg);
      return fn(v, ...args) === true;
    };
  }
  tests.version_compare = tests.version;
  return tests;
}

/**
 * The functions that compiled templates call (as `env.tpx.*`, emitted by compiler.ts)
 * in place of nunjucks' JavaScript operators: variable and attribute lookup with the
 * Undefined marker, Python truthiness, comparisons, `in`, arithmetic and text output.
 */
import { findPythonMethod } from './python-methods.js';
import { isMapping, isTruthy, pyAdd, pyCompare, pyContains, pyEquals, pyMul, pyStr, requireNumbers } from './python-values.js';
import { pySlice } from './slice.js';
import { UndefinedValue, isUndefinedValue } from './undefined.js';
import { TemplateValueError } from './value-error.js';

interface FrameLike {
  lookup(name: string): unknown;
}
interface ContextLike {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

const hasOwn = (obj: object, key: string): boolean => Object.hasOwn(obj, key);

/**
 * The key under which a render passes its variables. nunjucks copies the top level of the
 * render context on every render; nesting the variables one level down keeps that copy to
 * one key, so a large (or lazily rendered) variable set is read only where it is used.
 */
export const VARS_KEY = '\u0000tpx-vars';

/** A variable: a loop or `set` local, then the render's variables, then the globals. */
function lookup(context: ContextLike, frame: FrameLike, name: string): unknown {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  const vars = (context.ctx[VARS_KEY] as Record<string, unknown> | undefined) ?? context.ctx;
  if (hasOwn(vars, name)) {
    const value = vars[name];
    if (value !== undefined) return value;
  }
  const globals = context.env.globals;
  if (hasOwn(globals, name)) return globals[name];
  return new UndefinedValue(name);
}

/** `obj.key` / `obj[key]`: own keys and list indexes (negative too), then Python methods. */
function member(obj: unknown, key: unknown, name: string): unknown {
  if (isUndefinedValue(obj)) return obj;
  if (obj === null || obj === undefined) return new UndefinedValue(name, `None has no attribute "${String(key)}"`);
  if ((Array.isArray(obj) || typeof obj === 'string') && typeof key === 'number') {
    const index = key < 0 ? obj.length + key : key;
    if (Number.isInteger(index) && index >= 0 && index < obj.length) return obj[index];
    return new UndefinedValue(name, `index ${key} out of range`);
  }
  const k = String(key);
  if (isMapping(obj) && hasOwn(obj, k) && obj[k] !== undefined) return obj[k];
  const method = findPythonMethod(obj, k);
  if (method) return method;
  const kind = isMapping(obj) ? 'dict' : Array.isArray(obj) ? 'list' : typeof obj;
  return new UndefinedValue(name, `${kind} has no attribute "${k}"`);
}

/** The value, or an UndefinedAccess error when it is the Undefined marker. */
function strict(value: unknown): unknown {
  if (isUndefinedValue(value)) value.fail();
  return value;
}

/** Python `a < b < c` chains: `compare(a, '<', b, '<', c)`. */
function compare(first: unknown, ...rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const op = rest[i] as string;
    const right = rest[i + 1];
    if (!compareOnce(left, op, right)) return false;
    left = right;
  }
  return true;
}

function compareOnce(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(a, b);
    case '!=':
    case '!==':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b, op) < 0;
    case '<=':
      return pyCompare(a, b, op) <= 0;
    case '>':
      return pyCompare(a, b, op) > 0;
    case '>=':
      return pyCompare(a, b, op) >= 0;
    default:
      throw new TemplateValueError(`unknown comparison "${op}"`);
  }
}

/** Binary arithmetic with Python's rules. */
function arith(op: string, a: unknown, b: unknown): unknown {
  if (op === '+') return pyAdd(a, b);
  if (op === '*') return pyMul(a, b);
  const [x, y] = requireNumbers(op, a, b);
  if ((op === '/' || op === '//' || op === '%') && y === 0) throw new TemplateValueError('division by zero');
  switch (op) {
    case '-':
      return x - y;
    case '/':
      return x / y;
    case '//':
      return Math.floor(x / y);
    case '%':
      return ((x % y) + y) % y;
    case '**':
      return x ** y;
    default:
      throw new TemplateValueError(`unknown operator "${op}"`);
  }
}

/** Unary minus and plus. */
function unary(op: string, a: unknown): number {
  if (typeof a !== 'number' && typeof a !== 'boolean') throw new TemplateValueError(`bad operand type for unary ${op}: ${pyStr(a)}`);
  return op === '-' ? -Number(a) : Number(a);
}

/** Text of a value in mixed output, like Ansible: None is empty, True, lists as Python literals. */
function text(value: unknown): string {
  if (isUndefinedValue(value)) value.fail();
  if (value === null || value === undefined) return '';
  return pyStr(value);
}

/** The runtime object installed on the nunjucks environment as `env.tpx`. */
export const templateRuntime = {
  lookup,
  member,
  slice: pySlice,
  strict,
  truthy: isTruthy,
  and: (a: unknown, b: () => unknown): unknown => (isTruthy(a) ? b() : a),
  or: (a: unknown, b: () => unknown): unknown => (isTruthy(a) ? a : b()),
  compare,
  contains: (container: unknown, item: unknown): boolean => pyContains(container, item),
  arith,
  unary,
  concat: (a: unknown, b: unknown): string => pyStr(strict(a)) + pyStr(strict(b)),
  text,
};

export type TemplateRuntime = typeof templateRuntime;

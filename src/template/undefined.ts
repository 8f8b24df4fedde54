/**
 * Ansible's strict undefined, on nunjucks. A lookup of a missing variable, attribute or
 * index yields an UndefinedValue marker instead of JavaScript's `undefined`. The
 * compiler (compiler.ts) lets the marker reach only three places: the left side of a
 * test (`x is defined`), the input of the `default` filter, and the object of a further
 * lookup (`x.y.z`, which stays undefined). Everywhere else it passes `requireDefined`,
 * which throws UndefinedAccess, so an undefined value can never be output, compared,
 * iterated or computed with. The marker also throws if JavaScript tries to turn it into
 * a primitive, as a second line of defence.
 */

/** Thrown while rendering when an undefined value is used; render.ts adds host and task. */
export class UndefinedAccess extends Error {
  readonly variable: string;
  readonly detail?: string;

  constructor(variable: string, detail?: string) {
    super(`undefined variable "${variable}"` + (detail ? ` (${detail})` : ''));
    this.name = 'UndefinedAccess';
    this.variable = variable;
    this.detail = detail;
  }
}

/** The value of a missing variable or attribute; `name` is its source text (`x`, `x.y`). */
export class UndefinedValue {
  readonly name: string;
  /** Why it is missing when the base exists, e.g. `"dict" has no attribute "y"`. */
  readonly detail?: string;

  constructor(name: string, detail?: string) {
    this.name = name;
    this.detail = detail;
  }

  /** Throws the error this value stands for. */
  fail(): never {
    throw new UndefinedAccess(this.name, this.detail);
  }

  [Symbol.toPrimitive](): never {
    return this.fail();
  }

  toJSON(): never {
    return this.fail();
  }

  // biome-ignore lint/correctness/useYield: iterating an undefined value fails before yielding anything.
  *[Symbol.iterator](): Iterator<never> {
    this.fail();
  }
}

/** True for the marker of an undefined value. */
export function isUndefinedValue(value: unknown): value is UndefinedValue {
  return value instanceof UndefinedValue;
}

/** Returns `value`, or throws UndefinedAccess when it is undefined (the marker or JS undefined). */
export function requireDefined<T>(value: T, name = 'value'): Exclude<T, UndefinedValue> {
  if (value instanceof UndefinedValue) value.fail();
  if (value === undefined) throw new UndefinedAccess(name);
  return value as Exclude<T, UndefinedValue>;
}

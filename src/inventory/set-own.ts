/**
 * Sets `key` as an own property even when it is `__proto__`: variable names come from
 * user files, and a plain assignment of `__proto__` would change the object's prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `Object.assign` with setOwn semantics. */
export function assignOwn(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const [k, v] of Object.entries(source)) setOwn(target, k, v);
}

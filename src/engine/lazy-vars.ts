import { TemplateRenderError, UndefinedVariableError } from '../template/errors.js';
import { UndefinedAccess, UndefinedValue } from '../template/undefined.js';

/** One variable: its value and whether it is still a template to render when used. */
export interface VarEntry {
  readonly value: unknown;
  /** false for values that are final (registered results, facts, magic variables, loop items). */
  readonly template: boolean;
}

/** Renders one raw value against the variable view it belongs to. */
export type RenderVar = (value: unknown, vars: Record<string, unknown>) => unknown;

/**
 * A read-only view of variables that renders each one the first time it is read, as
 * Ansible does: `a: "{{ b }}"` becomes b's value when `a` is used, not when it is defined.
 *
 * A variable that cannot be rendered (it refers to an undefined one, or back to itself) reads
 * as the template layer's Undefined marker naming the cause, so it fails only where it is
 * used — `undefined variable "b" (needed by "a")` — and `a is defined` is false. That also keeps
 * the view safe to copy whole (nunjucks copies a render's variables). Values are cached for
 * the life of the view; failures too when they do not depend on a variable being rendered.
 */
export function createLazyVars(entries: ReadonlyMap<string, VarEntry>, render: RenderVar): Record<string, unknown> {
  const cache = new Map<string, unknown>();
  const rendering: string[] = [];

  const read = (name: string): unknown => {
    const entry = entries.get(name);
    if (entry === undefined) return undefined;
    if (!entry.template || !mayContainTemplate(entry.value)) return entry.value;
    if (cache.has(name)) return cache.get(name);
    if (rendering.includes(name)) {
      const chain = [...rendering.slice(rendering.indexOf(name)), name].join(' -> ');
      return new UndefinedValue(name, `recursive loop in variables: ${chain}`);
    }
    const topLevel = rendering.length === 0;
    rendering.push(name);
    try {
      const value = render(entry.value, view);
      cache.set(name, value);
      return value;
    } catch (error) {
      const marker = markerFor(name, error);
      if (topLevel) cache.set(name, marker);
      return marker;
    } finally {
      rendering.pop();
    }
  };

  const view: Record<string, unknown> = new Proxy(Object.create(null) as Record<string, unknown>, {
    has: (_t, key) => typeof key === 'string' && entries.has(key),
    get: (_t, key) => (typeof key === 'string' ? read(key) : undefined),
    ownKeys: () => [...entries.keys()],
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && entries.has(key) ? { configurable: true, enumerable: true, writable: false, value: read(key) } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  return view;
}

/** The Undefined marker a failed variable reads as: it names the real cause when it is an undefined variable. */
function markerFor(name: string, error: unknown): UndefinedValue {
  if (error instanceof UndefinedVariableError) {
    const parts = [accessDetail(error), error.variable !== name ? `needed by "${name}"` : undefined].filter((p) => p !== undefined);
    return new UndefinedValue(error.variable, parts.length > 0 ? parts.join('; ') : undefined);
  }
  const reason = error instanceof TemplateRenderError ? error.reason : error instanceof Error ? error.message : String(error);
  return new UndefinedValue(name, `cannot be rendered: ${reason}`);
}

/** The detail of the UndefinedAccess behind an UndefinedVariableError (why the value is missing). */
function accessDetail(error: Error): string | undefined {
  let inner: unknown = error;
  for (let depth = 0; inner instanceof Error && depth < 10; depth++, inner = inner.cause) {
    if (inner instanceof UndefinedAccess) return inner.detail;
  }
  return undefined;
}

/** Cheap pre-check: only strings with `{{`/`{%` (or containers holding one) need rendering. */
export function mayContainTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(mayContainTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(mayContainTemplate);
  return false;
}

/** True for the marker of a variable that could not be rendered. */
export function isUnrenderable(value: unknown): value is UndefinedValue {
  return value instanceof UndefinedValue;
}

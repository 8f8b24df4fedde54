import type { Task } from './types.js';
import { WITH_LOOPS, withLoopKey } from '../template/with-loops.js';

/** Small conversions from YAML's shapes to the typed playbook's (run after schema validation). */

/** A condition as YAML allows it (string, boolean, list of them) → list of expressions. */
export function toConditions(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.map(String);
}

/** `a, b` or [a, b] → ['a', 'b']. */
export function toTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** A string or a list of strings → list. */
export function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * A numeric keyword: a number goes to its typed field; a template string is kept aside
 * in `templated` for the engine to render.
 */
export function splitNumeric(value: unknown, keyword: string, templated: Record<string, string>): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') templated[keyword] = value;
  return undefined;
}

/** A boolean keyword: a template string is kept aside in `templated` (the engine renders it) and reads false until then. */
export function splitBoolean(value: unknown, keyword: string, templated: Record<string, string>): boolean {
  if (typeof value === 'string') templated[keyword] = value;
  return value === true;
}

/** A keyword written as a template string: kept aside in `templated` for the engine; no value until then. */
export function templateOnly(value: string, keyword: string, templated: Record<string, string>): undefined {
  templated[keyword] = value;
  return undefined;
}

/** Removes keys whose value is undefined, so frozen objects only hold what was written. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** `loop:`, or one of Ansible's `with_*:` forms, with its kind. */
export function loopOf(raw: Readonly<Record<string, unknown>>): Pick<Task, 'loop' | 'loopKind'> {
  for (const kind of WITH_LOOPS) {
    const key = withLoopKey(kind);
    if (key in raw) return { loop: raw[key], loopKind: kind };
  }
  return { loop: raw.loop };
}

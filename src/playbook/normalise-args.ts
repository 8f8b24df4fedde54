import { MODULE_PARAMS } from '../modules/params/all-params.js';

const FREE_FORM = new Set(MODULE_PARAMS.filter((m) => m.freeForm).map((m) => m.name));

/** Ansible's key for a module's free-form line; the modules split inline `key=value` options out of it. */
export const RAW_PARAMS = '_raw_params';

/**
 * A module's arguments as one mapping: the free form (`command: ls -l`) becomes
 * `{ _raw_params: 'ls -l' }`, an empty value becomes `{}`, and the task's `args:` keyword
 * is merged under the module's own arguments.
 */
export function normaliseArgs(module: string, value: unknown, extra: unknown): Record<string, unknown> {
  const base = extra !== null && typeof extra === 'object' && !Array.isArray(extra) ? { ...(extra as Record<string, unknown>) } : {};
  if (value === null || value === undefined) return base;
  if (typeof value === 'string' && FREE_FORM.has(module)) return { ...base, [RAW_PARAMS]: value };
  if (typeof value === 'object' && !Array.isArray(value)) return { ...base, ...(value as Record<string, unknown>) };
  return base;
}

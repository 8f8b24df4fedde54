import { MODULE_PREFIXES } from '../modules/params/all-params.js';

/**
 * Ansible's include and import actions tpx resolves while loading: they bring in other
 * files (task lists, roles) rather than running a module. Also written `ansible.builtin.X`.
 */
export const INCLUDE_ACTIONS = ['import_tasks', 'include_tasks', 'import_role', 'include_role'] as const;
export type IncludeAction = (typeof INCLUDE_ACTIONS)[number];

/** Every key a task may use for an include action, with its prefixed spellings. */
export const INCLUDE_ACTION_KEYS: ReadonlyMap<string, IncludeAction> = new Map(
  INCLUDE_ACTIONS.flatMap((action) => [[action, action] as const, ...MODULE_PREFIXES.map((prefix) => [prefix + action, action] as const)]),
);

/** The include action a task mapping uses, with the key it is written under. */
export function findIncludeAction(task: Readonly<Record<string, unknown>>): { key: string; action: IncludeAction } | undefined {
  for (const key of Object.keys(task)) {
    const action = INCLUDE_ACTION_KEYS.get(key);
    if (action) return { key, action };
  }
  return undefined;
}

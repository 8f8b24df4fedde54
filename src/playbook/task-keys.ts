import { MODULE_PARAMS, resolveModuleName } from '../modules/params/all-params.js';
import { SHARED_KEYWORDS, TASK_KEYWORDS } from '../schema/playbook-schema.js';

/** Names of the keys a task or block may have, and which of them hold expressions. */

export const MODULE_NAMES: readonly string[] = MODULE_PARAMS.map((m) => m.name);
export const TASK_KEYWORD_NAMES: ReadonlySet<string> = new Set([...Object.keys(TASK_KEYWORDS), 'listen']);
export const BLOCK_KEYWORD_NAMES: ReadonlySet<string> = new Set([...Object.keys(SHARED_KEYWORDS), 'block', 'rescue', 'always']);

/** Task keywords whose values are bare expressions (a string, a boolean, or a list of them). */
export const EXPRESSION_KEYWORDS: ReadonlySet<string> = new Set(['when', 'until', 'changed_when', 'failed_when']);

/** Module parameters that are bare expressions, by module. */
export const EXPRESSION_PARAMS: Readonly<Record<string, ReadonlySet<string>>> = {
  assert: new Set(['that']),
  debug: new Set(['var']),
};

/** The keys of a task mapping that name a module, in file order (`ansible.builtin.x` included). */
export function findModuleKeys(task: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(task).filter((k) => resolveModuleName(k) !== undefined);
}

/** Keys that are neither keywords nor modules (the schema reports them; other checks stay quiet). */
export function hasUnknownKeys(task: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(task).some((k) => !TASK_KEYWORD_NAMES.has(k) && resolveModuleName(k) === undefined);
}

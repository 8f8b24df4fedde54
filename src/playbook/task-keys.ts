import { MODULE_PARAMS, resolveModuleName } from '../modules/params/all-params.js';
import { INCLUDE_ACTION_KEYS } from '../schema/include-actions.js';
import { SHARED_KEYWORDS, TASK_KEYWORDS } from '../schema/playbook-schema.js';

/** Names of the keys a task or block may have, and which of them hold expressions. */

export const MODULE_NAMES: readonly string[] = MODULE_PARAMS.map((m) => m.name);
export const TASK_KEYWORD_NAMES: ReadonlySet<string> = new Set([...Object.keys(TASK_KEYWORDS), 'listen']);
/** The task lists of a play, in the order they run, then its handlers. */
export const PLAY_TASK_LISTS = ['pre_tasks', 'tasks', 'post_tasks', 'handlers'] as const;
/** The task lists of a block. */
export const BLOCK_TASK_LISTS = ['block', 'rescue', 'always'] as const;
export const BLOCK_KEYWORD_NAMES: ReadonlySet<string> = new Set([...Object.keys(SHARED_KEYWORDS), ...BLOCK_TASK_LISTS]);

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

/** Keys that are neither keywords, include actions nor modules (the schema reports them; other checks stay quiet). */
export function hasUnknownKeys(task: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(task).some((k) => !TASK_KEYWORD_NAMES.has(k) && !INCLUDE_ACTION_KEYS.has(k) && resolveModuleName(k) === undefined);
}

type RawNode = Readonly<Record<string, unknown>>;
const isRawNode = (v: unknown): v is RawNode => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Calls `visit` for every task (not block) of a parsed playbook, as written, with its path:
 * the play lists in order (pre_tasks, tasks, post_tasks, handlers), blocks entered
 * (block, rescue, always). Nodes that are not mappings are passed over (the schema reports them).
 */
export function forEachRawTask(playbook: unknown, visit: (task: RawNode, path: (string | number)[]) => void): void {
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (!isRawNode(node)) return;
    if (!('block' in node)) return visit(node, path);
    for (const list of BLOCK_TASK_LISTS) {
      const nodes = node[list];
      if (Array.isArray(nodes)) nodes.forEach((child, i) => walk(child, [...path, list, i]));
    }
  };
  if (!Array.isArray(playbook)) return;
  playbook.forEach((play: unknown, p) => {
    if (!isRawNode(play)) return;
    for (const list of PLAY_TASK_LISTS) {
      const nodes = play[list];
      if (Array.isArray(nodes)) nodes.forEach((t, i) => walk(t, [p, list, i]));
    }
  });
}

import type { Task } from '../playbook/types.js';
import { renderValue } from '../template/render.js';
import { withLoopItems } from '../template/with-loops.js';
import { varsFor, type TaskEnv } from './task-env.js';

/** `loop:` as a list (its items templated) or a template that renders to one; a `with_*` loop's items from its value. */
export function resolveLoopItems(env: TaskEnv): unknown[] {
  const value = renderValue(env.task.loop, { vars: varsFor(env), host: env.host.name, task: env.name });
  if (env.task.loopKind) return withLoopItems(env.task.loopKind, value);
  if (!Array.isArray(value)) {
    throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The variables of item `i`: the loop variable, `ansible_loop_var` and `ansible_loop`. */
export function loopItemVars(task: Task, items: readonly unknown[], i: number): Record<string, unknown> {
  return { [task.loopVar]: items[i], ansible_loop_var: task.loopVar, ansible_loop: loopInfo(items, i) };
}

/** Ansible's `ansible_loop` (loop_control.extended). */
function loopInfo(items: readonly unknown[], i: number): Record<string, unknown> {
  const n = items.length;
  return {
    index: i + 1,
    index0: i,
    revindex: n - i,
    revindex0: n - i - 1,
    first: i === 0,
    last: i === n - 1,
    length: n,
    allitems: items,
    ...(i > 0 ? { previtem: items[i - 1] } : {}),
    ...(i < n - 1 ? { nextitem: items[i + 1] } : {}),
  };
}

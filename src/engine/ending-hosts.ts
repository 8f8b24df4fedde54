import type { Task } from '../playbook/types.js';
import type { BatchContext } from './run-context.js';
import { enterScope, type Scope } from './scope.js';
import { whenHolds } from './task-conditions.js';

/**
 * The hosts a `meta: end_host` (or end_batch, end_play) applies to: those whose `when` holds
 * (every host without one). They end the play here: no later task, `rescue`, `always` or
 * handler of the play runs on them, and they count as done, as in Ansible.
 */
export function endingHosts(batch: BatchContext, task: Task, outer: Scope, hosts: readonly string[]): string[] {
  const run = batch.playCtx.run;
  const scope = enterScope(outer, task);
  if (scope.when.length === 0) return [...hosts];
  return hosts.filter((name) =>
    whenHolds({ run, batch, host: run.hosts.get(name)!, task, scope, check: scope.checkMode ?? run.options.check, name: task.name ?? 'meta' }),
  );
}

import type { Block, Task, TaskNode } from '../playbook/types.js';
import { evaluateConditions } from '../template/render.js';
import { isStopped, type BatchContext } from './run-context.js';
import { metaAction } from '../modules/meta.js';
import { flushHandlers } from './flush-handlers.js';
import { runTaskOnHosts } from './run-task.js';
import { enterScope, withRescuable, type Scope } from './scope.js';
import { walkInclude } from './walk-include.js';
import { varsFor, type TaskEnv } from './task-env.js';
import { emptyWalkOutcome, type WalkOutcome } from './walk-outcome.js';

export type { WalkOutcome };

/**
 * Runs task nodes in order on a set of hosts: each task on every host still in, before the
 * next task (the linear strategy; the free strategy calls this with one host). A host that
 * fails drops out of the rest of the list. A block runs its tasks, then `rescue` on the hosts
 * that failed in it (which clears the failure), then `always` on every host that entered it.
 */
export async function walkNodes(batch: BatchContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  let active = [...hosts];
  const drop = (gone: Iterable<string>, into: Set<string>): void => {
    const set = new Set(gone);
    if (set.size === 0) return;
    for (const h of set) into.add(h);
    active = active.filter((h) => !set.has(h));
  };

  for (const node of nodes) {
    if (active.length === 0) break;
    if (isStopped(batch)) {
      drop(active, out.cut);
      break;
    }
    if (batch.ended) {
      // end_batch / end_play on one host (the free strategy walks hosts apart): the others end too.
      drop(active, out.ended);
      break;
    }
    if (node.kind === 'task' && node.module === 'meta') {
      // Carried out by the engine, with no result of its own (Ansible counts none).
      const action = metaAction(node.args);
      if (action === 'flush_handlers') {
        const res = await flushHandlers(batch, active);
        drop(res.unreachable, out.unreachable);
        drop(res.failed, out.failed);
        drop(res.cut, out.cut);
      } else if (action === 'end_host') drop(endingHosts(batch, node, scope, active), out.ended);
      else if ((action === 'end_batch' || action === 'end_play') && endingHosts(batch, node, scope, active.slice(0, 1)).length > 0) {
        // Decided on the first host alone, as Ansible does; every host still in ends.
        batch.ended = action === 'end_play' ? 'play' : 'batch';
        drop(active, out.ended);
      }
    } else if (node.kind === 'task') {
      const res = await runTaskOnHosts(batch, node, scope, active);
      drop(res.unreachable, out.unreachable);
      drop(res.failed, out.failed);
      drop(res.notStarted, out.cut);
    } else {
      const res = node.include
        ? await walkInclude(batch, { ...node, include: node.include }, active, scope, walkNodes)
        : await walkBlock(batch, node, active, scope);
      drop(res.unreachable, out.unreachable);
      drop(res.failed, out.failed);
      drop(res.cut, out.cut);
      drop(res.ended, out.ended);
    }
  }
  return out;
}

/**
 * The hosts a `meta: end_host` (or end_batch, end_play) applies to: those whose `when` holds
 * (every host without one). They end the play here: no later task, `rescue`, `always` or
 * handler of the play runs on them, and they count as done, as in Ansible.
 */
function endingHosts(batch: BatchContext, task: Task, outer: Scope, hosts: readonly string[]): string[] {
  const run = batch.playCtx.run;
  const scope = enterScope(outer, task);
  if (scope.when.length === 0) return [...hosts];
  return hosts.filter((name) => {
    const env: TaskEnv = { run, batch, host: run.hosts.get(name)!, task, scope, check: scope.checkMode ?? run.options.check, name: task.name ?? 'meta' };
    return evaluateConditions(scope.when, { vars: varsFor(env), host: name, task: env.name });
  });
}

async function walkBlock(batch: BatchContext, block: Block, hosts: readonly string[], outer: Scope): Promise<WalkOutcome> {
  const scope = enterScope(outer, block);
  const hasRescue = block.rescue.length > 0;
  const main = await walkNodes(batch, block.block, hosts, withRescuable(scope, hasRescue || outer.rescuable));

  let failed = main.failed;
  const cut = new Set(main.cut);
  const unreachable = new Set(main.unreachable);
  const ended = new Set(main.ended);
  if (hasRescue && failed.size > 0) {
    const rescue = await walkNodes(batch, block.rescue, [...failed], withRescuable(scope, outer.rescuable));
    failed = rescue.failed;
    for (const h of rescue.unreachable) unreachable.add(h);
    for (const h of rescue.cut) cut.add(h);
    for (const h of rescue.ended) ended.add(h);
  }
  if (block.always.length > 0) {
    const entered = hosts.filter((h) => !unreachable.has(h) && !cut.has(h) && !ended.has(h));
    const always = await walkNodes(batch, block.always, entered, withRescuable(scope, outer.rescuable));
    failed = new Set([...failed, ...always.failed]);
    for (const h of always.unreachable) unreachable.add(h);
    for (const h of always.cut) cut.add(h);
    for (const h of always.ended) ended.add(h);
  }
  for (const h of unreachable) failed.delete(h);
  for (const h of cut) failed.delete(h);
  return { failed, unreachable, cut, ended };
}

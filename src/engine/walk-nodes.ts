import type { Block, TaskNode } from '../playbook/types.js';
import { isStopped, type BatchContext } from './run-context.js';
import { metaAction } from '../modules/meta.js';
import { flushHandlers } from './flush-handlers.js';
import { runTaskOnHosts } from './run-task.js';
import { enterScope, withRescuable, type Scope } from './scope.js';
import { walkInclude } from './walk-include.js';
import type { WalkOutcome } from './walk-outcome.js';

export type { WalkOutcome };

/**
 * Runs task nodes in order on a set of hosts: each task on every host still in, before the
 * next task (the linear strategy; the free strategy calls this with one host). A host that
 * fails drops out of the rest of the list. A block runs its tasks, then `rescue` on the hosts
 * that failed in it (which clears the failure), then `always` on every host that entered it.
 */
export async function walkNodes(batch: BatchContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope): Promise<WalkOutcome> {
  const out: WalkOutcome = { failed: new Set(), unreachable: new Set(), cut: new Set() };
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
    if (node.kind === 'task' && node.module === 'meta') {
      // Carried out by the engine, with no result of its own (Ansible counts none).
      if (metaAction(node.args) === 'flush_handlers') {
        const res = await flushHandlers(batch, active);
        drop(res.unreachable, out.unreachable);
        drop(res.failed, out.failed);
        drop(res.cut, out.cut);
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
    }
  }
  return out;
}

async function walkBlock(batch: BatchContext, block: Block, hosts: readonly string[], outer: Scope): Promise<WalkOutcome> {
  const scope = enterScope(outer, block);
  const hasRescue = block.rescue.length > 0;
  const main = await walkNodes(batch, block.block, hosts, withRescuable(scope, hasRescue || outer.rescuable));

  let failed = main.failed;
  const cut = new Set(main.cut);
  const unreachable = new Set(main.unreachable);
  if (hasRescue && failed.size > 0) {
    const rescue = await walkNodes(batch, block.rescue, [...failed], withRescuable(scope, outer.rescuable));
    failed = rescue.failed;
    for (const h of rescue.unreachable) unreachable.add(h);
    for (const h of rescue.cut) cut.add(h);
  }
  if (block.always.length > 0) {
    const entered = hosts.filter((h) => !unreachable.has(h) && !cut.has(h));
    const always = await walkNodes(batch, block.always, entered, withRescuable(scope, outer.rescuable));
    failed = new Set([...failed, ...always.failed]);
    for (const h of always.unreachable) unreachable.add(h);
    for (const h of always.cut) cut.add(h);
  }
  for (const h of unreachable) failed.delete(h);
  for (const h of cut) failed.delete(h);
  return { failed, unreachable, cut };
}

import { flushHandlers } from './flush-handlers.js';
import type { BatchContext } from './run-context.js';
import { createPlayScope } from './scope.js';
import { walkNodes } from './walk-nodes.js';

/**
 * Ansible's `linear`: each task runs on every host of the batch before the next one starts;
 * a host that fails drops out. Handlers run once all tasks are done.
 */
export async function runLinearStrategy(batch: BatchContext, hosts: readonly string[]): Promise<void> {
  const play = batch.playCtx.play;
  const tasks = await walkNodes(batch, play.tasks, hosts, createPlayScope(play));
  const survivors = hosts.filter((h) => !tasks.failed.has(h) && !tasks.unreachable.has(h) && !tasks.cut.has(h));
  const handlers = await flushHandlers(batch, survivors);
  for (const h of survivors) {
    if (!handlers.failed.has(h) && !handlers.unreachable.has(h) && !handlers.cut.has(h)) batch.completed.add(h);
  }
}

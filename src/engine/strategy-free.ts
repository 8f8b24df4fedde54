import { flushHandlers } from './flush-handlers.js';
import type { BatchContext } from './run-context.js';
import { createPlayScope } from './scope.js';
import { walkNodes } from './walk-nodes.js';

/**
 * Ansible's `free`: every host goes through the tasks at its own pace, not waiting for the
 * others; its handlers run when it is done. The forks limit still applies.
 */
export async function runFreeStrategy(batch: BatchContext, hosts: readonly string[]): Promise<void> {
  const play = batch.playCtx.play;
  const scope = createPlayScope(play);
  await Promise.all(
    hosts.map(async (host) => {
      const tasks = await walkNodes(batch, play.tasks, [host], scope);
      if (tasks.failed.size > 0 || tasks.unreachable.size > 0 || tasks.cut.size > 0) return;
      const handlers = await flushHandlers(batch, [host]);
      if (handlers.failed.size === 0 && handlers.unreachable.size === 0 && handlers.cut.size === 0) batch.completed.add(host);
    }),
  );
}

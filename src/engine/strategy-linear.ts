import type { BatchContext } from './run-context.js';
import { runPlaySections } from './run-sections.js';
import { createPlayScope } from './scope.js';

/**
 * Ansible's `linear`: each task runs on every host of the batch before the next one starts;
 * a host that fails drops out. Handlers run after each section (pre_tasks, tasks, post_tasks).
 */
export async function runLinearStrategy(batch: BatchContext, hosts: readonly string[]): Promise<void> {
  for (const h of await runPlaySections(batch, hosts, createPlayScope(batch.playCtx.play))) batch.completed.add(h);
}

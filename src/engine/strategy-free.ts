import type { BatchContext } from './run-context.js';
import { runPlaySections } from './run-sections.js';
import { createPlayScope } from './scope.js';

/**
 * Ansible's `free`: every host goes through the tasks at its own pace, not waiting for the
 * others; its handlers run when it is done with each section. The forks limit still applies.
 */
export async function runFreeStrategy(batch: BatchContext, hosts: readonly string[]): Promise<void> {
  const scope = createPlayScope(batch.playCtx.play);
  await Promise.all(
    hosts.map(async (host) => {
      for (const h of await runPlaySections(batch, [host], scope)) batch.completed.add(h);
    }),
  );
}

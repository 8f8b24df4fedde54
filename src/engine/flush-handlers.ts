import { isStopped, type BatchContext } from './run-context.js';
import { runTaskOnHosts } from './run-task.js';
import { createPlayScope } from './scope.js';
import { emptyWalkOutcome, leftOut, type WalkOutcome } from './walk-outcome.js';

/**
 * Runs the notified handlers at the end of a batch's tasks, in the order the play defines
 * them, each on the hosts that notified it (and are still in), once. A handler may notify a
 * later one.
 */
export async function flushHandlers(batch: BatchContext, hosts: readonly string[]): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  const { run, play } = batch.playCtx;
  let active = [...hosts];
  const scope = createPlayScope(play);
  for (const handler of play.handlers) {
    const targets = active.filter((h) => run.hosts.get(h)!.notified.has(handler));
    if (targets.length === 0) continue;
    if (isStopped(batch)) {
      for (const h of active) out.cut.add(h);
      break;
    }
    for (const h of targets) run.hosts.get(h)!.notified.delete(handler);
    const res = await runTaskOnHosts(batch, handler, scope, targets, true);
    for (const h of res.failed) out.failed.add(h);
    for (const h of res.unreachable) out.unreachable.add(h);
    for (const h of res.notStarted) out.cut.add(h);
    active = active.filter((h) => !leftOut(out, h));
  }
  return out;
}

import type { Task } from '../playbook/types.js';
import type { BatchContext } from './run-context.js';
import type { Scope } from './scope.js';

/**
 * After a task: halt the rollout when the play says so, as Ansible does.
 * - any_errors_fatal (or a failed run_once task): a host failed for good or became unreachable;
 * - max_fail_percentage: the hosts of the batch that failed for good exceed the percentage
 *   (unreachable hosts do not count, as in Ansible, unless the play's `tpx_unreachable_fails`).
 * Failures a `rescue` will handle do not count.
 */
export function checkFailureBudget(
  batch: BatchContext,
  task: Task,
  scope: Scope,
  outcome: { readonly failed: readonly string[]; readonly unreachable: readonly string[] },
): void {
  // An interrupted run stops for that reason; its stopped tasks do not spend the budget.
  if (batch.halt || batch.playCtx.run.interrupted()) return;
  const play = batch.playCtx.play;
  const name = task.name ?? task.module;
  const finalFailed = outcome.failed.filter((h) => batch.failed.has(h));
  const fatal = play.anyErrorsFatal || (scope.runOnce === true && scope.ignoreErrors !== true);
  if (fatal && (finalFailed.length > 0 || outcome.unreachable.length > 0)) {
    const what = [...finalFailed.map((h) => `failed on ${h}`), ...outcome.unreachable.map((h) => `${h} unreachable`)];
    const why = play.anyErrorsFatal ? 'any_errors_fatal' : 'run_once task failed';
    batch.halt = { play: play.name, batch: batch.number, reason: `${why}: task "${name}" ${what.slice(0, 5).join(', ')}${what.length > 5 ? ', …' : ''}` };
    return;
  }
  const max = play.maxFailPercentage;
  // With tpx_unreachable_fails, a host that could not be reached spends the budget too.
  const run = batch.playCtx.run;
  const down = play.unreachableFails ? batch.hosts.filter((h) => batch.failed.has(h) || run.hosts.get(h)?.unreachable === true) : [...batch.failed];
  if (max !== undefined && down.length > 0) {
    const pct = (down.length / batch.hosts.length) * 100;
    if (pct > max) {
      const what = play.unreachableFails ? 'failed or were unreachable' : 'failed';
      batch.halt = {
        play: play.name,
        batch: batch.number,
        reason: `max_fail_percentage ${max}% exceeded: ${down.length} of ${batch.hosts.length} hosts ${what} (${round(pct)}%), last at task "${name}"`,
      };
    }
  }
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

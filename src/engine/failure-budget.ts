import type { Task } from '../playbook/types.js';
import type { BatchContext } from './run-context.js';
import type { Scope } from './scope.js';

/**
 * After a task: halt the rollout when the play says so, as Ansible does.
 * - any_errors_fatal (or a failed run_once task): a host failed for good or became unreachable;
 * - max_fail_percentage: the hosts of the batch that failed for good exceed the percentage
 *   (unreachable hosts do not count, as in Ansible).
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
  if (max !== undefined && batch.failed.size > 0) {
    const pct = (batch.failed.size / batch.hosts.length) * 100;
    if (pct > max) {
      batch.halt = {
        play: play.name,
        batch: batch.number,
        reason: `max_fail_percentage ${max}% exceeded: ${batch.failed.size} of ${batch.hosts.length} hosts failed (${round(pct)}%), last at task "${name}"`,
      };
    }
  }
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

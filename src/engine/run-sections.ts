import { playSections } from '../playbook/types.js';
import { flushHandlers } from './flush-handlers.js';
import type { BatchContext } from './run-context.js';
import type { Scope } from './scope.js';
import { walkNodes, type WalkOutcome } from './walk-nodes.js';
import { leftOut } from './walk-outcome.js';

/**
 * Runs a play's `pre_tasks`, `tasks` and `post_tasks` on hosts, each section followed by the
 * handlers it notified, as Ansible's implicit flush points do. A host that fails (or becomes
 * unreachable, or is cut off) in a section or its handlers goes no further. Returns the hosts
 * that got through every section.
 */
export async function runPlaySections(batch: BatchContext, hosts: readonly string[], scope: Scope): Promise<string[]> {
  let active = [...hosts];
  // Hosts that ended the play on purpose (meta: end_host) got through it too.
  const ended: string[] = [];
  const keep = (outcome: WalkOutcome): void => {
    ended.push(...active.filter((h) => outcome.ended.has(h)));
    active = active.filter((h) => !leftOut(outcome, h));
  };
  for (const section of playSections(batch.playCtx.play)) {
    if (active.length === 0) break;
    keep(await walkNodes(batch, section, active, scope));
    keep(await flushHandlers(batch, active));
  }
  return hosts.filter((h) => active.includes(h) || ended.includes(h));
}

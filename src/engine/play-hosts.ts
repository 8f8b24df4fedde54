import { selectHosts } from '../inventory/patterns.js';
import type { Play } from '../playbook/types.js';
import type { RunContext } from './run-context.js';

/**
 * The hosts a play runs on, in inventory order: its `hosts` pattern, narrowed by `-l` and
 * `--retry-failed`, without the hosts that failed or became unreachable in earlier plays.
 */
export function selectPlayHosts(run: RunContext, play: Play): string[] {
  let hosts = selectHosts(run.options.inventory, play.hosts);
  if (run.options.limit !== undefined && run.options.limit !== '') {
    const limit = new Set(selectHosts(run.options.inventory, run.options.limit));
    hosts = hosts.filter((h) => limit.has(h));
  }
  if (run.options.onlyHosts) {
    const only = new Set(run.options.onlyHosts);
    hosts = hosts.filter((h) => only.has(h));
  }
  return hosts.filter((h) => run.hosts.get(h)?.alive ?? false);
}

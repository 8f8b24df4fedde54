import { selectHosts } from '../inventory/patterns.js';
import type { Play } from '../playbook/types.js';
import { implicitLocalhost, isImplicitLocalhost } from '../inventory/implicit-localhost.js';
import { HostRuntime } from './host-runtime.js';
import type { RunContext } from './run-context.js';

/** The implicit localhost joins the run's hosts when a play names it. */
function addImplicitHost(run: RunContext, name: string): void {
  (run.hosts as Map<string, HostRuntime>).set(name, new HostRuntime(implicitLocalhost(name)));
}

/**
 * The hosts a play runs on, in inventory order (in `--retry-failed`'s order when it is given):
 * its `hosts` pattern, narrowed by `-l` and `--retry-failed`, without the hosts that failed
 * or became unreachable in earlier plays.
 */
export function selectPlayHosts(run: RunContext, play: Play): string[] {
  let hosts = selectHosts(run.options.inventory, play.hosts);
  if (run.options.limit !== undefined && run.options.limit !== '') {
    const limit = new Set(selectHosts(run.options.inventory, run.options.limit));
    hosts = hosts.filter((h) => limit.has(h));
  }
  if (run.options.onlyHosts) {
    const selected = new Set(hosts);
    hosts = run.options.onlyHosts.filter((h) => selected.has(h));
  }
  for (const h of hosts) if (!run.hosts.has(h) && isImplicitLocalhost(run.options.inventory.hosts, h)) addImplicitHost(run, h);
  return hosts.filter((h) => run.hosts.get(h)?.alive ?? false);
}

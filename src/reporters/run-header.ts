import type { EngineEvent } from '../engine/events.js';

/**
 * The first lines of a run's output, plain and terminal alike: the playbook, how many hosts,
 * check mode, the run id, and where the journal goes (what `--retry-failed` reads).
 */
export function formatRunHeader(e: Extract<EngineEvent, { type: 'run-start' }>, journal?: string): string[] {
  const hosts = `${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}`;
  const first = `tpx run ${e.playbook}: ${hosts}${e.check ? ' (check mode: nothing will be changed)' : ''}`;
  return [first, ...(journal ? [`journal: ${journal}`] : [])];
}

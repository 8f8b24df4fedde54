import { ExitCode } from '../errors/tpx-error.js';
import type { HostRuntime } from './host-runtime.js';
import type { HostStats, HostStatus, TaskResult } from './results.js';
import type { HaltInfo, RunOutcome } from './run-options.js';

/** Sums up a run: per-host stats, statuses and results, and the exit code (the README's table, ansible-playbook's codes). */
export function buildRunOutcome(
  hosts: readonly HostRuntime[],
  state: { readonly interrupted: boolean; readonly halted: HaltInfo | null; readonly notReached: readonly string[] },
): RunOutcome {
  const stats: Record<string, HostStats> = {};
  const hostStatus: Record<string, HostStatus> = {};
  const results: Record<string, TaskResult[]> = {};
  for (const h of hosts) {
    stats[h.name] = { ...h.stats };
    hostStatus[h.name] = h.status ?? 'skipped';
    results[h.name] = [...h.results];
  }
  // Left out by a halt or an interrupt (a host that failed or was unreachable says so itself):
  // "not reached" only when nothing ran on it; a host that did work was stopped early.
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const pending = [...new Set(state.notReached)].filter((n) => byName.get(n)?.alive !== false);
  const didWork = (n: string): boolean => (byName.get(n)?.results.length ?? 0) > 0;
  const notReached = pending.filter((n) => !didWork(n));
  const stoppedEarly = pending.filter(didWork);
  return { stats, hostStatus, results, interrupted: state.interrupted, halted: state.halted, notReached, stoppedEarly, exitCode: exitCodeOf(hosts, state) };
}

/** 99 interrupted; 2 a host failed (or the rollout halted); 3 only unreachable hosts; 0 otherwise. */
export function exitCodeOf(hosts: readonly HostRuntime[], state: { readonly interrupted: boolean; readonly halted: HaltInfo | null }): number {
  if (state.interrupted) return ExitCode.interrupted;
  if (hosts.some((h) => h.failed || h.stats.failed > 0)) return ExitCode.hostsFailed;
  if (hosts.some((h) => h.unreachable)) return ExitCode.hostsUnreachable;
  if (state.halted) return ExitCode.hostsFailed;
  return ExitCode.ok;
}

/** What a task did on a host: every host × task yields this same shape, success or not. */

/** Task states, worst last for hosts: skipped < ok < changed < rescued? (see hostStatus) */
export type TaskStatus =
  /** Ran and changed nothing. */
  | 'ok'
  /** Ran and changed something on the host. */
  | 'changed'
  /** Failed (and was not ignored). */
  | 'failed'
  /** `when` was false, a tag filter excluded it, or check mode skips it. */
  | 'skipped'
  /** The host could not be reached or its connection broke. */
  | 'unreachable'
  /** Failed inside a block whose `rescue` then succeeded. */
  | 'rescued';

export interface TaskResult {
  readonly play: string;
  readonly task: string;
  readonly host: string;
  /** The module that ran, by its short name (`debug`, `command`, …). */
  readonly module?: string;
  readonly status: TaskStatus;
  readonly changed: boolean;
  readonly failed: boolean;
  readonly skipped: boolean;
  readonly ignored?: boolean;
  readonly rc?: number | null;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly msg?: string;
  readonly diff?: string;
  /** Per-item results of a loop. */
  readonly results?: readonly Record<string, unknown>[];
  readonly durationMs: number;
  /** Output hidden by `no_log`. */
  readonly censored?: boolean;
}

/** Per-host counters of the recap table and the report. */
export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  rescued: number;
  ignored: number;
}

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

const rank: Record<HostStatus, number> = { skipped: 0, ok: 1, changed: 2, failed: 3, unreachable: 4 };

/** The worst of a host's task statuses: unreachable > failed > changed > ok > skipped (schemas/report.schema.json, hosts.*.status). */
export function worstStatus(a: HostStatus, b: HostStatus): HostStatus {
  return rank[a] >= rank[b] ? a : b;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 };
}

/** How one task result weighs on its host's status: a rescued or ignored failure does not fail the host. */
export function taskHostStatus(result: TaskResult): HostStatus {
  switch (result.status) {
    case 'rescued':
      return 'ok';
    case 'failed':
      if (!result.ignored) return 'failed';
      return result.changed ? 'changed' : 'ok';
    default:
      return result.status;
  }
}

/**
 * Counts a result the way Ansible's recap (and the engine) does: a changed task is also ok;
 * an ignored failure is ok and `ignored` (and changed if it changed something).
 */
export function countResult(stats: HostStats, result: TaskResult): void {
  switch (result.status) {
    case 'ok':
      stats.ok++;
      break;
    case 'changed':
      stats.ok++;
      stats.changed++;
      break;
    case 'failed':
      if (result.ignored) {
        stats.ok++;
        stats.ignored++;
        if (result.changed) stats.changed++;
      } else stats.failed++;
      break;
    case 'skipped':
      stats.skipped++;
      break;
    case 'unreachable':
      stats.unreachable++;
      break;
    case 'rescued':
      stats.rescued++;
      break;
  }
}

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

import type { HostStats, TaskResult, TaskStatus } from '../engine/results.js';
import { secretMasker, type SecretMasker } from '../errors/mask-secrets.js';
import { FileReporter, type SharedRunRecord } from './file-reporter.js';
import type { ReportHostStatus, RunRecord } from './run-record.js';

/** Text that stands in for the output of a `no_log` task. */
export const CENSORED_MSG = 'the output has been hidden due to no_log: true';

/** One host × task line of the report (schemas/report.schema.json). */
export interface ReportTask {
  readonly play: string;
  readonly task: string;
  readonly status: TaskStatus;
  readonly rc: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly msg: string;
  readonly duration_ms: number;
  readonly ignored: boolean;
  readonly censored: boolean;
}

/** The `--report FILE.json` document, as schemas/report.schema.json describes it. */
export interface RunReport {
  readonly playbook: string;
  /** The run's `tpx_run_id` (absent when the run never started). */
  readonly run_id?: string;
  readonly started: string | null;
  readonly finished: string;
  readonly check: boolean;
  readonly interrupted: boolean;
  readonly halted: { readonly play: string; readonly batch: number; readonly reason: string } | null;
  readonly stats: Record<string, HostStats>;
  readonly hosts: Record<string, ReportHost>;
}

/** One host in the report: its status, its tasks, and whether a halt or interrupt stopped it early. */
export interface ReportHost {
  readonly status: ReportHostStatus;
  readonly tasks: readonly ReportTask[];
  /** Present (true) when the run stopped before this host got through its plays, after some of its tasks ran. */
  readonly stopped_early?: true;
}

/** A task result as the report and JUnit show it: `no_log` output replaced, never missing fields. */
export function toReportTask(r: TaskResult): ReportTask {
  const censored = r.censored === true;
  return {
    play: r.play,
    task: r.task,
    status: r.status,
    rc: r.rc ?? null,
    stdout: censored ? '' : (r.stdout ?? ''),
    stderr: censored ? '' : (r.stderr ?? ''),
    msg: censored ? CENSORED_MSG : (r.msg ?? ''),
    duration_ms: Math.round(r.durationMs),
    ignored: r.ignored === true,
    censored,
  };
}

/**
 * Builds the report from what was recorded. A run that ended without `run-end` counts as
 * interrupted; `finished` is then the time of the call. Every string is masked.
 */
export function buildReport(record: RunRecord, masker: SecretMasker = secretMasker, now: Date = new Date()): RunReport {
  const stats: Record<string, HostStats> = {};
  const hosts: Record<string, ReportHost> = {};
  for (const h of record.hosts()) {
    stats[h.name] = { ...h.stats };
    const tasks = h.tasks.map(toReportTask);
    if (h.unreachable && !tasks.some((t) => t.status === 'unreachable')) {
      tasks.push({
        play: h.unreachable.play,
        task: 'connect',
        status: 'unreachable',
        rc: null,
        stdout: '',
        stderr: '',
        msg: `${h.unreachable.kind}: ${h.unreachable.msg}`,
        duration_ms: 0,
        ignored: false,
        censored: false,
      });
    }
    hosts[h.name] = { status: record.hostStatus(h.name), tasks, ...(record.stoppedEarly.includes(h.name) ? { stopped_early: true as const } : {}) };
  }
  return masker.maskDeep({
    playbook: record.playbook,
    ...(record.runId !== null ? { run_id: record.runId } : {}),
    started: record.started,
    finished: record.finished ?? now.toISOString(),
    check: record.check,
    interrupted: record.interrupted || !record.ended,
    halted: record.halted,
    stats,
    hosts,
  });
}

/** `--report FILE.json`: the report, written at the end and when interrupted (see FileReporter). */
export function createReportFileReporter(path: string, masker: SecretMasker = secretMasker, shared?: SharedRunRecord): FileReporter {
  return new FileReporter(path, (record) => JSON.stringify(buildReport(record, masker), null, 2) + '\n', shared);
}

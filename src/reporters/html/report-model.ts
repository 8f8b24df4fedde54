import type { HostStats } from '../../engine/results.js';
import { secretMasker, type SecretMasker } from '../../errors/mask-secrets.js';
import { tailLines } from '../format.js';
import { toReportTask } from '../report-file.js';
import type { HostRecord, ReportHostStatus, RunRecord } from '../run-record.js';
import { buildTimeline, type TimelineModel } from './timeline-model.js';

/** How the run ended, as the header shows it. */
export interface OutcomeView {
  readonly kind: 'ok' | 'failed' | 'unreachable' | 'halted' | 'interrupted';
  /** One line: what happened. */
  readonly title: string;
  /** Why, when the run halted or was interrupted. */
  readonly why: string | null;
}

/** One line of the plan table. */
export interface PlanRow {
  readonly host: string;
  readonly status: ReportHostStatus;
  readonly stoppedEarly: boolean;
  /** The message of the host's `plan` task (playbooks/upgrade.yaml), when it has one. */
  readonly plan: string | null;
  readonly stats: HostStats;
}

/** A failed or unreachable task, with the end of its output. */
export interface FailureView {
  readonly host: string;
  readonly play: string;
  readonly task: string;
  readonly status: 'failed' | 'unreachable';
  readonly rc: number | null;
  readonly msg: string;
  readonly durationMs: number;
  readonly stdout: OutputTail;
  readonly stderr: OutputTail;
}

/** The last lines of a kept output. */
export interface OutputTail {
  readonly lines: readonly string[];
  /** How many lines there were in all. */
  readonly total: number;
}

/** Everything the HTML report shows, every string already masked. */
export interface HtmlReportModel {
  readonly playbook: string;
  readonly runId: string | null;
  readonly started: string | null;
  readonly finished: string;
  readonly durationMs: number | null;
  readonly check: boolean;
  readonly outcome: OutcomeView;
  readonly hosts: readonly PlanRow[];
  readonly timeline: TimelineModel;
  readonly failures: readonly FailureView[];
  readonly warnings: readonly string[];
}

/** The name of the `debug` task whose message is a host's plan line (playbooks/upgrade.yaml's `plan`). */
export const PLAN_TASK = 'plan';

/** Lines of stdout and stderr kept for each failure. */
export const TAIL_LINES = 40;

/**
 * What the HTML report shows of a run, from what was recorded. A run without `run-end` is
 * interrupted and ends now. Every string is masked with `masker`; escaping is the renderer's.
 */
export function buildHtmlModel(record: RunRecord, masker: SecretMasker = secretMasker, now: Date = new Date()): HtmlReportModel {
  const finished = record.finished ?? now.toISOString();
  const startMs = record.started === null ? Number.NaN : Date.parse(record.started);
  const endMs = Date.parse(finished);
  const hosts = record.hosts().map((h) => planRow(record, h));
  const model: HtmlReportModel = {
    playbook: record.playbook,
    runId: record.runId,
    started: record.started,
    finished,
    durationMs: Number.isFinite(startMs) && Number.isFinite(endMs) ? Math.max(0, endMs - startMs) : null,
    check: record.check,
    outcome: outcomeOf(record, hosts),
    hosts,
    timeline: buildTimeline(record, endMs),
    failures: record.hosts().flatMap(failuresOf),
    warnings: record.warnings.map((w) => `${w.host ? `[${w.host}] ` : ''}${w.task ? `${w.task}: ` : ''}${w.msg}`),
  };
  return masker.maskDeep(model);
}

function planRow(record: RunRecord, h: HostRecord): PlanRow {
  const plan = h.tasks
    .filter((r) => r.task === PLAN_TASK && (r.module === undefined || r.module === 'debug'))
    .map(toReportTask)
    .filter((t) => !t.censored && t.status !== 'skipped' && t.msg !== '')
    .pop();
  return {
    host: h.name,
    status: record.hostStatus(h.name),
    stoppedEarly: record.stoppedEarly.includes(h.name),
    plan: plan?.msg ?? null,
    stats: { ...h.stats },
  };
}

function outcomeOf(record: RunRecord, hosts: readonly PlanRow[]): OutcomeView {
  const count = (status: ReportHostStatus): number => hosts.filter((h) => h.status === status).length;
  const failed = count('failed');
  const unreachable = count('unreachable');
  const troubles = [failed > 0 ? `${failed} failed` : '', unreachable > 0 ? `${unreachable} unreachable` : ''].filter(Boolean).join(', ');
  if (record.interrupted || !record.ended) {
    const why = record.interruptSignal ? `stopped by ${record.interruptSignal}; results are partial` : 'the run did not finish; results are partial';
    return { kind: 'interrupted', title: 'interrupted', why };
  }
  if (record.halted) {
    const { play, batch, reason } = record.halted;
    const left = count('not-reached');
    const parts = [troubles, left > 0 ? `${left} not reached` : ''].filter(Boolean).join(', ');
    return { kind: 'halted', title: `halted at batch ${batch} of play "${play}"${parts ? `: ${parts}` : ''}`, why: reason };
  }
  if (failed > 0) return { kind: 'failed', title: `${troubles} of ${hosts.length} hosts`, why: null };
  if (unreachable > 0) return { kind: 'unreachable', title: `${troubles} of ${hosts.length} hosts`, why: null };
  const changed = count('changed');
  const verb = record.check ? 'would change' : 'changed';
  return { kind: 'ok', title: `every host ok: ${changed} of ${hosts.length} ${verb}`, why: null };
}

function tail(text: string): OutputTail {
  const lines = tailLines(text, Number.MAX_SAFE_INTEGER);
  return { lines: lines.slice(-TAIL_LINES), total: lines.length };
}

function failuresOf(h: HostRecord): FailureView[] {
  const out: FailureView[] = [];
  if (h.unreachable && !h.tasks.some((t) => t.status === 'unreachable')) {
    const empty = { lines: [], total: 0 };
    const msg = `${h.unreachable.kind}: ${h.unreachable.msg}`;
    out.push({ host: h.name, play: h.unreachable.play, task: 'connect', status: 'unreachable', rc: null, msg, durationMs: 0, stdout: empty, stderr: empty });
  }
  for (const t of h.tasks.map(toReportTask)) {
    if (t.status !== 'unreachable' && !(t.status === 'failed' && !t.ignored)) continue;
    out.push({
      host: h.name,
      play: t.play,
      task: t.task,
      status: t.status,
      rc: t.rc,
      msg: t.msg,
      durationMs: t.duration_ms,
      stdout: tail(t.stdout),
      stderr: tail(t.stderr),
    });
  }
  return out;
}

import type { RunRecord, TaskSpan } from '../run-record.js';
import { barStatus, type BarStatus } from './status-colors.js';

/** One task on one host: where it sits on the run's time axis (ms since the run started). */
export interface TimelineBar {
  readonly task: string;
  readonly status: BarStatus;
  readonly startMs: number;
  readonly durationMs: number;
}

/** One host in one batch. */
export interface TimelineRow {
  readonly host: string;
  readonly bars: readonly TimelineBar[];
  /** Shown in place of bars: `not reached`, `unreachable (timeout)`, … */
  readonly note: string | null;
  /** The run stopped this host after these tasks (a halt or an interrupt). */
  readonly stoppedEarly: boolean;
}

/** The rows of one serial batch of a play (or of a play, when no batch was announced). */
export interface TimelineGroup {
  readonly play: string;
  readonly batch: number | null;
  readonly batches: number | null;
  readonly rows: readonly TimelineRow[];
  /** Hosts the rollout never got to: the rows of the last group, after a halt or an interrupt. */
  readonly notReached?: true;
}

/** A line across the timeline: where the rollout halted, or was interrupted. */
export interface TimelineMark {
  readonly atMs: number;
  readonly label: string;
}

/** The timeline of a run: batches of host rows on one time axis, from 0 to `endMs`. */
export interface TimelineModel {
  readonly endMs: number;
  readonly groups: readonly TimelineGroup[];
  readonly halt: TimelineMark | null;
  readonly interrupt: TimelineMark | null;
}

/**
 * Places every recorded task on the run's time axis (0 = the run's start), in the order the
 * batches ran. A task whose start is unknown (a `task-start` without time) is put right after
 * the host's previous task. `runEndMs`: when the run ended (ms since the epoch).
 */
export function buildTimeline(record: RunRecord, runEndMs: number): TimelineModel {
  const origin = originOf(record);
  const bars = new Map<TaskSpan, TimelineBar>();
  for (const h of record.hosts()) {
    let previousEnd = 0;
    for (const span of h.spans) {
      const startMs = span.startMs === null ? previousEnd : Math.max(0, span.startMs - origin);
      const durationMs = Math.max(0, span.result.durationMs);
      bars.set(span, { task: span.result.task, status: barStatus(span.result), startMs, durationMs });
      previousEnd = startMs + durationMs;
    }
  }
  const barsOf = (host: string, pick: (s: TaskSpan) => boolean): TimelineBar[] => (record.getHost(host)?.spans ?? []).filter(pick).map((s) => bars.get(s)!);
  const row = (host: string, hostBars: TimelineBar[]): TimelineRow => ({
    host,
    bars: hostBars,
    note: hostBars.length > 0 ? null : noteFor(record, host),
    stoppedEarly: false,
  });

  let groups: TimelineGroup[] = record.batches.map((b) => ({
    play: b.play,
    batch: b.number,
    batches: b.of,
    rows: b.hosts.map((host) =>
      row(
        host,
        barsOf(host, (s) => s.batch === b),
      ),
    ),
  }));
  // Tasks no batch-start announced (event streams from elsewhere): one group per play.
  for (const play of unbatchedPlays(record)) {
    const hosts = record.hostNames().filter((h) => record.getHost(h)!.spans.some((s) => s.batch === null && s.result.play === play));
    groups.push({
      play,
      batch: null,
      batches: null,
      rows: hosts.map((h) =>
        row(
          h,
          barsOf(h, (s) => s.batch === null && s.result.play === play),
        ),
      ),
    });
  }
  groups = markStoppedEarly(groups, record.stoppedEarly);
  const shown = new Set(groups.flatMap((g) => g.rows.map((r) => r.host)));
  const left = record.hostNames().filter((h) => !shown.has(h) && record.hostStatus(h) === 'not-reached');
  if (left.length > 0) groups.push({ play: record.halted?.play ?? '', batch: null, batches: null, rows: left.map((h) => row(h, [])), notReached: true });

  const lastEnd = Math.max(0, ...[...bars.values()].map((b) => b.startMs + b.durationMs));
  const endMs = Math.max(lastEnd, Number.isFinite(runEndMs) && Number.isFinite(origin) ? runEndMs - origin : 0);
  return { endMs, groups, halt: haltMark(record, groups, endMs), interrupt: interruptMark(record, endMs) };
}

function originOf(record: RunRecord): number {
  const started = record.started === null ? Number.NaN : Date.parse(record.started);
  if (Number.isFinite(started)) return started;
  const starts = record.hosts().flatMap((h) => h.spans.flatMap((s) => (s.startMs === null ? [] : [s.startMs])));
  return starts.length > 0 ? Math.min(...starts) : 0;
}

function unbatchedPlays(record: RunRecord): string[] {
  const plays = new Set<string>();
  for (const h of record.hosts()) for (const s of h.spans) if (s.batch === null) plays.add(s.result.play);
  return [...plays];
}

function noteFor(record: RunRecord, host: string): string {
  const h = record.getHost(host);
  if (h?.unreachable) return `unreachable (${h.unreachable.kind})`;
  return record.hostStatus(host) === 'not-reached' ? 'not reached' : 'no task ran';
}

/** "Stopped early" goes on the last row where the host did something (its last batch), not on every play it was in. */
function markStoppedEarly(groups: readonly TimelineGroup[], stoppedEarly: readonly string[]): TimelineGroup[] {
  const lastGroup = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const r of g.rows) if (r.bars.length > 0) lastGroup.set(r.host, i);
  });
  return groups.map((g, i) => ({
    ...g,
    rows: g.rows.map((r) => (stoppedEarly.includes(r.host) && lastGroup.get(r.host) === i ? { ...r, stoppedEarly: true } : r)),
  }));
}

/** The halt line: at the end of the halted batch's last task. */
function haltMark(record: RunRecord, groups: readonly TimelineGroup[], endMs: number): TimelineMark | null {
  if (!record.halted) return null;
  const { play, batch, reason } = record.halted;
  const halted = groups.find((g) => g.play === play && g.batch === batch && !g.notReached);
  const ends = (halted?.rows ?? []).flatMap((r) => r.bars.map((b) => b.startMs + b.durationMs));
  return { atMs: ends.length > 0 ? Math.max(...ends) : endMs, label: `halted: batch ${batch} of "${play}": ${reason}` };
}

function interruptMark(record: RunRecord, endMs: number): TimelineMark | null {
  if (!record.interrupted && record.ended) return null;
  return { atMs: endMs, label: record.interruptSignal ? `interrupted (${record.interruptSignal})` : 'interrupted' };
}

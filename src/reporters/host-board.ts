import type { EngineEvent } from '../engine/events.js';
import { formatDuration, toOneLine, truncate } from './format.js';
import { STOPPING } from './run-details.js';
import { hostNote } from './host-summary.js';
import { RunRecord, type ReportHostStatus } from './run-record.js';

/** Where a host is in the run, as the terminal view shows it. */
export type HostPhase =
  /** Nothing has happened on it yet (a later batch, or not started). */
  | 'waiting'
  /** Opening its SSH connection. */
  | 'connecting'
  /** A task is running on it. */
  | 'running'
  /** Between tasks (or its batch is over); it may run more later. */
  | 'idle'
  /** Finished for this run: unreachable, or the run ended. */
  | 'done';

/** The live state of one host row. */
export interface HostLive {
  readonly name: string;
  phase: HostPhase;
  task?: string;
  /** When the current phase (or task) began, ms. */
  since: number;
  /** First activity and last task end, ms, for the host's elapsed time. */
  firstAt?: number;
  lastAt?: number;
  /** `host: task: message` of the last failure that was not ignored. */
  lastFailure?: string;
  /** The last line of output (shown with -v). */
  lastOutput?: string;
  /** The current task's attempt, when it is a retry: `attempt` of `attempts`. */
  attempt?: { readonly n: number; readonly of: number };
  /** When the current attempt's time limit (the task's `timeout`) stops it, ms. */
  deadline?: number;
  /** The last `debug` message the host showed (the upgrade's plan line), one line. */
  note?: string;
}

/** Where the run is: its play, the batch in progress, and since when it runs. */
export interface RunProgress {
  play?: string;
  batch?: { readonly n: number; readonly of: number; readonly hosts: number };
  startedAt?: number;
  endedAt?: number;
}

/** What to draw: which hosts get a row (indexes into the run's host list) and the summary line, when collapsed. */
export interface BoardLayout {
  readonly visible: readonly number[];
  readonly summary: string | null;
}

/**
 * The model behind the terminal view: one row per host with its current task and elapsed
 * time. When there are more hosts than rows, idle and finished hosts collapse into one
 * summary line and only the active and failed ones keep a row.
 */
export class HostBoard {
  readonly record = new RunRecord();
  private readonly live: HostLive[] = [];
  private readonly index = new Map<string, number>();
  readonly progress: RunProgress = {};

  constructor(private readonly now: () => number) {}

  /** The hosts in run order. */
  hosts(): readonly HostLive[] {
    return this.live;
  }

  /** Applies one engine event. */
  apply(e: EngineEvent): void {
    this.record.record(e);
    const t = this.now();
    switch (e.type) {
      case 'run-start':
        this.progress.startedAt = t;
        for (const name of e.hosts) this.host(name, t);
        break;
      case 'play-start':
        Object.assign(this.progress, { play: e.play, batch: undefined });
        break;
      case 'batch-start':
        this.progress.batch = { n: e.batch, of: e.batches, hosts: e.hosts.length };
        break;
      case 'host-connecting':
        this.enter(e.host, 'connecting', t);
        break;
      case 'host-connected':
        this.enter(e.host, 'idle', t);
        break;
      case 'task-start':
        Object.assign(this.enter(e.host, 'running', t), { task: e.task, attempt: undefined, deadline: undefined });
        break;
      case 'task-attempt': {
        const h = this.host(e.host, t);
        h.attempt = e.attempt > 1 ? { n: e.attempt, of: e.attempts } : undefined;
        h.deadline = e.timeoutMs === undefined ? undefined : t + e.timeoutMs;
        break;
      }
      case 'task-output': {
        const line = e.chunk
          .split('\n')
          .filter((l) => l.trim() !== '')
          .pop();
        if (line) this.host(e.host, t).lastOutput = toOneLine(line);
        break;
      }
      case 'task-end': {
        const h = this.enter(e.result.host, 'idle', t);
        Object.assign(h, { lastAt: t, lastOutput: undefined, attempt: undefined, deadline: undefined });
        const r = e.result;
        const recorded = this.record.getHost(h.name);
        if (r.module === 'debug' && recorded) h.note = hostNote(recorded);
        if (r.status === 'failed' && !r.ignored)
          h.lastFailure = `${r.task}: ${r.censored ? 'failed (output hidden: no_log)' : toOneLine(r.msg || (typeof r.rc === 'number' ? `rc=${r.rc}` : 'failed'))}`;
        break;
      }
      case 'host-end':
        this.enter(e.host, 'done', t).task = undefined;
        break;
      case 'host-unreachable':
        this.enter(e.host, 'done', t).lastFailure = `unreachable (${e.kind}): ${toOneLine(e.msg)}`;
        break;
      case 'run-end':
        this.progress.endedAt = t;
        for (const name of e.notReached) this.host(name, t);
        this.finishAll(t);
        break;
      default:
        break;
    }
  }

  /** Marks every host finished (run-end, or the reporter ending without it). */
  finishAll(t = this.now()): void {
    this.progress.endedAt ??= t;
    for (const h of this.live) if (h.phase !== 'done') Object.assign(h, { phase: 'done', since: t, task: undefined });
  }

  /** The host's status so far; `waiting` before anything happened on it. */
  status(name: string): ReportHostStatus | 'waiting' {
    const h = this.live[this.index.get(name) ?? -1];
    if (h && h.phase === 'waiting') return this.record.ended ? 'not-reached' : 'waiting';
    return this.record.hostStatus(name);
  }

  /** The text of a host's row (without the status symbol), at most `width` characters. */
  rowText(i: number, nameWidth: number, width: number, verbose: boolean): string {
    const h = this.live[i];
    const t = this.now();
    const name = h.name.padEnd(nameWidth);
    const status = this.status(h.name);
    let text: string;
    if (h.phase === 'connecting') text = `connecting  ${formatElapsed(t - h.since)}`;
    else if (h.phase === 'running')
      text = `${h.task ?? ''}  ${formatElapsed(t - h.since)}${runningContext(h, t)}${verbose && h.lastOutput ? `  › ${h.lastOutput}` : ''}`;
    else if (status === 'waiting') text = 'waiting';
    else if (status === 'not-reached') text = 'not reached';
    else if (h.lastFailure && status === 'unreachable' && h.lastFailure.startsWith('unreachable')) text = h.lastFailure;
    else if (h.lastFailure && (status === 'failed' || status === 'unreachable')) text = `${status}: ${h.lastFailure}`;
    else {
      const s = this.record.getHost(h.name)?.stats;
      const counts = s ? `ok=${s.ok} changed=${s.changed}${s.skipped ? ` skipped=${s.skipped}` : ''}` : '';
      const took = h.firstAt !== undefined && h.lastAt !== undefined ? `  ${formatDuration(h.lastAt - h.firstAt)}` : '';
      const stopped = this.record.stoppedEarly.includes(h.name) ? ', stopped before the end' : '';
      text = `${h.phase === 'done' ? `${status}${stopped}` : `${status} so far`}  ${counts}${took}${h.note ? `  · ${h.note}` : ''}`;
    }
    return truncate(`${name}  ${text}`, width);
  }

  /** `PLAY upgrade · batch 2/3 (8 hosts) · 12.3s elapsed`: what the run is doing, above the rows. */
  headline(): string {
    const { play, batch, startedAt, endedAt } = this.progress;
    const parts: string[] = [];
    if (play !== undefined) parts.push(`PLAY ${play}`);
    if (batch && batch.of > 1) parts.push(`batch ${batch.n}/${batch.of} (${batch.hosts} host${batch.hosts === 1 ? '' : 's'})`);
    if (startedAt !== undefined) parts.push(`${formatElapsed((endedAt ?? this.now()) - startedAt)} elapsed`);
    const signal = this.record.interruptSignal;
    if (signal && endedAt === undefined) parts.push(`INTERRUPTED (${signal}): ${STOPPING}`);
    return parts.join(' · ');
  }

  /** Whether a host is finished for this run. */
  isDone(i: number): boolean {
    return this.live[i].phase === 'done';
  }

  /** Whether a host is doing something right now. */
  isActive(i: number): boolean {
    const p = this.live[i].phase;
    return p === 'running' || p === 'connecting';
  }

  /**
   * Chooses the rows for a terminal of `rows` lines: every host when they fit in rows - 1
   * (the last line stays free so the view never scrolls), otherwise a summary line plus
   * the active and failed hosts, failures keeping at least half the rows.
   */
  layout(rows: number, width: number): BoardLayout {
    const all = this.live.map((_, i) => i);
    const budget = Math.max(2, rows - 1);
    if (all.length <= budget) return { visible: all, summary: null };
    const hostRows = budget - 1;
    const active = all.filter((i) => this.isActive(i));
    const failed = all.filter((i) => !this.isActive(i) && isProblem(this.status(this.live[i].name)));
    const failedShown = Math.min(failed.length, Math.max(Math.ceil(hostRows / 2), hostRows - active.length));
    const activeShown = Math.min(active.length, hostRows - failedShown);
    const visible = [...failed.slice(0, failedShown), ...active.slice(0, activeShown)].sort((a, b) => a - b);
    return { visible, summary: truncate(this.summary(active.length - activeShown, failed.length - failedShown), width) };
  }

  /** `87 hosts done: 80 changed, 7 ok · 40 running (12 not shown) · 20 waiting · 3 failed`. */
  summary(hiddenActive = 0, hiddenFailed = 0): string {
    const counts = new Map<string, number>();
    let active = 0;
    for (let i = 0; i < this.live.length; i++) {
      if (this.isActive(i)) active++;
      else {
        const s = this.status(this.live[i].name);
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
    }
    const n = (k: string) => counts.get(k) ?? 0;
    const settled = (['changed', 'ok', 'skipped'] as const).filter((k) => n(k) > 0);
    const settledTotal = settled.reduce((sum, k) => sum + n(k), 0);
    const parts: string[] = [];
    if (settledTotal > 0) {
      const label = this.record.ended ? 'done' : 'done so far';
      parts.push(`${settledTotal} host${settledTotal === 1 ? '' : 's'} ${label}: ${settled.map((k) => `${n(k)} ${k}`).join(', ')}`);
    }
    if (active > 0) parts.push(`${active} running${hiddenActive > 0 ? ` (${hiddenActive} not shown)` : ''}`);
    if (n('waiting') > 0) parts.push(`${n('waiting')} waiting`);
    const problems = (['failed', 'unreachable'] as const).filter((k) => n(k) > 0).map((k) => `${n(k)} ${k}`);
    if (problems.length > 0) parts.push(problems.join(', ') + (hiddenFailed > 0 ? ` (${hiddenFailed} not shown)` : ''));
    if (n('not-reached') > 0) parts.push(`${n('not-reached')} not reached`);
    if (this.record.interruptSignal) parts.push(`interrupted (${this.record.interruptSignal})`);
    return parts.join(' · ');
  }

  private enter(name: string, phase: HostPhase, t: number): HostLive {
    const h = this.host(name, t);
    if (h.phase === 'done') return h;
    h.phase = phase;
    h.since = t;
    if (phase !== 'running') h.task = undefined;
    h.firstAt ??= t;
    return h;
  }

  private host(name: string, t: number): HostLive {
    const i = this.index.get(name);
    if (i !== undefined) return this.live[i];
    const h: HostLive = { name, phase: 'waiting', since: t };
    this.index.set(name, this.live.length);
    this.live.push(h);
    return h;
  }
}

/** `  attempt 2/6  timeout in 1m40s`: a retry, and when the task's time limit stops the attempt. */
function runningContext(h: HostLive, t: number): string {
  const attempt = h.attempt ? `  attempt ${h.attempt.n}/${h.attempt.of}` : '';
  const left = h.deadline === undefined ? 0 : Math.max(0, h.deadline - t);
  const deadline = h.deadline === undefined ? '' : `  timeout in ${left < 60_000 ? `${Math.ceil(left / 1000)}s` : formatDuration(left)}`;
  return attempt + deadline;
}

function isProblem(status: string): boolean {
  return status === 'failed' || status === 'unreachable';
}

/** Elapsed time on a live row: one decimal, so that it does not flicker. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  return formatDuration(ms);
}

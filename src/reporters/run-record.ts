import type { EngineEvent } from '../engine/events.js';
import { countResult, emptyStats, taskHostStatus, worstStatus, type HostStats, type HostStatus, type TaskResult } from '../engine/results.js';

/** A host's overall status in the recap and report; `not-reached` for hosts a halted or interrupted rollout never got to. */
export type ReportHostStatus = HostStatus | 'not-reached';

/** A serial batch of a play, as `batch-start` announced it. */
export interface BatchRecord {
  readonly play: string;
  /** 1-based. */
  readonly number: number;
  /** How many batches the play has. */
  readonly of: number;
  readonly hosts: readonly string[];
}

/** One task on one host, placed in time (the HTML report's timeline). */
export interface TaskSpan {
  readonly result: TaskResult;
  /** When the task started on the host (ms since the epoch), from its `task-start`; null when that carried no time. */
  readonly startMs: number | null;
  /** The batch the host was in when the task ran; null when no `batch-start` came. */
  readonly batch: BatchRecord | null;
}

/** Everything recorded about one host during a run. */
export interface HostRecord {
  readonly name: string;
  readonly tasks: TaskResult[];
  /** The same results as `tasks`, each with its start time and batch. */
  readonly spans: TaskSpan[];
  /** Counted from task-end events; replaced by the engine's own counts at run-end. */
  stats: HostStats;
  unreachable?: { readonly kind: string; readonly msg: string; readonly play: string };
  /** Whether any event at all was seen for this host. */
  touched: boolean;
  /** Set by `host-end`: the host is done with the run, with this status. */
  finished?: HostStatus;
}

/** A warning as it was emitted. */
export interface WarningRecord {
  readonly msg: string;
  readonly host?: string;
  readonly task?: string;
}

/**
 * Accumulates the events of a run into what the recap, the report file and JUnit need.
 * Works from a partial event stream too (an interrupted run whose `run-end` never came).
 */
export class RunRecord {
  playbook = '';
  /** The run's `tpx_run_id`, when the engine announced one. */
  runId: string | null = null;
  started: string | null = null;
  finished: string | null = null;
  check = false;
  interrupted = false;
  /** True once `run-end` arrived. */
  ended = false;
  halted: { play: string; batch: number; reason: string } | null = null;
  /** The signal an `interrupted` event named. */
  interruptSignal: string | null = null;
  /** Every batch that started, in order. */
  readonly batches: BatchRecord[] = [];
  notReached: string[] = [];
  /** Hosts a halt or an interrupt stopped after some of their tasks ran. */
  stoppedEarly: string[] = [];
  readonly warnings: WarningRecord[] = [];
  private readonly hostMap = new Map<string, HostRecord>();
  private currentPlay = '';
  /** Per host: the batch it is in, and the start time of each task started and not yet ended. */
  private readonly hostBatch = new Map<string, BatchRecord>();
  private readonly taskStarts = new Map<string, Map<string, number | null>>();

  /** Applies one engine event. */
  record(event: EngineEvent): void {
    switch (event.type) {
      case 'run-start':
        this.playbook = event.playbook;
        this.runId = event.runId ?? null;
        this.started = event.time;
        this.check = event.check;
        for (const h of event.hosts) this.host(h);
        break;
      case 'play-start':
        this.currentPlay = event.play;
        for (const h of event.hosts) this.hostBatch.delete(h);
        break;
      case 'batch-start': {
        const batch: BatchRecord = { play: event.play, number: event.batch, of: event.batches, hosts: [...event.hosts] };
        this.batches.push(batch);
        for (const h of event.hosts) this.hostBatch.set(h, batch);
        break;
      }
      case 'task-start':
        this.host(event.host).touched = true;
        this.startsOf(event.host).set(event.task, parseTime(event.time));
        break;
      case 'host-connecting':
      case 'host-connected':
      case 'task-command':
      case 'task-output':
        this.host(event.host).touched = true;
        break;
      case 'host-unreachable': {
        const h = this.host(event.host);
        h.touched = true;
        h.unreachable = { kind: event.kind, msg: event.msg, play: this.currentPlay };
        if (h.stats.unreachable === 0) h.stats.unreachable = 1;
        break;
      }
      case 'task-end':
        this.recordResult(event.result);
        break;
      case 'host-end':
        this.host(event.host).finished = event.status;
        break;
      case 'warning':
        this.warnings.push({ msg: event.msg, host: event.host, task: event.task });
        break;
      case 'batch-halted':
        this.halted = { play: event.play, batch: event.batch, reason: event.reason };
        break;
      case 'interrupted':
        this.interrupted = true;
        this.interruptSignal = event.signal;
        break;
      case 'run-end':
        this.recordEnd(event);
        break;
      default:
        break;
    }
  }

  /** Host names in the order the run listed them (then any seen later). */
  hostNames(): string[] {
    return [...this.hostMap.keys()];
  }

  hosts(): HostRecord[] {
    return [...this.hostMap.values()];
  }

  getHost(name: string): HostRecord | undefined {
    return this.hostMap.get(name);
  }

  /** The worst of a host's task statuses (schemas/report.schema.json), or `not-reached`. */
  hostStatus(name: string): ReportHostStatus {
    const h = this.hostMap.get(name);
    if (!h) return 'not-reached';
    if (this.notReached.includes(name)) return 'not-reached';
    if (h.unreachable) return 'unreachable';
    if (h.tasks.length === 0) return this.ended || h.touched ? 'skipped' : 'not-reached';
    return h.tasks.map(taskHostStatus).reduce(worstStatus, 'skipped');
  }

  private recordEnd(event: Extract<EngineEvent, { type: 'run-end' }>): void {
    this.ended = true;
    this.finished = event.time;
    this.interrupted = this.interrupted || event.interrupted;
    this.halted = event.halted ?? this.halted;
    this.notReached = [...event.notReached];
    this.stoppedEarly = [...(event.stoppedEarly ?? [])];
    for (const name of event.notReached) this.host(name);
    for (const [name, stats] of Object.entries(event.stats)) this.host(name).stats = { ...emptyStats(), ...stats };
  }

  private recordResult(result: TaskResult): void {
    const h = this.host(result.host);
    h.touched = true;
    // host-unreachable already counted the first unreachable task; count it once.
    const alreadyCounted = result.status === 'unreachable' && h.unreachable !== undefined && !h.tasks.some((t) => t.status === 'unreachable');
    h.tasks.push(result);
    const starts = this.startsOf(result.host);
    h.spans.push({ result, startMs: starts.get(result.task) ?? null, batch: this.hostBatch.get(result.host) ?? null });
    starts.delete(result.task);
    if (!alreadyCounted) countResult(h.stats, result);
  }

  private startsOf(host: string): Map<string, number | null> {
    let starts = this.taskStarts.get(host);
    if (!starts) {
      starts = new Map();
      this.taskStarts.set(host, starts);
    }
    return starts;
  }

  private host(name: string): HostRecord {
    let h = this.hostMap.get(name);
    if (!h) {
      h = { name, tasks: [], spans: [], stats: emptyStats(), touched: false };
      this.hostMap.set(name, h);
    }
    return h;
  }
}

/** An event's ISO time as ms since the epoch; null when absent or not a time. */
function parseTime(time: string | undefined): number | null {
  const ms = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

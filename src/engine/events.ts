import type { HostStats, HostStatus, TaskResult } from './results.js';

/**
 * What the engine tells the world. The engine never prints; reporters (listr2, plain,
 * JSON lines, report file, JUnit) subscribe to these events.
 */
export type EngineEvent =
  /** `runId`: the run's `tpx_run_id` (optional for producers other than runPlaybook). */
  | {
      readonly type: 'run-start';
      readonly playbook: string;
      readonly hosts: readonly string[];
      readonly check: boolean;
      readonly time: string;
      readonly runId?: string;
    }
  | { readonly type: 'play-start'; readonly play: string; readonly hosts: readonly string[] }
  | { readonly type: 'batch-start'; readonly play: string; readonly batch: number; readonly batches: number; readonly hosts: readonly string[] }
  | { readonly type: 'host-connecting'; readonly host: string }
  | { readonly type: 'host-connected'; readonly host: string; readonly durationMs: number }
  | { readonly type: 'host-unreachable'; readonly host: string; readonly kind: string; readonly msg: string }
  /** `time`: when the task started on the host (ISO 8601; optional for producers other than the engine), for the HTML report's timeline. */
  | { readonly type: 'task-start'; readonly play: string; readonly task: string; readonly host: string; readonly time?: string }
  /**
   * An attempt of a task begins, sent only when there is something to show about it: a retry
   * (`attempt` > 1 of `attempts`, with `until`) or a time limit (`timeoutMs`, the task's
   * `timeout`), so that a view can say when a hung command will be stopped.
   */
  | {
      readonly type: 'task-attempt';
      readonly host: string;
      readonly task: string;
      readonly attempt: number;
      readonly attempts: number;
      readonly timeoutMs?: number;
    }
  /** Streaming output for -v and progress rows. */
  | { readonly type: 'task-output'; readonly host: string; readonly task: string; readonly stream: 'stdout' | 'stderr'; readonly chunk: string }
  /** A command is about to run (shown with -v). */
  | { readonly type: 'task-command'; readonly host: string; readonly task: string; readonly command: string }
  | { readonly type: 'task-end'; readonly result: TaskResult }
  | { readonly type: 'warning'; readonly msg: string; readonly host?: string; readonly task?: string }
  /**
   * A host is done with the run: it got through every play it is in (`ok`, `changed`,
   * `skipped`), or dropped out for good (`failed`, `unreachable`). Never sent for a host a
   * halt or an interrupt cut short: a journal without it means "not finished".
   */
  | { readonly type: 'host-end'; readonly host: string; readonly status: HostStatus; readonly stats: HostStats }
  | { readonly type: 'batch-halted'; readonly play: string; readonly batch: number; readonly reason: string; readonly remaining: readonly string[] }
  | { readonly type: 'interrupted'; readonly signal: string }
  | {
      readonly type: 'run-end';
      readonly time: string;
      readonly stats: Readonly<Record<string, HostStats>>;
      readonly interrupted: boolean;
      readonly halted: { readonly play: string; readonly batch: number; readonly reason: string } | null;
      /** Hosts the run never got to (no task ran on them) because the rollout halted or was interrupted. */
      readonly notReached: readonly string[];
      /**
       * Hosts a halt or an interrupt stopped before they got through their plays, after some
       * of their tasks ran: their status is what those tasks did (an upgraded host says
       * changed), and they did not finish.
       */
      readonly stoppedEarly: readonly string[];
    };

export type EngineEventListener = (event: EngineEvent) => void;

/** A minimal typed event bus; listeners run synchronously in subscription order. */
export class EventBus {
  private readonly listeners: EngineEventListener[] = [];

  subscribe(listener: EngineEventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }
}

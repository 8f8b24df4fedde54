import { dirname } from 'node:path';
import { secretMasker, type SecretMasker } from '../errors/mask-secrets.js';
import { groupMembers } from '../inventory/group-members.js';
import type { ModuleDefinition } from '../modules/module.js';
import { getModule } from '../modules/registry.js';
import type { Play, Task } from '../playbook/types.js';
import type { EventBus } from './events.js';
import { HostRuntime } from './host-runtime.js';
import { createLimiter, type Limiter } from './limiter.js';
import type { HostTaskOutcome } from './raw-result.js';
import { DEFAULT_FORKS, type HaltInfo, type RunOptions } from './run-options.js';
import { abortableSleep } from './sleep.js';

/** What every part of one run shares. */
export interface RunContext {
  readonly options: RunOptions;
  readonly bus: EventBus;
  readonly limiter: Limiter;
  readonly hosts: ReadonlyMap<string, HostRuntime>;
  /** The `groups` magic variable. */
  readonly groups: Readonly<Record<string, string[]>>;
  readonly getModule: (name: string) => ModuleDefinition | undefined;
  readonly playbookDir: string;
  /** `tpx_run_id`: one id for the whole run, the same on every host. */
  readonly runId: string;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** options.masker or the process-wide one. */
  readonly masker: SecretMasker;
  /** True once options.signal aborted. */
  interrupted(): boolean;
}

/** The run's shared context, with a HostRuntime for every host of the inventory. */
export function createRunContext(options: RunOptions, runId: string): RunContext {
  const hosts = new Map<string, HostRuntime>();
  for (const host of options.inventory.hosts.values()) hosts.set(host.name, new HostRuntime(host));
  return {
    options,
    bus: options.bus,
    limiter: createLimiter(options.forks > 0 ? Math.floor(options.forks) : DEFAULT_FORKS),
    hosts,
    groups: groupMembers(options.inventory),
    getModule: options.modules ?? getModule,
    playbookDir: options.playbookDir ?? dirname(options.playbook.file),
    runId,
    sleep: options.sleep ?? abortableSleep,
    masker: options.masker ?? secretMasker,
    interrupted: () => options.signal?.aborted === true,
  };
}

/** One play on its way through its batches. */
export interface PlayContext {
  readonly run: RunContext;
  readonly play: Play;
  /** Every host of the play (after -l and --retry-failed), in order. */
  readonly hosts: readonly string[];
}

/** One serial batch of a play: the unit of halting, run_once and handler flushing. */
export interface BatchContext {
  readonly playCtx: PlayContext;
  /** 1-based. */
  readonly number: number;
  readonly hosts: readonly string[];
  /** Hosts of the batch that failed for good (for max_fail_percentage). */
  readonly failed: Set<string>;
  /** Set when the rollout must stop (max_fail_percentage, any_errors_fatal, whole batch failed). */
  halt: HaltInfo | null;
  /** run_once tasks: the one execution every host of the batch shares. */
  readonly runOnce: Map<Task, Promise<HostTaskOutcome | undefined>>;
  /** Hosts that reached the end of the play's tasks and handlers. */
  readonly completed: Set<string>;
  /** Set by `meta: end_batch` (this batch) or `end_play` (every batch): its hosts end the play, done. */
  ended?: 'batch' | 'play';
}

/** Nothing new may start: the run was interrupted or the batch halted. */
export function isStopped(batch: BatchContext): boolean {
  return batch.halt !== null || batch.playCtx.run.interrupted();
}

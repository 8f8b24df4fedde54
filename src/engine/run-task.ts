import type { Task } from '../playbook/types.js';
import { renderString } from '../template/render.js';
import { checkFailureBudget } from './failure-budget.js';
import type { HostRuntime } from './host-runtime.js';
import { notifyHandlers } from './handlers.js';
import { ignoresErrors } from './ignore-errors.js';
import { maskNoLogValues } from './no-log-values.js';
import type { TaskStatus } from './results.js';
import type { BatchContext } from './run-context.js';
import type { HostTaskOutcome } from './raw-result.js';
import { runHostTask } from './run-host-task.js';
import { enterScope, type Scope } from './scope.js';
import { shouldRunForTags } from './tags.js';
import { varsFor, type TaskEnv } from './task-env.js';
import { buildTaskResult, NO_LOG_MESSAGE } from './task-result.js';

/** Which hosts a task left behind. */
export interface TaskHostsOutcome {
  /** Hosts whose task failed (and was not ignored): for good, or to be rescued. */
  readonly failed: readonly string[];
  readonly unreachable: readonly string[];
  /** Hosts the task never started on (interrupted). */
  readonly notStarted: readonly string[];
}

const NOTHING: TaskHostsOutcome = { failed: [], unreachable: [], notStarted: [] };

/**
 * Runs one task on a set of hosts at once (within the forks limit) and records each host's
 * result: register, set_fact, notify, stats, events, rescue state, failure budget.
 * `handler` tasks skip the tag filter.
 */
export async function runTaskOnHosts(batch: BatchContext, task: Task, outer: Scope, hosts: readonly string[], handler = false): Promise<TaskHostsOutcome> {
  const run = batch.playCtx.run;
  const scope = enterScope(outer, task);
  if (!handler && !shouldRunForTags(scope.tags, run.options.tags, run.options.skipTags)) return NOTHING;
  const check = scope.checkMode ?? run.options.check;

  const failed: string[] = [];
  const unreachable: string[] = [];
  const notStarted: string[] = [];
  // `pause` and its kind run once, on the first host; the others record nothing (as in Ansible).
  const targets = run.getModule(task.module)?.oncePerBatch === true ? hosts.slice(0, 1) : hosts;
  await Promise.all(
    targets.map(async (name) => {
      const host = run.hosts.get(name)!;
      const env: TaskEnv = { run, batch, host, task, scope, check, name: task.name ?? task.module };
      const status = await runOnHost({ ...env, name: displayName(env) });
      if (status === undefined) notStarted.push(name);
      else if (status === 'unreachable') unreachable.push(name);
      // A failure ignore_errors let pass (its result says so) keeps the host going.
      else if ((status === 'failed' && host.results.at(-1)?.ignored !== true) || status === 'rescued') failed.push(name);
    }),
  );
  checkFailureBudget(batch, task, scope, { failed, unreachable });
  return { failed, unreachable, notStarted };
}

/**
 * Runs the task on the host when a fork is free and records the result while still holding
 * the fork (so task-start/task-end pairs never overlap beyond the limit). A run_once task runs
 * on the first host that gets here; the other hosts of the batch wait for it and record its
 * result as theirs. Returns undefined when the run was interrupted before the task started.
 */
async function runOnHost(env: TaskEnv): Promise<TaskStatus | undefined> {
  const { run, batch, task } = env;
  const play = batch.playCtx.play.name;
  const shared = env.scope.runOnce ? batch.runOnce.get(task) : undefined;
  if (shared) {
    const outcome = await shared;
    if (!outcome) return undefined;
    run.bus.emit({ type: 'task-start', play, task: env.name, host: env.host.name, time: new Date().toISOString() });
    return applyOutcome(env, outcome);
  }
  const job = run.limiter.run(async () => {
    if (run.interrupted()) return undefined;
    run.bus.emit({ type: 'task-start', play, task: env.name, host: env.host.name, time: new Date().toISOString() });
    const outcome = await runHostTask(env);
    return { outcome, status: applyOutcome(env, outcome) };
  });
  if (env.scope.runOnce)
    batch.runOnce.set(
      task,
      job.then((j) => j?.outcome),
    );
  return (await job)?.status;
}

/** Stores what the task did on the host and reports it; returns the status it was recorded with. */
export function applyOutcome(env: TaskEnv, outcome: HostTaskOutcome): TaskStatus {
  const { host, task, scope, run, batch } = env;
  // Decided with the variables from before the task ran (its own result not registered yet).
  const ignored = outcome.status === 'failed' && ignoresErrors(env, (msg) => run.bus.emit({ type: 'warning', host: host.name, task: env.name, msg }));
  if (outcome.facts) {
    const holder = factsHolder(env) ?? host;
    for (const [k, v] of Object.entries(outcome.facts)) holder.setFact(k, v);
  }
  if (task.register) host.setFact(task.register, outcome.raw);

  // Before anything is reported: from now on every output masks what this task produced.
  if (scope.noLog === true) {
    maskNoLogValues(run.masker, { ...outcome, controllerSide: run.getModule(task.module)?.local === true, loopVar: task.loopVar });
  }

  let status: TaskStatus = outcome.status;
  if (status === 'failed' && !ignored) {
    // An interrupted task is not something a rescue can fix: nothing more runs anyway.
    if (scope.rescuable && outcome.raw.interrupted !== true) {
      status = 'rescued';
      host.failedTask = { name: env.name, action: task.module, args: task.args };
      host.failedResult = outcome.raw;
    } else {
      markFailed(host, batch);
    }
  }
  if (status === 'unreachable') {
    host.unreachable = true;
    // A connection error names the command it cut off: not for a no_log task.
    const msg = scope.noLog === true ? NO_LOG_MESSAGE : String(outcome.raw.msg ?? '');
    run.bus.emit({ type: 'host-unreachable', host: host.name, kind: outcome.unreachableKind ?? 'unknown', msg });
  }
  if (status === 'changed' || (ignored && outcome.raw.changed === true)) notifyHandlers(batch.playCtx.play, host, task);

  const result = buildTaskResult({
    play: batch.playCtx.play.name,
    task: env.name,
    host: host.name,
    module: task.module,
    raw: outcome.raw,
    status,
    ignored,
    durationMs: outcome.durationMs,
    noLog: scope.noLog === true,
    masker: run.masker,
  });
  host.record(result);
  run.bus.emit({ type: 'task-end', result });
  // What the module warned about (pause without a terminal), as Ansible shows its warnings.
  if (Array.isArray(outcome.raw.warnings) && scope.noLog !== true) {
    for (const msg of outcome.raw.warnings) run.bus.emit({ type: 'warning', host: host.name, task: env.name, msg: String(msg) });
  }
  return status;
}

/** With `delegate_facts: true`, the delegated host (when it is one of the run's hosts) keeps the facts. */
function factsHolder(env: TaskEnv): HostRuntime | undefined {
  const { scope, run } = env;
  if (scope.delegateFacts !== true || scope.delegateTo === undefined) return undefined;
  try {
    return run.hosts.get(renderString(scope.delegateTo, { vars: varsFor(env), host: env.host.name }));
  } catch {
    return undefined;
  }
}

function markFailed(host: HostRuntime, batch: BatchContext): void {
  host.failed = true;
  batch.failed.add(host.name);
}

/** The task name, templated for this host when it can be; as written otherwise. */
function displayName(env: TaskEnv): string {
  const name = env.task.name;
  if (name === undefined || !name.includes('{{')) return env.name;
  try {
    return renderString(name, { vars: varsFor(env), host: env.host.name });
  } catch {
    return name;
  }
}

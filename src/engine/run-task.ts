import type { Task } from '../playbook/types.js';
import { UndefinedVariableError } from '../template/errors.js';
import { renderString } from '../template/render.js';
import { UndefinedAccess } from '../template/undefined.js';
import { asAsyncResult, asyncLimit } from './async-limit.js';
import { dropHostConnection, isLostConnection, isUnreachableError, lastConnectionWasUp, lostConnectionResult } from './connection-loss.js';
import { checkFailureBudget } from './failure-budget.js';
import { notifyHandlers } from './handlers.js';
import type { HostRuntime } from './host-runtime.js';
import { ignoresErrors } from './ignore-errors.js';
import { loopItemVars, resolveLoopItems } from './loop-items.js';
import { maskNoLogValues } from './no-log-values.js';
import { combineLoopResults, failedResult, skippedResult, statusOf, type HostTaskOutcome, type RawResult } from './raw-result.js';
import type { TaskStatus } from './results.js';
import type { BatchContext } from './run-context.js';
import { runModule, type ExecuteOutcome } from './run-module.js';
import { enterScope, type Scope } from './scope.js';
import { shouldRunForTags } from './tags.js';
import { applyResultConditions, resultHolds, resultHoldsOrFalse, whenHolds } from './task-conditions.js';
import { varsFor, type TaskEnv } from './task-env.js';
import { resolveTaskNumber } from './task-numbers.js';
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
 * The second stage of a task's walk (docs/architecture.md): runs one task on a set of hosts
 * at once (within the forks limit) and records each host's result: register, set_fact,
 * notify, stats, events, rescue state, failure budget. On each host: `when`, the loop and the
 * attempts, each attempt through run-module.ts. `handler` tasks skip the tag filter.
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
  const shared = env.scope.runOnce ? batch.runOnce.get(task) : undefined;
  if (shared) {
    const outcome = await shared;
    return outcome ? reportOutcome(env, outcome) : undefined;
  }
  const job = run.limiter.run(async () => {
    if (run.interrupted()) return undefined;
    emitTaskStart(env);
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

/**
 * A `task-start` and, at once, an outcome the host did not run itself (a run_once task's
 * shared one, an include's decision); returns the status it was recorded with.
 */
export function reportOutcome(env: TaskEnv, outcome: HostTaskOutcome): TaskStatus {
  emitTaskStart(env);
  return applyOutcome(env, outcome);
}

function emitTaskStart(env: TaskEnv): void {
  env.run.bus.emit({ type: 'task-start', play: env.batch.playCtx.play.name, task: env.name, host: env.host.name, time: new Date().toISOString() });
}

/** Stores what the task did on the host and reports it; returns the status it was recorded with. */
function applyOutcome(env: TaskEnv, outcome: HostTaskOutcome): TaskStatus {
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

/**
 * Runs one task on one host: `when` (per item in a loop), the loop, retries; turns every
 * error into a result, so a failed host is a result and not an exception. A failure to
 * connect, or a connection lost mid-task that retries could not recover, makes the result
 * unreachable; any other error (a file transfer refused, sudo refused) fails the task.
 */
async function runHostTask(env: TaskEnv): Promise<HostTaskOutcome> {
  const started = Date.now();
  let raw: RawResult;
  let facts: Record<string, unknown> | undefined;
  let unreachableKind: string | undefined;
  try {
    if (env.task.loop === undefined) {
      if (!whenHolds(env)) {
        raw = skippedResult(env.scope.when.join(' and '));
      } else {
        const outcome = await runAttempts(env, undefined);
        raw = outcome.raw;
        facts = outcome.facts ? { ...outcome.facts } : undefined;
      }
    } else {
      ({ raw, facts } = await runLoop(env));
    }
  } catch (error) {
    if (isUnreachableError(error)) {
      raw = {
        changed: false,
        unreachable: true,
        msg: isLostConnection(error) && lastConnectionWasUp(env.host) ? `connection lost: ${error.message}` : error.message,
      };
      unreachableKind = error.kind;
    } else if (error instanceof UndefinedAccess) {
      // A module met an undefined value outside a template render: name the task and host too.
      raw = failedResult(new UndefinedVariableError({ variable: error.variable, detail: error.detail, host: env.host.name, task: env.name }).message);
    } else {
      raw = failedResult(messageOf(error));
    }
  }
  if (raw.unreachable === true) unreachableKind ??= 'closed';
  return { raw, facts, status: statusOf(raw), durationMs: Date.now() - started, ranOn: env.host.name, unreachableKind };
}

async function runLoop(env: TaskEnv): Promise<{ raw: RawResult; facts?: Record<string, unknown> }> {
  const { task } = env;
  const items = resolveLoopItems(env);
  const results: RawResult[] = [];
  let facts: Record<string, unknown> | undefined;
  for (let i = 0; i < items.length; i++) {
    if (env.run.interrupted()) break;
    const item = items[i];
    const fixed = loopItemVars(task, items, i);
    let itemRaw: RawResult;
    if (!whenHolds(env, fixed)) {
      itemRaw = skippedResult(env.scope.when.join(' and '));
    } else {
      const outcome = await runAttempts(env, fixed);
      itemRaw = outcome.raw;
      if (outcome.facts) facts = { ...facts, ...outcome.facts };
    }
    results.push({ ...itemRaw, [task.loopVar]: item, ansible_loop_var: task.loopVar });
  }
  const raw = combineLoopResults(results);
  if (env.run.interrupted() && results.length < items.length) Object.assign(raw, { failed: true, interrupted: true, msg: 'interrupted' });
  return { raw, facts };
}

/** Ansible's defaults for `until`: 3 attempts in all when `retries` is not given, 5 seconds apart. */
const DEFAULT_UNTIL_ATTEMPTS = 3;
const DEFAULT_DELAY_SECONDS = 5;

/**
 * Runs the module once — or, with `until`, until the condition holds or the attempts run out
 * (`retries` N means N+1 attempts, as in Ansible; the result carries `attempts`). After each
 * attempt `changed_when` and `failed_when` are applied, with the result bound to `register`.
 *
 * With `until`, a connection lost during an attempt is a failed attempt (rc 255,
 * `unreachable: true`, msg "connection lost: …"; changed_when/failed_when are not applied to
 * it): the next attempt runs on a new connection, and a reconnect that fails counts as a
 * failed attempt too. When the attempts run out on a lost connection the host is unreachable.
 * A command cut off is never re-run by tpx itself: only the task's next attempt runs it again.
 */
async function runAttempts(env: TaskEnv, fixed: Readonly<Record<string, unknown>> | undefined): Promise<ExecuteOutcome> {
  const { task, run } = env;
  const until = task.until ?? [];
  const vars = varsFor(env, fixed);
  const retries = until.length === 0 ? undefined : resolveTaskNumber(env, 'retries', vars);
  const attempts = until.length === 0 ? 1 : retries === undefined ? DEFAULT_UNTIL_ATTEMPTS : Math.max(1, retries + 1);
  const delayMs = until.length === 0 ? 0 : Math.max(0, resolveTaskNumber(env, 'delay', vars) ?? DEFAULT_DELAY_SECONDS) * 1000;
  const timeout = resolveTaskNumber(env, 'timeout', vars);
  const limit = asyncLimit(env, vars, timeout);
  const timeoutMs = limit.seconds !== undefined ? limit.seconds * 1000 : undefined;

  let outcome: ExecuteOutcome = { raw: {} };
  let lostBefore = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1 || timeoutMs !== undefined) {
      run.bus.emit({ type: 'task-attempt', host: env.host.name, task: env.name, attempt, attempts, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    }
    try {
      outcome = await runModule(env, vars, timeoutMs);
      if (limit.async) asAsyncResult(outcome.raw, limit.async, limit.seconds === limit.async);
    } catch (error) {
      // Without until, or when the host was never reached, the error makes the host unreachable.
      const lostNow = isLostConnection(error) && lastConnectionWasUp(env.host);
      if (until.length === 0 || !isUnreachableError(error) || !(lostNow || lostBefore)) throw error;
      lostBefore = true;
      await dropHostConnection(env.host);
      outcome = { raw: lostConnectionResult(error) };
    }
    const raw = outcome.raw;
    const lost = raw.unreachable === true;
    if (until.length > 0) raw.attempts = attempt;
    if (!lost && raw.skipped !== true && raw.interrupted !== true) applyResultConditions(env, raw, fixed);
    if (until.length === 0 || raw.interrupted === true) break;
    if (lost ? resultHoldsOrFalse(env, until, raw, fixed) : resultHolds(env, until, raw, fixed)) break;
    if (attempt === attempts) {
      raw.failed = true;
      if (raw.msg === undefined) raw.msg = `the until condition did not hold after ${attempts} attempts`;
      break;
    }
    if (lost) {
      const why = env.scope.noLog === true ? 'connection lost' : String(raw.msg);
      run.bus.emit({ type: 'warning', host: env.host.name, task: env.name, msg: `${why} (attempt ${attempt} of ${attempts}); retrying on a new connection` });
    }
    if (run.interrupted()) break;
    await run.sleep(delayMs, run.options.signal);
    if (run.interrupted()) {
      Object.assign(raw, { failed: true, interrupted: true, msg: 'interrupted' });
      break;
    }
  }
  return outcome;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

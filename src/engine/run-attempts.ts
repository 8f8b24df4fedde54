import { randomInt } from 'node:crypto';
import { evaluateConditions } from '../template/render.js';
import { dropHostConnection, isLostConnection, isUnreachableError, lastConnectionWasUp, lostConnectionResult } from './connection-loss.js';
import type { RawResult } from './raw-result.js';
import { runModule, type ExecuteOutcome } from './run-module.js';
import { resolveTaskNumber } from './task-numbers.js';
import { varsFor, type TaskEnv } from './task-env.js';

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
export async function runAttempts(env: TaskEnv, fixed: Readonly<Record<string, unknown>> | undefined): Promise<ExecuteOutcome> {
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
    if (lost ? holdsOrFalse(env, until, raw, fixed) : holds(env, until, raw, fixed)) break;
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

/**
 * The time limit of an attempt: the task's `timeout`, or its `async` when that is shorter or
 * alone (Ansible's asynchronous task with `poll` > 0 fails past `async` seconds; tpx keeps the
 * connection and waits instead of polling a job file on the host).
 */
function asyncLimit(env: TaskEnv, vars: Record<string, unknown>, timeout: number | undefined): { seconds?: number; async?: number } {
  const asyncSeconds = resolveTaskNumber(env, 'async', vars);
  const timed = timeout !== undefined && timeout > 0 ? timeout : undefined;
  if (asyncSeconds === undefined || asyncSeconds <= 0) return { seconds: timed };
  return { seconds: timed === undefined ? asyncSeconds : Math.min(timed, asyncSeconds), async: asyncSeconds };
}

/**
 * An async task's result as Ansible gives it: a job id, `started`/`finished`, and its own
 * message when `async` (not a shorter `timeout`) stopped it.
 */
function asAsyncResult(raw: RawResult, seconds: number, asyncStopsIt: boolean): void {
  const job = { ansible_job_id: `j${randomInt(1e11, 1e12)}.${process.pid}`, started: 1 };
  if (raw.timedout === true && asyncStopsIt) {
    Object.assign(raw, {
      changed: false,
      msg: `async task did not complete within the requested time - ${seconds}s`,
      async_result: { ...job, finished: 0, stdout: raw.stdout ?? '', stderr: raw.stderr ?? '' },
    });
  } else Object.assign(raw, { ...job, finished: 1 });
}

/** `changed_when` and `failed_when`, which replace the module's own verdict. */
function applyResultConditions(env: TaskEnv, raw: RawResult, fixed: Readonly<Record<string, unknown>> | undefined): void {
  const { changedWhen, failedWhen } = env.task;
  if (changedWhen && changedWhen.length > 0) {
    try {
      raw.changed = holds(env, changedWhen, raw, fixed);
    } catch (error) {
      Object.assign(raw, { failed: true, changed_when_result: messageOf(error), msg: `changed_when: ${messageOf(error)}` });
      return;
    }
  }
  if (failedWhen && failedWhen.length > 0) {
    try {
      const failed = holds(env, failedWhen, raw, fixed);
      Object.assign(raw, { failed, failed_when_result: failed });
    } catch (error) {
      Object.assign(raw, { failed: true, failed_when_result: messageOf(error), msg: `failed_when: ${messageOf(error)}` });
    }
  }
}

/** Evaluates conditions with the attempt's result bound to the task's `register` name. */
function holds(env: TaskEnv, conditions: readonly string[], raw: RawResult, fixed: Readonly<Record<string, unknown>> | undefined): boolean {
  const bound = env.task.register ? { ...fixed, [env.task.register]: raw } : fixed;
  return evaluateConditions(conditions, { vars: varsFor(env, bound), host: env.host.name, task: env.name });
}

/** `until` on a lost attempt: a condition that cannot even be evaluated on it (no output to parse) does not hold. */
function holdsOrFalse(env: TaskEnv, conditions: readonly string[], raw: RawResult, fixed: Readonly<Record<string, unknown>> | undefined): boolean {
  try {
    return holds(env, conditions, raw, fixed);
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { randomInt } from 'node:crypto';
import type { RawResult } from './raw-result.js';
import type { TaskEnv } from './task-env.js';
import { resolveTaskNumber } from './task-numbers.js';

/**
 * The time limit of an attempt: the task's `timeout`, or its `async` when that is shorter or
 * alone (Ansible's asynchronous task with `poll` > 0 fails past `async` seconds; tpx keeps the
 * connection and waits instead of polling a job file on the host).
 */
export function asyncLimit(env: TaskEnv, vars: Record<string, unknown>, timeout: number | undefined): { seconds?: number; async?: number } {
  const asyncSeconds = resolveTaskNumber(env, 'async', vars);
  const timed = timeout !== undefined && timeout > 0 ? timeout : undefined;
  if (asyncSeconds === undefined || asyncSeconds <= 0) return { seconds: timed };
  return { seconds: timed === undefined ? asyncSeconds : Math.min(timed, asyncSeconds), async: asyncSeconds };
}

/**
 * An async task's result as Ansible gives it: a job id, `started`/`finished`, and its own
 * message when `async` (not a shorter `timeout`) stopped it.
 */
export function asAsyncResult(raw: RawResult, seconds: number, asyncStopsIt: boolean): void {
  const job = { ansible_job_id: `j${randomInt(1e11, 1e12)}.${process.pid}`, started: 1 };
  if (raw.timedout === true && asyncStopsIt) {
    Object.assign(raw, {
      changed: false,
      msg: `async task did not complete within the requested time - ${seconds}s`,
      async_result: { ...job, finished: 0, stdout: raw.stdout ?? '', stderr: raw.stderr ?? '' },
    });
  } else Object.assign(raw, { ...job, finished: 1 });
}

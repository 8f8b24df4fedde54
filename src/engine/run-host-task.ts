import { withLoopItems } from '../template/with-loops.js';
import { UndefinedVariableError } from '../template/errors.js';
import { evaluateConditions, renderValue } from '../template/render.js';
import { UndefinedAccess } from '../template/undefined.js';
import { isLostConnection, isUnreachableError, lastConnectionWasUp } from './connection-loss.js';
import { combineLoopResults, failedResult, skippedResult, type HostTaskOutcome, type RawResult } from './raw-result.js';
import { runAttempts } from './run-attempts.js';
import { varsFor, type TaskEnv } from './task-env.js';

/**
 * Runs one task on one host: `when` (per item in a loop), the loop, retries; turns every
 * error into a result, so a failed host is a result and not an exception. A failure to
 * connect, or a connection lost mid-task that retries could not recover, makes the result
 * unreachable; any other error (a file transfer refused, sudo refused) fails the task.
 */
export async function runHostTask(env: TaskEnv): Promise<HostTaskOutcome> {
  const started = Date.now();
  let raw: RawResult;
  let facts: Record<string, unknown> | undefined;
  let unreachableKind: string | undefined;
  try {
    if (env.task.loop === undefined) {
      const when = [...env.scope.when];
      if (when.length > 0 && !evaluateConditions(when, { vars: varsFor(env), host: env.host.name, task: env.name })) {
        raw = skippedResult(when.join(' and '));
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
    const fixed = { [task.loopVar]: item, ansible_loop_var: task.loopVar, ansible_loop: loopInfo(items, i) };
    let itemRaw: RawResult;
    const when = env.scope.when;
    if (when.length > 0 && !evaluateConditions(when, { vars: varsFor(env, fixed), host: env.host.name, task: env.name })) {
      itemRaw = skippedResult(when.join(' and '));
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

/** `loop:` as a list (its items templated) or a template that renders to one; a `with_*` loop's items from its value. */
export function resolveLoopItems(env: TaskEnv): unknown[] {
  const value = renderValue(env.task.loop, { vars: varsFor(env), host: env.host.name, task: env.name });
  if (env.task.loopKind) return withLoopItems(env.task.loopKind, value);
  if (!Array.isArray(value)) {
    throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Ansible's `ansible_loop` (loop_control.extended). */
export function loopInfo(items: readonly unknown[], i: number): Record<string, unknown> {
  const n = items.length;
  return {
    index: i + 1,
    index0: i,
    revindex: n - i,
    revindex0: n - i - 1,
    first: i === 0,
    last: i === n - 1,
    length: n,
    allitems: items,
    ...(i > 0 ? { previtem: items[i - 1] } : {}),
    ...(i < n - 1 ? { nextitem: items[i + 1] } : {}),
  };
}

/** The status a raw result stands for. */
export function statusOf(raw: RawResult): HostTaskOutcome['status'] {
  if (raw.unreachable === true) return 'unreachable';
  if (raw.failed === true) return 'failed';
  if (raw.skipped === true) return 'skipped';
  return raw.changed === true ? 'changed' : 'ok';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

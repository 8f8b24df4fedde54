import { evaluateConditions } from '../template/render.js';
import type { RawResult } from './raw-result.js';
import { varsFor, type TaskEnv } from './task-env.js';

type ItemVars = Readonly<Record<string, unknown>> | undefined;

/** The task's `when` (with the loop item's variables, in a loop): true when it has none. */
export function whenHolds(env: TaskEnv, fixed?: ItemVars): boolean {
  const when = env.scope.when;
  return when.length === 0 || evaluateConditions(when, { vars: varsFor(env, fixed), host: env.host.name, task: env.name });
}

/** `changed_when` and `failed_when`, which replace the module's own verdict. */
export function applyResultConditions(env: TaskEnv, raw: RawResult, fixed: ItemVars): void {
  const { changedWhen, failedWhen } = env.task;
  if (changedWhen && changedWhen.length > 0) {
    try {
      raw.changed = resultHolds(env, changedWhen, raw, fixed);
    } catch (error) {
      Object.assign(raw, { failed: true, changed_when_result: messageOf(error), msg: `changed_when: ${messageOf(error)}` });
      return;
    }
  }
  if (failedWhen && failedWhen.length > 0) {
    try {
      const failed = resultHolds(env, failedWhen, raw, fixed);
      Object.assign(raw, { failed, failed_when_result: failed });
    } catch (error) {
      Object.assign(raw, { failed: true, failed_when_result: messageOf(error), msg: `failed_when: ${messageOf(error)}` });
    }
  }
}

/** Evaluates conditions with the attempt's result bound to the task's `register` name. */
export function resultHolds(env: TaskEnv, conditions: readonly string[], raw: RawResult, fixed: ItemVars): boolean {
  const bound = env.task.register ? { ...fixed, [env.task.register]: raw } : fixed;
  return evaluateConditions(conditions, { vars: varsFor(env, bound), host: env.host.name, task: env.name });
}

/** `until` on a lost attempt: a condition that cannot even be evaluated on it (no output to parse) does not hold. */
export function resultHoldsOrFalse(env: TaskEnv, conditions: readonly string[], raw: RawResult, fixed: ItemVars): boolean {
  try {
    return resultHolds(env, conditions, raw, fixed);
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

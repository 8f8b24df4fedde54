import type { Task } from '../playbook/types.js';
import type { HostRuntime } from './host-runtime.js';
import type { BatchContext, RunContext } from './run-context.js';
import type { Scope } from './scope.js';
import { buildTaskVars } from './task-vars.js';

/** One task on one host: what every step of running it needs. */
export interface TaskEnv {
  readonly run: RunContext;
  readonly batch: BatchContext;
  readonly host: HostRuntime;
  readonly task: Task;
  /** The task's own keywords over its blocks' and play's. */
  readonly scope: Scope;
  /** The task's name as shown (templated when possible). */
  readonly name: string;
  /** Effective check mode: the task's `check_mode` over `--check`. */
  readonly check: boolean;
}

/** The task's variables for this host, with final values (loop item, registered result) on top. */
export function varsFor(env: TaskEnv, fixed?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return buildTaskVars({
    playCtx: env.batch.playCtx,
    batch: env.batch,
    host: env.host,
    scopeVars: env.scope.hostVars ? [...env.scope.vars, ...env.scope.hostVars.map((layer) => layer.get(env.host.name) ?? {})] : env.scope.vars,
    check: env.check,
    task: env.name,
    fixed,
  });
}

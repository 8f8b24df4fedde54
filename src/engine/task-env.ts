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

/**
 * The variables of a task on a host without final values, built once (see varsFor): by the
 * task's scope (a new one each time a task runs) and the host.
 */
const built = new WeakMap<Scope, WeakMap<HostRuntime, Record<string, unknown>>>();

/**
 * The task's variables for this host, with final values (loop item, registered result) on top.
 * Without final values they are built once for the task on the host and shared by every step
 * that reads them (when, loop, the attempts, ignore_errors): the same view, the same renders.
 */
export function varsFor(env: TaskEnv, fixed?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (fixed !== undefined) return build(env, fixed);
  let byHost = built.get(env.scope);
  if (byHost === undefined) {
    byHost = new WeakMap();
    built.set(env.scope, byHost);
  }
  let vars = byHost.get(env.host);
  if (vars === undefined) {
    vars = build(env, undefined);
    byHost.set(env.host, vars);
  }
  return vars;
}

function build(env: TaskEnv, fixed: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
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

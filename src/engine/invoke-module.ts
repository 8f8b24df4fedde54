import { CONNECTION_VAR_NAMES, readConnectionVars } from '../inventory/connection-vars.js';
import { readVarsFile } from '../inventory/read-vars-file.js';
import { evaluateExpression, renderValue } from '../template/render.js';
import { executePlan, type ExecuteOutcome } from './execute-plan.js';
import { pyStr } from '../template/python-values.js';
import type { Connection } from '../transport/connection.js';
import { dropHostConnection } from './connection-loss.js';
import { getHostConnection, snapshotVars } from './host-connection.js';
import { renderEnvironment } from './task-environment.js';
import { delegateConnectionVars, localConnection, resolveTaskTarget, type TaskTarget } from './task-target.js';
import { readOutputLimit } from './output-limit.js';
import { failedResult } from './raw-result.js';
import type { TaskEnv } from './task-env.js';

/**
 * One invocation of the task's module on the host with the given variables: template the
 * arguments, work out become and check mode, then plan and execute.
 */
export async function invokeModule(env: TaskEnv, vars: Record<string, unknown>, timeoutMs?: number): Promise<ExecuteOutcome> {
  const { run, host, task, scope } = env;
  const module = run.getModule(task.module);
  if (!module) return { raw: failedResult(`unknown module "${task.module}"`) };
  const tctx = { vars, host: host.name, task: env.name };
  const args = renderValue(task.args, tctx) as Record<string, unknown>;
  const conn = readConnectionVars(snapshotVars(vars, Object.values(CONNECTION_VAR_NAMES).flat()));
  let environment: Record<string, string>;
  let remoteUser: string | undefined;
  let target: TaskTarget;
  try {
    environment = renderEnvironment(scope.environment, tctx);
    remoteUser = scope.remoteUser === undefined ? undefined : pyStr(renderValue(scope.remoteUser, tctx));
    target = resolveTaskTarget(run, host, scope, vars, tctx);
  } catch (error) {
    return { raw: failedResult(error instanceof Error ? error.message : String(error)) };
  }
  const become = scope.become ?? conn.become ?? run.options.becomeDefaults?.become ?? false;
  const becomeUser = scope.becomeUser ?? conn.becomeUser ?? run.options.becomeDefaults?.becomeUser ?? 'root';
  const verbose = run.options.verbosity;
  const noLog = scope.noLog === true;
  const outputLimit = readOutputLimit(vars);

  // The opening task's own become goes with the connection vars: the run lock is taken as
  // root when it runs as root (host-lock.ts). Keyed by the remote_user keyword alone: a task
  // or loop variable that happens to be named `user` never makes tpx log in again (an
  // ansible_user variable still wins over the keyword). `extra`: variables for a new
  // connection only (a reconnect's connect_timeout).
  let used = false;
  const connection = async (extra: Record<string, unknown> = {}): Promise<Connection> => {
    if (target.kind === 'local') return localConnection(run, target.name);
    used = true;
    const settings = target.delegated ? delegateConnectionVars(vars, target.host) : snapshotVars(vars, connectionVarNames(env));
    const user = readConnectionVars(settings).user;
    return getHostConnection(
      run,
      target.host,
      remoteUser,
      () => ({
        ...settings,
        ...(user === undefined && remoteUser !== undefined ? { ansible_user: remoteUser } : {}),
        become,
        become_user: becomeUser,
        ...extra,
      }),
      host,
    );
  };

  return executePlan({
    module,
    args,
    ctx: {
      host: host.name,
      check: env.check,
      diff: run.options.diff,
      become,
      becomeUser,
      playbookDir: run.playbookDir,
      roleDir: task.roleDir,
      taskFile: task.pos.file,
      readVarsFile: (file) => readVarsFile(file, run.options.vaultSecrets),
      vars,
      verbosity: verbose,
      evaluate: (expression) => evaluateExpression(expression, tctx),
      task: env.name,
      signal: run.options.signal,
      ask: run.options.ask,
      local: target.kind === 'local',
    },
    connection: () => connection(),
    // reboot, wait_for_connection: the connection this task used is closed (letting its run
    // lock go, if it still can) and a new one opened, which takes the lock again as any does.
    reconnect: async (connectTimeout) => {
      if (used) await dropHostConnection(host);
      return connection(connectTimeout === undefined ? {} : { connect_timeout: connectTimeout });
    },
    environment: Object.keys(environment).length > 0 ? environment : undefined,
    timeoutMs,
    outputLimit,
    signal: run.options.signal,
    onCommand: noLog
      ? undefined
      : (command, kind) => {
          if (verbose >= (kind === 'fact' ? 2 : 1)) run.bus.emit({ type: 'task-command', host: host.name, task: env.name, command });
        },
    onNotice: noLog ? undefined : (msg) => run.bus.emit({ type: 'warning', host: host.name, task: env.name, msg }),
    onOutput: noLog ? undefined : (stream, chunk) => run.bus.emit({ type: 'task-output', host: host.name, task: env.name, stream, chunk }),
  });
}

/** Names of the variables that can configure a connection: those the inventory, play, blocks, task and -e define. */
function connectionVarNames(env: TaskEnv): string[] {
  return [
    ...Object.keys(env.host.inventory.vars),
    ...Object.keys(env.batch.playCtx.play.vars),
    ...env.batch.playCtx.play.varsFiles.flatMap((file) => Object.keys(file.vars ?? {})),
    ...env.scope.vars.flatMap((layer) => Object.keys(layer)),
    ...Object.keys(env.host.facts),
    ...Object.keys(env.run.options.extraVars),
  ];
}

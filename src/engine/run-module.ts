import { CONNECTION_VAR_NAMES, readConnectionVars } from '../inventory/connection-vars.js';
import { readVarsFile } from '../inventory/read-vars-file.js';
import type { Action, AwaitAction, FactResults, ModuleDefinition, OneTrip, PlanContext } from '../modules/module.js';
import { evaluateExpression, renderValue } from '../template/render.js';
import { pyStr } from '../template/python-values.js';
import type { Connection, ExecResult } from '../transport/connection.js';
import { actionFailure, describeFailure, execFields, planResult, stoppedResult } from './action-results.js';
import { runAwait } from './await-action.js';
import { dropHostConnection, isLostConnection } from './connection-loss.js';
import { getHostConnection, snapshotVars } from './host-connection.js';
import { readOutputLimit } from './output-limit.js';
import { failedResult } from './raw-result.js';
import type { TaskEnv } from './task-env.js';
import { renderEnvironment } from './task-environment.js';
import { delegateConnectionVars, localConnection, resolveTaskTarget, type TaskTarget } from './task-target.js';

/** One module invocation on one host, with its parameters already templated. */
export interface ExecuteRequest {
  readonly module: ModuleDefinition;
  readonly args: Readonly<Record<string, unknown>>;
  readonly ctx: PlanContext;
  /** Opens (or reuses) the host's connection; throws ConnectionError. Never called for local modules. */
  readonly connection: () => Promise<Connection>;
  /**
   * Closes the connection the task used and opens a new one (`connectTimeout` seconds for the
   * handshake when given); throws ConnectionError. For `await` actions (reboot, wait_for_connection).
   */
  readonly reconnect?: (connectTimeout?: number) => Promise<Connection>;
  /** The task's `timeout`, in milliseconds, for facts and actions together. */
  readonly timeoutMs?: number;
  /** The task's `environment`, exported in the shell of every command it runs (never shown). */
  readonly environment?: Readonly<Record<string, string>>;
  /** `tpx_output_limit`: bytes of stdout, and of stderr, kept per command (the transport's default when absent). */
  readonly outputLimit?: number;
  readonly signal?: AbortSignal;
  /** A command is about to run (fact commands are reported too, marked). */
  readonly onCommand?: (command: string, kind: 'fact' | 'action') => void;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Shows a plan's notices (warnings that are not part of the result); absent under no_log. */
  readonly onNotice?: (msg: string) => void;
}

/** What the invocation did: the result as `register` sees it, and set_fact's facts. */
export interface ExecuteOutcome {
  readonly raw: Record<string, unknown>;
  readonly facts?: Readonly<Record<string, unknown>>;
}

/**
 * The third stage of a task's walk (docs/architecture.md): one attempt of the task's module
 * on the host with the given variables. Templates the arguments, works out the target (the
 * host, a `delegate_to` host or the controller), its connection, become and check mode, then
 * plans and executes; the raw result goes back to run-task.ts.
 */
export async function runModule(env: TaskEnv, vars: Record<string, unknown>, timeoutMs?: number): Promise<ExecuteOutcome> {
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
    return { raw: failedResult(messageOf(error)) };
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

/**
 * Plan, then execute: normalise the parameters, read the facts the module asks for, let it
 * plan, and — unless in check mode — run its actions in order. An exec with a non-zero rc
 * stops and fails the task. ConnectionError propagates (the host is unreachable).
 */
export async function executePlan(req: ExecuteRequest): Promise<ExecuteOutcome> {
  const { module, ctx } = req;
  const deadline = req.timeoutMs !== undefined ? Date.now() + req.timeoutMs : undefined;
  let params: Record<string, unknown>;
  try {
    params = (module.normalise ? module.normalise(req.args) : req.args) as Record<string, unknown>;
  } catch (error) {
    return { raw: { changed: false, failed: true, msg: `${module.name}: ${messageOf(error)}` } };
  }

  const trip = !module.local && !ctx.check && module.oneTrip ? await module.oneTrip(params, ctx) : undefined;
  if (trip) return runOneTrip(trip, req, deadline);

  const facts: Record<string, ExecResult> = {};
  const requests = !module.local && module.facts ? module.facts(params, ctx) : [];
  for (const fact of requests) {
    const conn = await req.connection();
    req.onCommand?.(fact.command, 'fact');
    const res = await runExec(conn, fact.command, { become: fact.become ?? ctx.become, stdin: fact.stdin }, req, deadline);
    const stop = stoppedResult(res, req, module.name);
    if (stop) return { raw: stop };
    facts[fact.key] = res;
  }

  const plan = await module.plan(params, facts as FactResults, ctx);
  for (const msg of plan.notices ?? []) req.onNotice?.(msg);
  const base = planResult(plan);
  // A failed plan keeps its changed: a module that changed the host before it failed says so (get_url).
  if (plan.failed) return { raw: { ...base, failed: true } };
  if (plan.skipped) return { raw: { ...base, changed: false, skipped: true } };
  if (ctx.check && plan.skipInCheckMode) {
    return { raw: { ...base, changed: false, skipped: true, msg: plan.msg ?? 'Command would have run if not in check mode' } };
  }
  if (ctx.check || plan.actions.length === 0 || module.local) return { raw: { ...base, failed: false }, facts: plan.facts };

  const started = Date.now();
  // Whole seconds, rounded down, as Ansible's reboot and wait_for_connection count them.
  const timed = (raw: Record<string, unknown>): Record<string, unknown> =>
    plan.elapsed ? { ...raw, elapsed: Math.floor((Date.now() - started) / 1000) } : raw;
  let last: ExecResult | undefined;
  for (const [index, action] of plan.actions.entries()) {
    if (action.kind === 'await') {
      // It opens its own connections: the host may be down when it starts.
      const outcome = await awaitAction(action, req, deadline);
      if (outcome.kind === 'stopped') return { raw: timed({ ...base, ...stoppedResult(outcome.result, req, module.name) }) };
      if (outcome.kind === 'timeout') return { raw: timed({ ...base, ...actionFailure(action.onTimeout, { error: outcome.error }) }) };
      continue;
    }
    // Asked for each action: an `await` action may have replaced the connection.
    const conn = await req.connection();
    if (action.kind === 'put') {
      await putFile(conn, action, req);
      continue;
    }
    const res = await runExecAction(conn, action, req, deadline);
    last = res;
    const stop = stoppedResult(res, req, module.name);
    if (stop) return { raw: timed({ ...base, ...stop }) };
    if (res.rc !== 0 && !plan.resultFromLastExec) {
      if (action.onFailure) return { raw: timed({ ...base, ...actionFailure(action.onFailure, { stdout: res.stdout.trim(), stderr: res.stderr.trim() }) }) };
      // A first action that failed left the host as it was (a write refused by validate), as Ansible reports it.
      const unchanged = index === 0 ? { changed: false } : {};
      return { raw: { ...base, ...execFields(res), ...unchanged, failed: true, msg: describeFailure(action, res) } };
    }
  }
  const raw: Record<string, unknown> = timed({ ...base, failed: false });
  if (plan.resultFromLastExec && last) {
    Object.assign(raw, execFields(last));
    if (last.rc !== 0) Object.assign(raw, { failed: true, msg: 'non-zero return code' });
  }
  return { raw, facts: plan.facts };
}

/** A module's one-trip command: run as its action, its result settled by the module. */
async function runOneTrip(trip: OneTrip, req: ExecuteRequest, deadline: number | undefined): Promise<ExecuteOutcome> {
  const conn = await req.connection();
  req.onCommand?.(trip.command, 'action');
  const res = await runExec(conn, trip.command, { become: trip.become, stdin: trip.stdin }, req, deadline);
  const stop = stoppedResult(res, req, req.module.name);
  if (stop) return { raw: stop };
  const plan = trip.settle(res);
  // A failed command's rc and output are in the result, as a failed action's are.
  if (plan.failed && res.rc !== 0) return { raw: { ...planResult(plan), ...execFields(res), changed: false, failed: true } };
  return { raw: { ...planResult(plan), failed: plan.failed === true } };
}

async function putFile(conn: Connection, action: Action & { kind: 'put' }, req: ExecuteRequest): Promise<void> {
  const become = action.become ?? req.ctx.become;
  req.onCommand?.(`put ${action.path}`, 'action');
  await conn.put(action.content, action.path, { mode: action.mode, owner: action.owner, become, becomeUser: become ? req.ctx.becomeUser : undefined });
}

async function runExecAction(conn: Connection, action: Action & { kind: 'exec' }, req: ExecuteRequest, deadline: number | undefined): Promise<ExecResult> {
  req.onCommand?.(action.display ?? action.command, 'action');
  try {
    return await runExec(conn, action.command, { become: action.become ?? req.ctx.become, stdin: action.stdin, stream: true }, req, deadline);
  } catch (error) {
    if (!action.mayDisconnect || !isLostConnection(error)) throw error;
    return { rc: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 0 };
  }
}

/** An `await` action: its command tried until it passes, over new connections when needed. */
function awaitAction(action: AwaitAction, req: ExecuteRequest, deadline: number | undefined): ReturnType<typeof runAwait> {
  const become = action.become ?? req.ctx.become;
  return runAwait(action, {
    connection: req.connection,
    reconnect: req.reconnect ?? (() => req.connection()),
    exec: (conn) => {
      req.onCommand?.(action.command, 'action');
      return runExec(conn, action.command, { become }, req, deadline);
    },
    deadline,
    signal: req.signal,
  });
}

async function runExec(
  conn: Connection,
  command: string,
  opts: { become: boolean; stdin?: string | Buffer; stream?: boolean },
  req: ExecuteRequest,
  deadline: number | undefined,
): Promise<ExecResult> {
  const timeoutMs = deadline !== undefined ? Math.max(1, deadline - Date.now()) : undefined;
  const onOutput = opts.stream ? req.onOutput : undefined;
  return conn.exec(command, {
    environment: req.environment,
    become: opts.become,
    becomeUser: opts.become ? req.ctx.becomeUser : undefined,
    timeoutMs,
    stdin: opts.stdin,
    outputLimit: req.outputLimit,
    signal: req.signal,
    onStdout: onOutput && ((c) => onOutput('stdout', c)),
    onStderr: onOutput && ((c) => onOutput('stderr', c)),
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

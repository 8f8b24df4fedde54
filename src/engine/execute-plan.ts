import type { Action, ActionFailure, AwaitAction, FactResults, ModuleDefinition, Plan, PlanContext } from '../modules/module.js';
import type { Connection, ExecResult } from '../transport/connection.js';
import { runAwait } from './await-action.js';
import { isLostConnection } from './connection-loss.js';
import { splitLines } from './raw-result.js';

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
      if (outcome.kind === 'timeout') return { raw: timed({ ...base, ...failure(action.onTimeout, { error: outcome.error }) }) };
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
      if (action.onFailure) return { raw: timed({ ...base, ...failure(action.onFailure, { stdout: res.stdout.trim(), stderr: res.stderr.trim() }) }) };
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

function planResult(plan: Plan): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...(plan.returns ?? {}), changed: plan.changed };
  if (plan.msg !== undefined) raw.msg = plan.msg;
  if (plan.diff !== undefined) raw.diff = plan.diff;
  if (plan.facts !== undefined) raw.ansible_facts = { ...plan.facts };
  return raw;
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

/** A failure the module words itself; `{name}` in its msg is replaced by `values[name]`. */
function failure(f: ActionFailure, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const msg = f.msg.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  return { changed: false, ...f.returns, failed: true, msg };
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

/**
 * A command that was stopped (interrupt or timeout) ends the task as failed. An interrupted
 * command's last line on stderr is how it ended on the host (the upgrade's "restored from
 * backup …"): the message carries it.
 */
function stoppedResult(res: ExecResult, req: ExecuteRequest, moduleName: string): Record<string, unknown> | undefined {
  if (req.signal?.aborted) {
    const last = lastLine(res.stderr);
    return { ...execFields(res), changed: false, failed: true, interrupted: true, msg: last ? `interrupted; its last word: ${last}` : 'interrupted' };
  }
  if (res.timedOut) {
    const seconds = req.timeoutMs !== undefined ? req.timeoutMs / 1000 : undefined;
    return {
      ...execFields(res),
      changed: false,
      failed: true,
      timedout: true,
      msg: `the ${moduleName} task did not finish within its timeout${seconds !== undefined ? ` of ${seconds}s` : ''} and was stopped`,
    };
  }
  return undefined;
}

/**
 * rc, stdout and stderr as Ansible's command module returns them: trailing newlines stripped.
 * Also whether each was cut by tpx_output_limit and how many bytes were not kept, always
 * present so that `when: not r.stdout_truncated` never meets an undefined variable.
 */
function execFields(res: ExecResult): Record<string, unknown> {
  const stdout = res.stdout.replace(/[\r\n]+$/, '');
  const stderr = res.stderr.replace(/[\r\n]+$/, '');
  const stdoutDropped = res.stdoutDropped ?? 0;
  const stderrDropped = res.stderrDropped ?? 0;
  return {
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    stdout_truncated: stdoutDropped > 0,
    stdout_dropped_bytes: stdoutDropped,
    stderr_truncated: stderrDropped > 0,
    stderr_dropped_bytes: stderrDropped,
  };
}

function describeFailure(action: Action & { kind: 'exec' }, res: ExecResult): string {
  const lastLine = res.stderr.trim().split('\n').pop() ?? '';
  return `${action.display ?? action.command}: exit code ${res.rc}${lastLine ? `: ${lastLine}` : ''}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last non-empty line of a text, cut to 300 characters. */
function lastLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .at(-1) ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

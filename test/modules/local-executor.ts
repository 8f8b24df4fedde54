import { spawnSync } from 'node:child_process';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from '../../src/modules/module.js';
import type { ExecResult } from '../../src/transport/connection.js';

/**
 * A test-only executor: runs a module's facts and actions on this machine with /bin/sh
 * (dash on Debian, so the commands are proven POSIX), no sudo. It mirrors the engine's
 * order — normalise, the one-trip command when the module offers one, else facts, plan,
 * actions unless check — to prove the generated commands
 * really work and are idempotent.
 */

export interface LocalRun {
  readonly plan: Plan;
  readonly facts: FactResults;
  /** Results of the exec actions that ran. */
  readonly execs: readonly ExecResult[];
  readonly failed: boolean;
  readonly msg?: string;
  /** The module's one-trip command ran instead of facts, plan and actions. */
  readonly oneTrip?: boolean;
}

/** A PlanContext for tests. */
export function makeContext(overrides: Partial<PlanContext> = {}): PlanContext {
  return { host: 'local', check: false, diff: false, become: false, becomeUser: 'root', playbookDir: '/nonexistent', vars: {}, verbosity: 0, ...overrides };
}

/** Runs one shell command line like a host's login shell would, with a timeout. */
export function runShell(command: string, cwd: string, stdin?: string | Buffer): ExecResult {
  const started = Date.now();
  const r = spawnSync('/bin/sh', ['-c', command], { cwd, input: stdin ?? '', timeout: 20_000 });
  return {
    rc: r.status,
    signal: r.signal,
    stdout: r.stdout?.toString('utf8') ?? '',
    stderr: r.stderr?.toString('utf8') ?? '',
    timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT',
    durationMs: Date.now() - started,
  };
}

/** Writes a file like the transport's put: temp file, mode (default 0644), owner, rename. */
function putLocally(action: Action & { kind: 'put' }): void {
  const temp = join(dirname(action.path), `.${basename(action.path)}.${randomBytes(4).toString('hex')}`);
  writeFileSync(temp, action.content);
  chmodSync(temp, action.mode ?? 0o644);
  if (action.owner) {
    const [user, group] = action.owner.split(':');
    const r = runShell(`chown ${user ? `'${user}'` : ''}${group ? `:'${group}'` : ''} '${temp}'`, '/');
    if (r.rc !== 0) throw new Error(`chown failed: ${r.stderr}`);
  }
  renameSync(temp, action.path);
}

/** Normalises, reads facts, plans and (unless check mode) runs the actions locally. */
export async function runLocally<P>(module: ModuleDefinition<P>, args: Record<string, unknown>, ctx: PlanContext, cwd = '/'): Promise<LocalRun> {
  const params = module.normalise ? module.normalise(args) : (args as P);
  const trip = !ctx.check && module.oneTrip ? await module.oneTrip(params, ctx) : undefined;
  if (trip) {
    const r = runShell(trip.command, cwd, trip.stdin);
    const plan = trip.settle(r);
    return { plan, facts: {}, execs: [r], failed: plan.failed === true, msg: plan.msg, oneTrip: true };
  }
  const facts: Record<string, ExecResult> = {};
  for (const f of module.facts?.(params, ctx) ?? []) facts[f.key] = runShell(f.command, cwd, f.stdin);
  const plan = await module.plan(params, facts, ctx);
  const execs: ExecResult[] = [];
  if (plan.failed) return { plan, facts, execs, failed: true, msg: plan.msg };
  if (ctx.check || plan.skipped) return { plan, facts, execs, failed: false, msg: plan.msg };
  for (const action of plan.actions) {
    if (action.kind === 'put') {
      putLocally(action);
      continue;
    }
    if (action.kind === 'await') throw new Error('an await action (reboot, wait_for_connection) needs the engine: test it through executePlan');
    const r = runShell(action.command, cwd, action.stdin);
    execs.push(r);
    if (r.rc !== 0 && !plan.resultFromLastExec) return { plan, facts, execs, failed: true, msg: `${action.command}: ${r.stderr}` };
  }
  const last = execs[execs.length - 1];
  const failed = Boolean(plan.resultFromLastExec && last && last.rc !== 0);
  return { plan, facts, execs, failed, msg: plan.msg };
}

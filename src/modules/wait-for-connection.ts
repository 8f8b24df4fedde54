import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { waitForConnectionParams } from './params/wait-for-connection.js';

/** Parameters of `wait_for_connection`, in seconds. */
export type WaitForConnectionParams = {
  readonly delay: number;
  readonly sleep: number;
  readonly timeout: number;
  readonly connectTimeout: number;
};

/** Reads wait_for_connection's parameters, with Ansible's defaults. */
export function normaliseWaitForConnection(raw: Readonly<Record<string, unknown>> | null): WaitForConnectionParams {
  const args = new ModuleArgs('wait_for_connection', raw ?? {}, paramNames(waitForConnectionParams));
  return {
    delay: args.int('delay', 0),
    sleep: args.int('sleep', 1),
    timeout: args.int('timeout', 600),
    connectTimeout: args.int('connect_timeout', 5),
  };
}

/**
 * One `await` action: a trivial command (Ansible runs its ping module), tried over a new
 * connection each time until it works. The first try uses the connection the host has, as
 * long as it works: a healthy host keeps its connection and its run lock.
 */
function planWaitForConnection(p: WaitForConnectionParams, ctx: PlanContext): Plan {
  // Ansible's action returns only `skipped`; its task executor adds `failed: false`, which `register` sees.
  if (ctx.check) return { changed: false, actions: [], skipped: true, returns: { failed: false } };
  return {
    changed: false,
    elapsed: true,
    actions: [
      {
        kind: 'await',
        command: 'true',
        become: ctx.become,
        connectTimeout: p.connectTimeout,
        delayMs: p.delay * 1000,
        timeoutMs: p.timeout * 1000,
        pauseMs: p.sleep * 1000,
        onTimeout: { msg: 'timed out waiting for ping module test: {error}' },
      },
    ],
  };
}

/** `wait_for_connection`: waits until the host takes a connection and runs a command; `elapsed`; skipped in check mode, as in Ansible. */
export const waitForConnectionModule: ModuleDefinition<WaitForConnectionParams> = {
  name: 'wait_for_connection',
  params: waitForConnectionParams,
  normalise: normaliseWaitForConnection,
  plan: (p, _facts, ctx) => planWaitForConnection(p, ctx),
};

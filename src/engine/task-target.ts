import { CONNECTION_VAR_NAMES } from '../inventory/connection-vars.js';
import { isImplicitLocalhost } from '../inventory/implicit-localhost.js';
import { renderValue, type TemplateContext } from '../template/render.js';
import { pyStr } from '../template/python-values.js';
import type { Connection } from '../transport/connection.js';
import { LocalConnection } from '../transport/local/local-connection.js';
import { snapshotVars } from './host-connection.js';
import type { HostRuntime } from './host-runtime.js';
import type { RunContext } from './run-context.js';
import type { Scope } from './scope.js';

/** Where a task's module runs: the controller, or an inventory host (the task's own, or the one it is delegated to). */
export type TaskTarget = { readonly kind: 'local'; readonly name: string } | { readonly kind: 'host'; readonly host: HostRuntime; readonly delegated: boolean };

/**
 * The task's target: `delegate_to` (rendered with the task's variables) or the task's host;
 * the controller when that is the implicit localhost, when its variables say
 * `ansible_connection: local`, or under `connection: local`. Throws an Error (the task fails)
 * for a delegate that is not in the inventory.
 */
export function resolveTaskTarget(run: RunContext, host: HostRuntime, scope: Scope, vars: Record<string, unknown>, tctx: TemplateContext): TaskTarget {
  const delegate = scope.delegateTo === undefined ? undefined : pyStr(renderValue(scope.delegateTo, tctx));
  const name = delegate ?? host.name;
  if (scope.connection === 'local' || isImplicitLocalhost(run.options.inventory.hosts, name)) return { kind: 'local', name };
  const target = name === host.name ? host : run.hosts.get(name);
  if (!target) {
    throw new Error(`delegate_to: "${name}" is not a host of the inventory; tpx delegates to inventory hosts and to localhost (the controller) only`);
  }
  const targetVars = target === host ? vars : hostvarsOf(vars, name);
  if (snapshotVars(targetVars, ['ansible_connection']).ansible_connection === 'local') return { kind: 'local', name };
  return { kind: 'host', host: target, delegated: target !== host };
}

/**
 * The connection settings of a delegated host: its own variables (inventory, `-e`), rendered,
 * read through the task's `hostvars` (one view per task, built with its variables).
 */
export function delegateConnectionVars(vars: Record<string, unknown>, target: HostRuntime): Record<string, unknown> {
  return snapshotVars(hostvarsOf(vars, target.name), Object.values(CONNECTION_VAR_NAMES).flat());
}

/** Another host's variables, from the task's `hostvars`. */
function hostvarsOf(vars: Record<string, unknown>, name: string): Record<string, unknown> {
  return (vars.hostvars as Record<string, Record<string, unknown>>)[name] ?? {};
}

const local = new WeakMap<RunContext, Map<string, LocalConnection>>();

/** The controller as a host, one connection per run and name. */
export function localConnection(run: RunContext, name: string): Connection {
  let byName = local.get(run);
  if (!byName) local.set(run, (byName = new Map()));
  let conn = byName.get(name);
  if (!conn) byName.set(name, (conn = new LocalConnection(name)));
  return conn;
}

import type { Connection } from '../transport/connection.js';
import type { HostRuntime } from './host-runtime.js';
import { isUnrenderable } from './lazy-vars.js';
import type { RunContext } from './run-context.js';

/**
 * The host's connection for a login user, opened the first time a task needs it and reused
 * for everything after. A ConnectionError propagates to the caller, which makes the host
 * unreachable. `vars` is read only when the connection is opened. `user` is the login user
 * the task asks for (undefined: the default). A task that asks for another one than the
 * last task's (`remote_user` changed between plays or tasks) logs in as that user on a
 * connection of its own, and the earlier connection stays open, idle, until the run ends
 * with the host: the run lock it holds is never let go in between, so no other run can
 * slip in at a switch. `taskHost` is the host whose task asks (the inventory host of a
 * delegated task, whose `host` is the delegate); it remembers which connection it used. (Under the same lock — both root's — the new connection takes the
 * lock over from the earlier one: the same tpx process.)
 */
export async function getHostConnection(
  run: RunContext,
  host: HostRuntime,
  user: string | undefined,
  vars: () => Record<string, unknown>,
  taskHost: HostRuntime = host,
): Promise<Connection> {
  const key = user ?? '';
  taskHost.lastConnection = { owner: host, key };
  let connection = host.connections.get(key);
  if (!connection) {
    connection = openConnection(run, host, vars());
    host.connections.set(key, connection);
    // A failed connect is reported through the task that needed it; avoid an unhandled rejection here.
    connection.catch(() => undefined);
  }
  return connection;
}

async function openConnection(run: RunContext, host: HostRuntime, vars: Record<string, unknown>): Promise<Connection> {
  const started = Date.now();
  run.bus.emit({ type: 'host-connecting', host: host.name });
  const conn = await run.options.connect(host.name, vars);
  host.connected = true;
  run.bus.emit({ type: 'host-connected', host: host.name, durationMs: Date.now() - started });
  return conn;
}

/** Closes every connection the run opened; errors while closing do not matter any more. */
export async function closeHostConnections(hosts: Iterable<HostRuntime>): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const host of hosts) {
    for (const connection of host.connections.values()) closing.push(connection.then((c) => c.close()).catch(() => undefined));
  }
  await Promise.all(closing);
}

/**
 * A plain copy of the variables that may configure the connection (inventory, play, block,
 * task and `-e` names), rendered; a value that cannot be rendered is left out.
 */
export function snapshotVars(view: Record<string, unknown>, names: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of new Set(names)) {
    try {
      const value = view[name];
      if (value !== undefined && !isUnrenderable(value)) out[name] = value;
    } catch {
      // Left out: a variable that does not render cannot configure anything.
    }
  }
  return out;
}

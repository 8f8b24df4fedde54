import type { Connection } from '../transport/connection.js';
import type { HostRuntime } from './host-runtime.js';
import { dropHostConnection } from './connection-loss.js';
import { isUnrenderable } from './lazy-vars.js';
import type { RunContext } from './run-context.js';

/**
 * The host's connection, opened the first time a task needs it and reused for everything
 * after. A ConnectionError propagates to the caller, which makes the host unreachable.
 * `vars` is read only when the connection is opened. `user` is the login user the task asks
 * for (undefined: the default); a task that asks for another one than the open connection's
 * (`remote_user` changed between plays or tasks) closes it and logs in anew, so a host never
 * holds two connections, nor two run locks.
 */
export async function getHostConnection(
  run: RunContext,
  host: HostRuntime,
  user: string | undefined,
  vars: () => Record<string, unknown>,
): Promise<Connection> {
  if (host.connection && host.connectionUser !== user) await dropHostConnection(host);
  if (!host.connection) {
    host.connectionUser = user;
    host.connection = openConnection(run, host, vars());
    // A failed connect is reported through the task that needed it; avoid an unhandled rejection here.
    host.connection.catch(() => undefined);
  }
  return host.connection;
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
    if (!host.connection) continue;
    closing.push(host.connection.then((c) => c.close()).catch(() => undefined));
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

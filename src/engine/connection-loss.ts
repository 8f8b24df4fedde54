import { ConnectionError } from '../errors/connection-error.js';
import type { HostRuntime } from './host-runtime.js';
import type { RawResult } from './raw-result.js';

/**
 * True for a connection error that makes the host unreachable: it could not be connected
 * to, or its connection broke. A become failure (sudo refused, wrong password) happens on a
 * live connection and is the task's failure, as in Ansible.
 */
export function isUnreachableError(error: unknown): error is ConnectionError {
  return error instanceof ConnectionError && error.kind !== 'become';
}

/** The connection broke while the task was running (the command was cut off, not re-run). */
export function isLostConnection(error: unknown): boolean {
  return error instanceof ConnectionError && error.kind === 'closed';
}

/**
 * One attempt that lost its connection, as `register` and `until` see it: rc 255 (OpenSSH's
 * code for a connection failure), no output, `unreachable: true`.
 */
export function lostConnectionResult(error: ConnectionError): RawResult {
  return {
    changed: false,
    failed: true,
    unreachable: true,
    rc: 255,
    stdout: '',
    stderr: '',
    stdout_lines: [],
    stderr_lines: [],
    msg: `connection lost: ${error.message}`,
  };
}

/**
 * Forgets the broken connection the host's last task used (closing what is left of it), so
 * the next command of that login user opens a new one through RunOptions.connect. For a
 * delegated task that is the delegate's connection, never the inventory host's own.
 */
export async function dropHostConnection(host: HostRuntime): Promise<void> {
  const last = host.lastConnection;
  if (last === undefined) return;
  const old = last.owner.connections.get(last.key);
  last.owner.connections.delete(last.key);
  await old?.then((c) => c.close()).catch(() => undefined);
}

/** Whether the connection the host's last task used had been established (a delegate's for a delegated task). */
export function lastConnectionWasUp(host: HostRuntime): boolean {
  return (host.lastConnection?.owner ?? host).connected;
}

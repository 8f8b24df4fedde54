import { hostname } from 'node:os';
import { readConnectionVars } from '../inventory/connection-vars.js';
import type { HostConnectionVars } from '../transport/connection.js';
import { HostSession, resolveConnectionSpec } from '../transport/ssh/index.js';
import { releaseHostLock, takeHostLock } from './host-lock.js';
import type { Connector } from './run-options.js';

/** What the CLI hands the connector: the run it works for and the secrets it prompted for. */
export interface SshConnectorOptions {
  readonly runId: string;
  /** When the run started (ISO time), recorded with the host lock. */
  readonly since: string;
  /** `-K`: fed to sudo on the channel, never in argv. */
  readonly becomePassword?: string;
  /** Aborting stops a connect (and its retries) in flight. */
  readonly signal?: AbortSignal;
  readonly warn: (host: string, msg: string) => void;
  /** Settings below every variable (`ansible.cfg`'s remote_user, private_key_file, host_key_checking, timeout). */
  readonly defaults?: Pick<HostConnectionVars, 'user' | 'identityFile' | 'hostKeyChecking' | 'connectTimeout'>;
}

/**
 * "A connection to host H with these variables": the host's connection settings read once,
 * merged with ~/.ssh/config, connected over SSH (reconnecting when a connection drops), and
 * the host's run lock taken on every connect and released on close (host-lock.ts). The lock
 * is root's when the connection works as root through sudo, else the login user's.
 */
export function sshConnector(options: SshConnectorOptions): Connector {
  const owner = { runId: options.runId, pid: process.pid, controller: hostname(), since: options.since };
  return async (host, vars) => {
    const connVars = hostConnectionVars(vars, options.defaults);
    const spec = resolveConnectionSpec(host, connVars);
    const scope = connVars.become && (connVars.becomeUser ?? 'root') === 'root' ? 'root' : 'user';
    const warn = (msg: string): void => options.warn(host, msg);
    const session = new HostSession(options.becomePassword ? { ...spec, becomePassword: options.becomePassword } : spec, {
      signal: options.signal,
      onWarning: warn,
      onConnect: (conn) => takeHostLock(conn, { ...owner, host }, scope, warn, options.signal),
      beforeClose: (conn) => releaseHostLock(conn),
    });
    await session.connection();
    return session;
  };
}

/**
 * A host's connection settings: those its variables give (the remote_user keyword arrives as
 * `ansible_user` when no variable names a user) over `defaults`, which sit below them all.
 */
export function hostConnectionVars(vars: Readonly<Record<string, unknown>>, defaults?: SshConnectorOptions['defaults']): HostConnectionVars {
  return { ...defaults, ...readConnectionVars(vars) };
}

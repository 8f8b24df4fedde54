import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import type { ConnectionError } from '../../errors/connection-error.js';
import { secretMasker, type SecretMasker } from '../../errors/mask-secrets.js';
import type { ConnectionSpec } from '../connection.js';
import type { AuthCredentials } from './auth-handler.js';
import { failConnection, mapConnectError, type FailureContext } from './connection-failure.js';
import { performHandshake } from './handshake.js';
import { formatJumpHost, parseJumpHost, type JumpHost } from './jump-host.js';
import { openTcpSocket, type HostLookup } from './open-tcp-socket.js';
import type { SecretPrompt } from './passphrase-prompt.js';
import { loadPrivateKeys } from './private-keys.js';
import { SshConnection } from './ssh-connection.js';

/** Knobs of connectSsh; all optional. */
export interface ConnectOptions {
  readonly signal?: AbortSignal;
  /** Where passwords and passphrases are registered; default the process-wide masker. */
  readonly masker?: SecretMasker;
  /** Name resolution; tests inject one so no resolver is asked. */
  readonly lookup?: HostLookup;
  /** Passphrase prompt for encrypted keys; default a no-echo TTY prompt when stdin is a terminal. */
  readonly promptPassphrase?: SecretPrompt;
  readonly env?: NodeJS.ProcessEnv;
  /** The server's MaxSessions (default 10): channels beyond it wait. */
  readonly maxSessions?: number;
  /** Unanswered keepalives before the connection counts as dead (default 3). */
  readonly keepaliveCountMax?: number;
  /**
   * Told what a connection went ahead despite, for the run's warnings: so far a host key that
   * known_hosts contradicts, let through by host_key_checking `off`. Default: nobody.
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * Opens one SSH connection to a host, through its jump hosts when it has some (each hop
 * over the previous hop's forwarded channel, each hop's host key checked). Rejects with a
 * ConnectionError whose kind says why and whose message names the host and the hop.
 */
export async function connectSsh(spec: ConnectionSpec, options: ConnectOptions = {}): Promise<SshConnection> {
  const masker = options.masker ?? secretMasker;
  masker.add(spec.password);
  masker.add(spec.becomePassword);
  const keys = await loadPrivateKeys(spec.identityFiles, { env: options.env, prompt: options.promptPassphrase });
  const hops = parseHops(spec);
  const target: JumpHost = { user: spec.user, host: spec.host, port: spec.port };
  const chain = [...hops, target];
  const clients: ssh2.Client[] = [];
  const streams: Duplex[] = [];
  try {
    let previous: ssh2.Client | undefined;
    for (const [index, hop] of chain.entries()) {
      const isTarget = index === chain.length - 1;
      const ctx: FailureContext = {
        host: spec.name,
        hop: isTarget ? undefined : formatJumpHost(hop),
        address: formatAddress(hop.host, hop.port),
      };
      const stream = previous ? await forwardThrough(previous, hop, ctx, spec.connectTimeoutMs) : await dial(hop, ctx, spec, options);
      const credentials: AuthCredentials = { user: hop.user, agent: spec.agent, keys, password: spec.password };
      previous = await performHandshake({
        stream,
        host: hop.host,
        port: hop.port,
        credentials,
        knownHostsFile: spec.knownHostsFile,
        hostKeyChecking: spec.hostKeyChecking,
        timeoutMs: spec.connectTimeoutMs,
        keepaliveIntervalMs: spec.keepaliveIntervalMs,
        keepaliveCountMax: options.keepaliveCountMax,
        context: ctx,
        signal: options.signal,
        onWarning: options.onWarning,
      });
      clients.push(previous);
      streams.push(stream);
    }
  } catch (err) {
    for (const client of clients.reverse()) client.end();
    throw err;
  }
  return new SshConnection(spec.name, clients, streams, { becomePassword: spec.becomePassword, maxSessions: options.maxSessions });
}

function parseHops(spec: ConnectionSpec): JumpHost[] {
  return spec.proxyJump.map((entry) => {
    try {
      return parseJumpHost(entry, spec.user);
    } catch (err) {
      throw failConnection({ host: spec.name, address: entry }, 'protocol', (err as Error).message, err);
    }
  });
}

async function dial(hop: JumpHost, ctx: FailureContext, spec: ConnectionSpec, options: ConnectOptions): Promise<Duplex> {
  try {
    return await openTcpSocket(hop.host, hop.port, spec.connectTimeoutMs, { lookup: options.lookup, signal: options.signal });
  } catch (err) {
    throw mapConnectError(ctx, err, spec.connectTimeoutMs);
  }
}

/** Asks the previous hop to open a TCP connection to the next one (like `ssh -J`). */
function forwardThrough(via: ssh2.Client, hop: JumpHost, ctx: FailureContext, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(failConnection(ctx, 'timeout', `no TCP connection to ${ctx.address} within ${timeoutMs / 1000}s`)), timeoutMs);
    via.forwardOut('127.0.0.1', 0, hop.host, hop.port, (err, channel) => {
      clearTimeout(timer);
      if (err) return reject(mapForwardError(ctx, err));
      resolve(channel);
    });
  });
}

function mapForwardError(ctx: FailureContext, err: Error): ConnectionError {
  const text = err.message;
  if (/refused/i.test(text)) return failConnection(ctx, 'refused', `connection refused by ${ctx.address} (seen from the previous hop)`, err);
  if (/name|resolve|known/i.test(text)) return failConnection(ctx, 'dns', `the previous hop cannot resolve ${ctx.address}`, err);
  if (/timed out/i.test(text)) return failConnection(ctx, 'timeout', `the previous hop timed out connecting to ${ctx.address}`, err);
  return failConnection(ctx, 'refused', `the previous hop could not connect to ${ctx.address}: ${text}`, err);
}

function formatAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

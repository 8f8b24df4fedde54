import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ConnectionError } from '../../errors/connection-error.js';
import { planAuthentication, type AuthCredentials } from './auth-handler.js';
import { failConnection, mapConnectError, type FailureContext } from './connection-failure.js';
import { createHostVerifier, type HostKeyChecking } from './host-verifier.js';

/** One SSH handshake over an already open stream (a TCP socket or a jump host's forwarded channel). */
export interface HandshakeOptions {
  readonly stream: Duplex;
  readonly host: string;
  readonly port: number;
  readonly credentials: AuthCredentials;
  readonly knownHostsFile: string;
  readonly hostKeyChecking: HostKeyChecking;
  readonly timeoutMs: number;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  readonly context: FailureContext;
  readonly signal?: AbortSignal;
  /** Told what host_key_checking `off` lets through (see host-verifier.ts). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Runs the SSH handshake and authentication, resolving to a ready ssh2 Client; a failure
 * rejects with one ConnectionError that names the host (and hop) and says what was tried.
 */
export function performHandshake(options: HandshakeOptions): Promise<ssh2.Client> {
  const { context: ctx, credentials } = options;
  const verifier = createHostVerifier(options.host, options.port, options.knownHostsFile, options.hostKeyChecking, options.onWarning);
  const auth = planAuthentication(credentials);
  const client = new ssh2.Client();

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: ConnectionError): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      if (err) {
        client.on('error', () => undefined);
        client.end();
        options.stream.destroy();
        reject(err);
      } else {
        client.on('error', () => undefined);
        resolve(client);
      }
    };
    const onError = (err: Error & { level?: string }): void => {
      if (err.level === 'agent') return;
      const rejection = verifier.rejection();
      if (rejection) return finish(failConnection(ctx, 'host-key', rejection, err));
      if (err.level === 'client-authentication') return finish(failConnection(ctx, 'auth', describeAuthFailure(credentials.user, ctx.address, auth), err));
      finish(mapConnectError(ctx, err, options.timeoutMs));
    };
    const onClose = (): void => {
      const rejection = verifier.rejection();
      if (rejection) return finish(failConnection(ctx, 'host-key', rejection));
      finish(failConnection(ctx, 'closed', `${ctx.address} closed the connection during the SSH handshake`));
    };
    const onAbort = (): void => finish(failConnection(ctx, 'closed', `connecting to ${ctx.address} was aborted`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', onError);
    client.on('close', onClose);
    client.once('ready', () => finish());
    client.connect({
      sock: options.stream,
      username: credentials.user,
      authHandler: auth.handler,
      hostVerifier: verifier.verify,
      algorithms: { serverHostKey: verifier.algorithms as ssh2.ServerHostKeyAlgorithm[] },
      readyTimeout: options.timeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
    });
  });
}

function describeAuthFailure(user: string, address: string, auth: { tried: string[]; unusable: string[] }): string {
  const tried = auth.tried.length > 0 ? auth.tried.join(', ') : 'nothing (no agent, no usable key, no password)';
  const unusable = auth.unusable.length > 0 ? `; not usable: ${auth.unusable.join('; ')}` : '';
  return `authentication as ${user} to ${address} failed; tried: ${tried}${unusable}`;
}

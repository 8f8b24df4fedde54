import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { coalesceWrites } from './coalesce-writes.js';

/** Resolves a host name to one address; injectable so tests never ask a real resolver. */
export type HostLookup = (hostname: string) => Promise<string>;

/** The system resolver; `.invalid` names (RFC 6761) fail at once without asking anyone. */
export const lookupHost: HostLookup = async (hostname) => {
  if (/(^|\.)invalid\.?$/i.test(hostname)) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
  return (await dnsLookup(hostname)).address;
};

/**
 * Opens a TCP connection within `timeoutMs` (name lookup included). Rejects with the
 * socket error (`ECONNREFUSED`, `ENOTFOUND`, …) or an `ETIMEDOUT` error; aborting destroys it.
 */
export async function openTcpSocket(
  host: string,
  port: number,
  timeoutMs: number,
  options: { lookup?: HostLookup; signal?: AbortSignal } = {},
): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  const address = isIP(host) ? host : await withTimeout((options.lookup ?? lookupHost)(host), timeoutMs);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (err: Error): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(Object.assign(new Error('connect aborted'), { code: 'ABORT_ERR' }));
    const timer = setTimeout(() => fail(Object.assign(new Error(`connect timed out`), { code: 'ETIMEDOUT' })), Math.max(1, deadline - Date.now()));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.connect({ host: address, port }, () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', fail);
      socket.setNoDelay(true);
      resolve(coalesceWrites(socket));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('name lookup timed out'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

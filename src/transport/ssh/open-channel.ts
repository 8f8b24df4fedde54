import { setTimeout as sleep } from 'node:timers/promises';
import type ssh2 from 'ssh2';
import { ConnectionError } from '../../errors/connection-error.js';
import type { SessionLimiter } from './session-limiter.js';

/** What channel-level code needs from one live connection. */
export interface ChannelHost {
  readonly client: ssh2.Client;
  readonly limiter: SessionLimiter;
  /** Inventory name, for messages. */
  readonly name: string;
  /** Per-connection token that marks tpx's header lines in stdout. */
  readonly token: string;
  readonly becomePassword?: string;
  isClosed(): boolean;
}

const OPEN_ATTEMPTS = 8;

/**
 * Opens a channel with `open` (exec or sftp), retrying a few times when the server refuses
 * a new session (its MaxSessions is lower than ours); a dead connection is kind `closed`.
 */
export async function openChannel<T>(host: ChannelHost, what: string, open: (cb: (err: Error | undefined, channel: T) => void) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (host.isClosed()) throw closedError(host, what);
    try {
      return await new Promise<T>((resolve, reject) => {
        try {
          open((err, channel) => (err ? reject(err) : resolve(channel)));
        } catch (err) {
          reject(err);
        }
      });
    } catch (err) {
      const refusedByServer = /open failed|administratively prohibited|resource shortage/i.test((err as Error).message);
      if (host.isClosed() || /not connected/i.test((err as Error).message)) throw closedError(host, what, err);
      if (!refusedByServer || attempt >= OPEN_ATTEMPTS) {
        throw new ConnectionError(host.name, 'protocol', `${host.name}: cannot open a channel for ${what}: ${(err as Error).message}`, { cause: err });
      }
      await sleep(50 * 2 ** attempt);
    }
  }
}

/** `NAME: the connection closed …` */
export function closedError(host: ChannelHost, what: string, cause?: unknown): ConnectionError {
  return new ConnectionError(host.name, 'closed', `${host.name}: the connection closed while ${what}`, { cause });
}

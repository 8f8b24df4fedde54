import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ClientChannel } from 'ssh2';
import { ConnectionError } from '../../errors/connection-error.js';
import type { SessionLimiter } from './session-limiter.js';

/** What channel-level code needs from one live connection. */
export interface ChannelHost {
  readonly client: Client;
  readonly limiter: SessionLimiter;
  /** Inventory name, for messages. */
  readonly name: string;
  /** Per-connection token that marks tpx's header lines in stdout. */
  readonly token: string;
  readonly becomePassword?: string;
  /** Channels opened ahead of the next command, when the connection keeps them (spare-channel.ts). */
  readonly spares?: ChannelReserve;
  isClosed(): boolean;
}

/** A channel handed over with its command already on the way. */
export interface TakenChannel {
  readonly stream: ClientChannel;
  /** Gives the session slot back; call once the channel is closed. */
  readonly release: () => void;
}

/** Channels opened before they are needed. */
export interface ChannelReserve {
  /** A channel already running `command`, or undefined when none is ready to take it. */
  take(command: string): Promise<TakenChannel | undefined>;
  /** Opens the next one in the background when a session slot is free. */
  fill(): void;
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

import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../connection.js';
import { runRemoteCommand } from './exec-channel.js';
import { closedError, type ChannelHost } from './open-channel.js';
import { createToken } from './remote-command.js';
import { SessionLimiter } from './session-limiter.js';
import { SpareChannels } from './spare-channel.js';
import { getFile, putFile } from './sftp-transfer.js';

/** OpenSSH's default MaxSessions. */
export const DEFAULT_MAX_SESSIONS = 10;

/**
 * A live SSH connection to one host (its jump hosts' clients kept alongside). Every exec,
 * put and get is a channel on it; one slot is kept in reserve for stopping commands.
 */
export class SshConnection implements Connection, ChannelHost {
  readonly host: string;
  readonly name: string;
  readonly token = createToken('tpx');
  readonly limiter: SessionLimiter;
  readonly becomePassword?: string;
  readonly spares = new SpareChannels(this);
  private closed = false;
  private readonly closeListeners: ((err?: Error) => void)[] = [];
  private readonly ended = new WeakSet<ssh2.Client>();

  /**
   * @param clients the target's client last, its jump hosts before it
   * @param streams what each client runs over (a TCP socket, or the previous hop's channel), in the same order
   */
  constructor(
    name: string,
    private readonly clients: readonly ssh2.Client[],
    private readonly streams: readonly Duplex[],
    options: { becomePassword?: string; maxSessions?: number } = {},
  ) {
    this.host = name;
    this.name = name;
    this.becomePassword = options.becomePassword;
    this.limiter = new SessionLimiter(Math.max(1, (options.maxSessions ?? DEFAULT_MAX_SESSIONS) - 1));
    for (const client of clients) {
      client.on('error', () => undefined);
      client.once('close', () => {
        this.ended.add(client);
        this.markClosed();
      });
    }
  }

  get client(): ssh2.Client {
    return this.clients[this.clients.length - 1];
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Called once when the connection (or a jump host's) goes away. */
  onClose(listener: (err?: Error) => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    if (this.closed) return Promise.reject(closedError(this, 'starting a command'));
    return runRemoteCommand(this, command, options);
  }

  put(content: string | Buffer, remotePath: string, options?: PutOptions): Promise<void> {
    if (this.closed) return Promise.reject(closedError(this, `uploading ${remotePath}`));
    return putFile(this, content, remotePath, options);
  }

  get(remotePath: string): Promise<Buffer | null> {
    if (this.closed) return Promise.reject(closedError(this, `downloading ${remotePath}`));
    return getFile(this, remotePath);
  }

  /** Ends the target's connection, then each jump host's (see endClient). */
  async close(): Promise<void> {
    this.markClosed();
    for (let i = this.clients.length - 1; i >= 0; i--) {
      if (!this.ended.has(this.clients[i])) await endClient(this.clients[i], this.streams[i]);
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

/**
 * Says goodbye (SSH_MSG_DISCONNECT and the end of the stream) and lets go of the stream as
 * soon as both are written, without waiting a round trip for the server to close its side:
 * nothing the server could still send matters once every channel is closed (the run lock's
 * release is confirmed before this). A stream that cannot finish writing is destroyed after 2 s.
 */
function endClient(client: ssh2.Client, stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let ended = false;
    const done = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      client.removeListener('close', done);
      stream.removeListener('finish', done);
      // ssh2's destroy() skips a socket whose writing has ended: destroy the stream itself. A
      // jump host's channel whose connection died may throw here: nothing is left to close then.
      for (const destroy of [() => client.destroy(), () => stream.destroy()]) {
        try {
          destroy();
        } catch {
          // Already gone.
        }
      }
      resolve();
    };
    const timer = setTimeout(done, 2_000);
    client.once('close', done);
    stream.once('finish', done);
    client.end();
    if (stream.writableFinished) done();
  });
}

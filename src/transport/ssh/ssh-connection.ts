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

  /** @param clients the target's client last, its jump hosts before it */
  constructor(
    name: string,
    private readonly clients: readonly ssh2.Client[],
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

  /** Ends the target's connection, then each jump host's, waiting (bounded) for each to close. */
  async close(): Promise<void> {
    this.markClosed();
    for (const client of [...this.clients].reverse()) {
      if (!this.ended.has(client)) await endClient(client);
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

function endClient(client: ssh2.Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.destroy();
      resolve();
    }, 2_000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

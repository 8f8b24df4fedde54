import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError } from '../../errors/connection-error.js';
import type { Connection, ConnectionSpec, ExecOptions, ExecResult, PutOptions } from '../connection.js';
import { connectSsh, type ConnectOptions } from './connect-ssh.js';
import { SessionLimiter } from './session-limiter.js';
import type { SshConnection } from './ssh-connection.js';

/**
 * SSH handshakes in flight at once, for the whole process. Each costs CPU on both ends (key
 * exchange, signatures); hundreds at once on a small controller made every one of them slow,
 * and some ran out of their connect timeout (33 of 500 lab hosts unreachable after 10 s).
 * Queued ones wait without their timeout running. 64 at ~4 round trips each still connect a
 * fleet 100 ms away at ~150 hosts a second.
 */
export const MAX_CONCURRENT_HANDSHAKES = 64;
const processHandshakes = new SessionLimiter(MAX_CONCURRENT_HANDSHAKES);

/** How a HostSession reconnects. */
export interface ReconnectPolicy {
  /** Connection attempts per (re)connect, the first included; default 3. */
  readonly attempts?: number;
  /** First wait between attempts, doubled each time up to maxDelayMs; default 500. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** For tests. */
  readonly connect?: (spec: ConnectionSpec, options?: ConnectOptions) => Promise<SshConnection>;
  /**
   * Runs on every new connection before it is used (e.g. takes the host's run lock); when it
   * throws, that connection is closed and the error goes to the caller. Not retried.
   */
  readonly onConnect?: (conn: SshConnection) => Promise<void>;
  /** Runs on the live connection when the session is closed (e.g. releases the lock). */
  readonly beforeClose?: (conn: SshConnection) => Promise<void>;
  /** Slots for handshakes in flight; default one process-wide gate of MAX_CONCURRENT_HANDSHAKES. */
  readonly handshakes?: SessionLimiter;
}

const TRANSIENT = new Set(['closed', 'timeout', 'refused']);

/**
 * A Connection that (re)connects on demand: the first call connects, and a call made after
 * the connection closed opens a new one, retrying transient failures (closed, timeout,
 * refused) with bounded backoff. A command cut off mid-run is not re-run: its `closed`
 * error goes to the caller, which knows whether running it again is safe.
 */
export class HostSession implements Connection {
  readonly host: string;
  private current?: Promise<SshConnection>;
  private stopped = false;

  constructor(
    private readonly spec: ConnectionSpec,
    private readonly options: ConnectOptions & ReconnectPolicy = {},
  ) {
    this.host = spec.name;
  }

  /** The live connection, connecting or reconnecting when needed. */
  async connection(): Promise<SshConnection> {
    if (this.stopped) throw new ConnectionError(this.host, 'closed', `${this.host}: the session was closed`);
    if (this.current) {
      const conn = await this.current.catch(() => undefined);
      if (conn && !conn.isClosed()) return conn;
    }
    this.current = this.connectWithRetries();
    return this.current;
  }

  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return (await this.connection()).exec(command, options);
  }

  async put(content: string | Buffer, remotePath: string, options?: PutOptions): Promise<void> {
    return (await this.connection()).put(content, remotePath, options);
  }

  async get(remotePath: string): Promise<Buffer | null> {
    return (await this.connection()).get(remotePath);
  }

  async close(): Promise<void> {
    this.stopped = true;
    const conn = await this.current?.catch(() => undefined);
    if (conn && !conn.isClosed() && this.options.beforeClose) await this.options.beforeClose(conn).catch(() => undefined);
    await conn?.close();
  }

  private async connectWithRetries(): Promise<SshConnection> {
    const conn = await this.openWithRetries();
    if (!this.options.onConnect) return conn;
    try {
      await this.options.onConnect(conn);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw err;
    }
    return conn;
  }

  private async openWithRetries(): Promise<SshConnection> {
    const attempts = Math.max(1, this.options.attempts ?? 3);
    const connect = this.options.connect ?? connectSsh;
    let delay = this.options.baseDelayMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      const release = await (this.options.handshakes ?? processHandshakes).acquire();
      try {
        return await connect(this.spec, this.options);
      } catch (err) {
        release();
        const transient = err instanceof ConnectionError && TRANSIENT.has(err.kind);
        if (!transient || attempt >= attempts || this.options.signal?.aborted) throw err;
        await sleep(delay);
        delay = Math.min(delay * 2, this.options.maxDelayMs ?? 5_000);
      } finally {
        release();
      }
    }
  }
}

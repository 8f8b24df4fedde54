/** What the rest of tpx sees of a host connection. Only src/transport/ssh imports ssh2. */

export interface ExecOptions {
  /** Run through sudo (non-interactive; a become password is fed on the channel, never in argv). */
  readonly become?: boolean;
  /** Default root. */
  readonly becomeUser?: string;
  /** Stop the remote process (and report `timedOut`) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin, then stdin is closed. */
  readonly stdin?: string | Buffer;
  /**
   * Stdin stays open after `stdin` until this settles; what it resolves to is written, then
   * stdin is closed. A command that reads its stdin then lives as long as the connection.
   */
  readonly holdStdinUntil?: Promise<string>;
  /**
   * Bytes of stdout, and of stderr, kept in memory (default DEFAULT_OUTPUT_LIMIT): past it
   * only the start and the end are kept, with a note between (see OutputCapture).
   */
  readonly outputLimit?: number;
  /** Streaming output for progress: the first `outputLimit` bytes of each stream, then a note. */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Aborting stops the remote process like a timeout does. */
  readonly signal?: AbortSignal;
  /**
   * Environment variables exported (quoted) in the shell that runs the command, after sudo.
   * Kept out of every message about the command: their values may be secrets.
   */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface ExecResult {
  /** Exit code; null when the process ended by a signal or was stopped. */
  readonly rc: number | null;
  readonly signal: string | null;
  /** What was kept of the output (all of it, or its start, a note and its end). */
  readonly stdout: string;
  readonly stderr: string;
  /** Bytes of output not kept because of the limit; absent or 0 when all was kept. */
  readonly stdoutDropped?: number;
  readonly stderrDropped?: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface PutOptions {
  /** e.g. 0o644 */
  readonly mode?: number;
  /** `user` or `user:group`; needs become when it is not the login user. */
  readonly owner?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
}

/** One reusable connection to one host: channels, not new connections, for all of its work. */
export interface Connection {
  readonly host: string;
  /** Runs a shell command line on the host (the login shell parses it, as with OpenSSH). */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file on the host (SFTP; through a temporary file and sudo when become is set). */
  put(content: string | Buffer, remotePath: string, options?: PutOptions): Promise<void>;
  /** Reads a file on the host, or null when it does not exist. */
  get(remotePath: string): Promise<Buffer | null>;
  close(): Promise<void>;
}

/**
 * Connection settings of one host under their tpx names, read from its variables
 * (tpx or Ansible names). Absent when not set; the transport fills in ~/.ssh/config and defaults.
 */
export interface HostConnectionVars {
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly password?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly becomePassword?: string;
  /** Comma-separated chain in the inventory, split here. */
  readonly proxyJump?: readonly string[];
  readonly knownHostsFile?: string;
  readonly hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  /** Seconds. */
  readonly connectTimeout?: number;
}

/** Everything needed to connect to one host, after inventory and ~/.ssh/config are merged. */
export interface ConnectionSpec {
  /** Inventory name, used in messages. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  readonly password?: string;
  readonly becomePassword?: string;
  /** `user@host:port` hops, first hop first. */
  readonly proxyJump: readonly string[];
  readonly knownHostsFile: string;
  readonly hostKeyChecking: 'strict' | 'accept-new' | 'off';
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs?: number;
  readonly agent?: string;
}

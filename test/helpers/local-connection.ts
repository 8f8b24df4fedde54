import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, dirname } from 'node:path';
import { ConnectionError } from '../../src/errors/connection-error.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../src/transport/connection.js';
import { exportLines } from '../../src/shell/export-lines.js';
import { runLocal } from '../../src/transport/local/run-local.js';

/** One call a test can assert on. */
export interface LocalCall {
  readonly host: string;
  readonly kind: 'exec' | 'put' | 'get' | 'close';
  readonly command?: string;
  readonly path?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly timeoutMs?: number;
  readonly outputLimit?: number;
}

/**
 * A test-only Connection: runs each command with `bash -c` on this machine, in the host's
 * own directory (`<root>/<host>`, also in $HOST_DIR), so engine tests are fast and need no
 * sshd. Relative paths of put/get are resolved in that directory. `become` is recorded, not
 * applied (the tests run as one user).
 */
export class LocalConnection implements Connection {
  closed = false;

  constructor(
    readonly host: string,
    readonly dir: string,
    private readonly calls: LocalCall[],
  ) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({
      host: this.host,
      kind: 'exec',
      command,
      become: options.become,
      becomeUser: options.becomeUser,
      timeoutMs: options.timeoutMs,
      outputLimit: options.outputLimit,
    });
    if (this.closed) return Promise.reject(new ConnectionError(this.host, 'closed', 'connection closed'));
    // Output, stdin, timeouts and aborts as the real local connection handles them (src/transport/local).
    return runLocal(['bash', '-c', exportLines(options.environment) + command], options, {
      cwd: this.dir,
      env: { ...process.env, HOST_DIR: this.dir, INVENTORY_HOST: this.host },
    });
  }

  async put(content: string | Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
    this.calls.push({ host: this.host, kind: 'put', path: remotePath, become: options.become });
    const path = this.resolve(remotePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (options.mode !== undefined) chmodSync(path, options.mode);
  }

  async get(remotePath: string): Promise<Buffer | null> {
    this.calls.push({ host: this.host, kind: 'get', path: remotePath });
    const path = this.resolve(remotePath);
    return existsSync(path) ? readFileSync(path) : null;
  }

  async close(): Promise<void> {
    this.calls.push({ host: this.host, kind: 'close' });
    this.closed = true;
  }

  private resolve(p: string): string {
    return isAbsolute(p) ? p : join(this.dir, p);
  }
}

/** A fleet of local "hosts" under one temp dir, with a `connect` for RunOptions. */
export interface LocalFleet {
  readonly root: string;
  readonly calls: LocalCall[];
  /** Hosts whose connect fails with ConnectionError(kind 'refused'). */
  readonly unreachable: Set<string>;
  /** Connections opened so far, by host. */
  readonly connections: Map<string, LocalConnection[]>;
  /** Variables each connect received. */
  readonly connectVars: Map<string, Record<string, unknown>>;
  connect(host: string, vars: Record<string, unknown>): Promise<Connection>;
  /** The directory of one host. */
  hostDir(host: string): string;
  /** Reads a file of a host (relative to its directory), or undefined. */
  readHostFile(host: string, path: string): string | undefined;
  cleanup(): void;
}

/** Creates a temp dir fleet; call cleanup() in afterEach. */
export function createLocalFleet(): LocalFleet {
  const root = mkdtempSync(join(tmpdir(), 'tpx-engine-'));
  const calls: LocalCall[] = [];
  const unreachable = new Set<string>();
  const connections = new Map<string, LocalConnection[]>();
  const connectVars = new Map<string, Record<string, unknown>>();
  const hostDir = (host: string): string => {
    const d = join(root, host);
    mkdirSync(d, { recursive: true });
    return d;
  };
  return {
    root,
    calls,
    unreachable,
    connections,
    connectVars,
    hostDir,
    async connect(host, vars) {
      connectVars.set(host, vars);
      if (unreachable.has(host)) throw new ConnectionError(host, 'refused', `${host}: connection refused`);
      const conn = new LocalConnection(host, hostDir(host), calls);
      connections.set(host, [...(connections.get(host) ?? []), conn]);
      return conn;
    },
    readHostFile(host, path) {
      const p = join(hostDir(host), path);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

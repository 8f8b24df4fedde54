import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { LabFault } from '../types.js';
import { relayDelayed } from './delayed-relay.js';

/** How the bridge reaches one host: the PID holding its namespaces and its sshd arguments. */
export interface BridgeHost {
  readonly name: string;
  readonly anchorPid: number;
  readonly sshdArgs: readonly string[];
  /** `net:[inode]` of the host's namespace: a connection is only handed to a PID still in it. */
  readonly netnsLink: string;
}

/**
 * Listens on 127.0.0.1:port for one host. Each connection gets its own `sshd -i` inside the
 * host's namespaces with the socket as its stdin/stdout, or plays the host's fault.
 */
export class HostListener {
  private server: Server | null = null;
  private fault: LabFault = null;
  private readonly held = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: BridgeHost,
    private readonly log: (line: string) => void,
  ) {}

  /** Binds (port 0: the kernel picks) and resolves with the port. */
  async listen(port: number): Promise<number> {
    const server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port, backlog: 511 }, () => resolve());
    });
    server.on('error', (e) => this.log(`${this.host.name}: listener error: ${e.message}`));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Applies a fault; `refuse` closes the listener until the fault is cleared. Throws on a malformed one. */
  async setFault(fault: LabFault): Promise<void> {
    checkFault(fault);
    this.fault = fault;
    if (fault?.kind === 'refuse' && this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    } else if (fault?.kind !== 'refuse' && !this.server) {
      await this.listen(this.port);
    }
    if (fault?.kind !== 'hang') for (const s of this.held) s.destroy();
  }

  close(): void {
    this.server?.close();
    for (const s of this.held) s.destroy();
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (!this.anchorAlive()) {
      this.log(`${this.host.name}: its sshd (pid ${this.host.anchorPid}) is gone; connection closed`);
      socket.destroy();
      return;
    }
    const fault = this.fault;
    if (fault?.kind === 'hang') {
      this.held.add(socket);
      socket.on('close', () => this.held.delete(socket));
      return;
    }
    if (fault?.kind === 'drop') {
      this.proxy(socket, fault.afterMs);
      return;
    }
    if (fault?.kind === 'delay' && fault.ms > 0) {
      this.relay(socket, fault.ms / 2);
      return;
    }
    try {
      // The socket's descriptor itself becomes sshd's stdin/stdout: no bytes pass through here.
      const child = spawn('nsenter', this.nsenterArgs(), { stdio: [socket, socket, 'ignore'] });
      child.on('error', (e) => this.log(`${this.host.name}: sshd -i: ${e.message}`));
    } catch (e) {
      this.log(`${this.host.name}: sshd -i: ${(e as Error).message}`);
    }
    socket.destroy();
  }

  /** Passes bytes through pipes so the connection can be cut after `afterMs`. */
  private proxy(socket: Socket, afterMs: number): void {
    const child = spawn('nsenter', this.nsenterArgs(), { stdio: ['pipe', 'pipe', 'ignore'] });
    child.on('error', () => socket.destroy());
    child.stdin.on('error', () => undefined);
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    socket.resume();
    const timer = setTimeout(() => {
      socket.resetAndDestroy();
      child.kill('SIGTERM');
    }, afterMs);
    socket.on('close', () => {
      clearTimeout(timer);
      child.kill('SIGTERM');
    });
  }

  /**
   * Passes bytes through pipes, each direction `oneWayMs` late (in order, end included): the
   * connection's round-trip time grows by twice that, for its whole life.
   */
  private relay(socket: Socket, oneWayMs: number): void {
    const child = spawn('nsenter', this.nsenterArgs(), { stdio: ['pipe', 'pipe', 'ignore'] });
    child.on('error', () => socket.destroy());
    child.stdin.on('error', () => undefined);
    // What this relay holds back is the only delay: no Nagle wait on top of it. The client's
    // end reaches sshd late too, so this side must not end at once when the client's does.
    socket.setNoDelay(true);
    socket.allowHalfOpen = true;
    relayDelayed(socket, child.stdin, oneWayMs);
    relayDelayed(child.stdout, socket, oneWayMs);
    socket.resume();
    socket.on('close', () => child.kill('SIGTERM'));
  }

  private anchorAlive(): boolean {
    try {
      return readlinkSync(`/proc/${this.host.anchorPid}/ns/net`) === this.host.netnsLink;
    } catch {
      return false;
    }
  }

  private nsenterArgs(): string[] {
    return ['-t', String(this.host.anchorPid), '--net', '--mount', '--uts', '--', '/usr/sbin/sshd', '-i', ...this.host.sshdArgs];
  }
}

/** Refuses a fault the bridge cannot play (it comes as JSON from the control socket). */
function checkFault(fault: LabFault): void {
  if (fault === null) return;
  const ms = (fault as { ms?: unknown }).ms;
  const afterMs = (fault as { afterMs?: unknown }).afterMs;
  const ok =
    fault.kind === 'refuse' ||
    fault.kind === 'hang' ||
    (fault.kind === 'drop' && typeof afterMs === 'number' && Number.isFinite(afterMs) && afterMs >= 0) ||
    (fault.kind === 'delay' && typeof ms === 'number' && Number.isFinite(ms) && ms >= 0);
  if (!ok) throw new Error(`not a fault: ${JSON.stringify(fault)}`);
}

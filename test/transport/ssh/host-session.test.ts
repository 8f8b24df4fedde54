import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import type { ConnectionSpec } from '../../../src/transport/connection.js';
import { HostSession } from '../../../src/transport/ssh/host-session.js';
import { SessionLimiter } from '../../../src/transport/ssh/session-limiter.js';
import type { SshConnection } from '../../../src/transport/ssh/ssh-connection.js';
import { setUpFixture } from './support/client-setup.js';

describe('HostSession', () => {
  it('reconnects on the next call after the connection dropped', async () => {
    const fx = await setUpFixture({ dropMarker: 'DROP-ME' });
    const session = new HostSession(fx.spec(), { baseDelayMs: 10 });
    try {
      const first = await session.connection();
      expect((await session.exec('echo one')).stdout).toBe('one\n');
      const dropped = await session.exec('echo x; sleep 3 # DROP-ME').catch((e: unknown) => e);
      expect((dropped as ConnectionError).kind).toBe('closed');
      expect((await session.exec('echo two')).stdout).toBe('two\n');
      expect(await session.connection()).not.toBe(first);
    } finally {
      await session.close();
      await fx.cleanup();
    }
  });

  it('retries transient failures with backoff, then gives up with the last error', async () => {
    const calls: number[] = [];
    const connect = async (spec: ConnectionSpec): Promise<SshConnection> => {
      calls.push(Date.now());
      throw new ConnectionError(spec.name, 'refused', `${spec.name}: connection refused by x:1`);
    };
    const spec = { name: 'h' } as ConnectionSpec;
    const session = new HostSession(spec, { attempts: 3, baseDelayMs: 40, connect });
    const err = (await session.exec('true').catch((e: unknown) => e)) as ConnectionError;
    expect(err.kind).toBe('refused');
    expect(calls).toHaveLength(3);
    expect(calls[2] - calls[0]).toBeGreaterThanOrEqual(110); // 40 + 80
  });

  it('keeps handshakes in flight to the gate, across sessions; a failed attempt frees its slot before the backoff', async () => {
    const gate = new SessionLimiter(2);
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const connect = async (spec: ConnectionSpec): Promise<SshConnection> => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(spec.name);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      if (spec.name === 'flaky' && order.filter((n) => n === 'flaky').length === 1) throw new ConnectionError(spec.name, 'timeout', 'slow');
      return { isClosed: () => false, close: async () => undefined } as unknown as SshConnection;
    };
    const names = ['flaky', 'a', 'b', 'c', 'd', 'e'];
    const sessions = names.map((name) => new HostSession({ name } as ConnectionSpec, { connect, handshakes: gate, baseDelayMs: 200 }));
    await Promise.all(sessions.map((s) => s.connection()));
    expect(most).toBe(2);
    expect(gate.inUse).toBe(0);
    // The flaky host's retry came after the others: its slot went to them during its backoff.
    expect(order.at(-1)).toBe('flaky');
    expect(order.filter((n) => n === 'flaky')).toHaveLength(2);
  });

  it('does not retry an auth failure', async () => {
    let calls = 0;
    const connect = async (spec: ConnectionSpec): Promise<SshConnection> => {
      calls++;
      throw new ConnectionError(spec.name, 'auth', 'no');
    };
    const session = new HostSession({ name: 'h' } as ConnectionSpec, { attempts: 5, baseDelayMs: 1, connect });
    await expect(session.exec('true')).rejects.toMatchObject({ kind: 'auth' });
    expect(calls).toBe(1);
  });

  it('runs onConnect on every new connection (a failing one is closed, its error thrown, not retried) and beforeClose on the live one', async () => {
    const log: string[] = [];
    let n = 0;
    const fake = (id: number): SshConnection => {
      let closed = false;
      return {
        isClosed: () => closed,
        close: async () => {
          closed = true;
          log.push(`close ${id}`);
        },
        exec: async () => {
          closed = true; // the connection drops after one command
          return { rc: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 0 };
        },
      } as unknown as SshConnection;
    };
    const connect = async (): Promise<SshConnection> => fake(++n);
    const session = new HostSession({ name: 'h' } as ConnectionSpec, {
      connect,
      onConnect: async (c) => {
        const id = n;
        log.push(`lock ${id}`);
        if (id === 3) throw new ConnectionError('h', 'locked', 'h: locked by run X');
        void c;
      },
      beforeClose: async () => {
        log.push(`release ${n}`);
      },
    });
    await session.exec('one');
    await session.exec('two');
    const err = (await session.exec('three').catch((e: unknown) => e)) as ConnectionError;
    expect(err.kind).toBe('locked');
    expect(log).toEqual(['lock 1', 'lock 2', 'lock 3', 'close 3']);
    const live = new HostSession({ name: 'h' } as ConnectionSpec, {
      connect: async () => ({ ...fake(9), exec: undefined, isClosed: () => false, close: async () => void log.push('close 9') }) as unknown as SshConnection,
      beforeClose: async () => void log.push('release 9'),
    });
    await live.connection();
    await live.close();
    expect(log.slice(-2)).toEqual(['release 9', 'close 9']);
  });
});

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import type { SshConnection } from '../../../src/transport/ssh/ssh-connection.js';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { setUpFixture, type TestFixture } from './support/client-setup.js';

describe('exec over one ssh2 connection', () => {
  let fx: TestFixture;
  let conn: SshConnection;
  beforeAll(async () => {
    fx = await setUpFixture({ maxSessions: 4, dropMarker: 'DROP-ME' });
    conn = await connectSsh(fx.spec(), { maxSessions: 4 });
  });
  afterAll(async () => {
    await conn?.close();
    await fx?.cleanup();
  });

  it('returns rc, stdout and stderr', async () => {
    const r = await conn.exec('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ rc: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a signal when the process is killed by one', async () => {
    const r = await conn.exec('kill -USR1 $$; sleep 5');
    expect(r.rc).toBeNull();
    expect(r.signal).toBe('SIGUSR1');
  });

  it('streams output chunks as they come', async () => {
    const chunks: string[] = [];
    const times: number[] = [];
    const r = await conn.exec('echo one; sleep 0.3; echo two', {
      onStdout: (c) => {
        chunks.push(c);
        times.push(Date.now());
      },
    });
    expect(chunks.join('')).toBe('one\ntwo\n');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(200);
    expect(r.stdout).toBe('one\ntwo\n');
  });

  it('feeds stdin', async () => {
    const r = await conn.exec('tr a-z A-Z', { stdin: 'hello\n' });
    expect(r.stdout).toBe('HELLO\n');
  });

  it('runs channels in parallel on one connection and queues beyond MaxSessions', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => conn.exec(`sleep 0.4; echo ${i}`)));
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.stdout.trim())).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    // 3 slots (4 minus one kept for kills): 9 commands take 3 rounds, not 9 and not 1.
    expect(elapsed).toBeGreaterThanOrEqual(1100);
    // In parallel up to the limit (not one at a time), never beyond it.
    expect(fx.server.peakSessions()).toBeGreaterThanOrEqual(3);
    expect(fx.server.peakSessions()).toBeLessThanOrEqual(4);
  });

  it('kills the whole remote process group on timeout', async () => {
    const marker = `tpx-timeout-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const r = await conn.exec(`sh -c 'sleep 30; : ${marker}' & sleep 31 #${marker}`, { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.rc).toBeNull();
    // Back long before the 30 s sleep would have ended.
    expect(Date.now() - started).toBeLessThan(20_000);
    // The test server runs commands on this machine, so look here: nothing may be left.
    const left = findProcesses(marker);
    if (left.length) console.log(spawnSync('ps', ['-o', 'pid,pgid,sid,stat,args', '-p', left.join(',')], { encoding: 'utf8' }).stdout);
    expect(left).toEqual([]);
  });

  it('stops the remote process when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await conn.exec('sleep 20', { signal: ac.signal });
    expect(r.timedOut).toBe(true);
  });
});

describe('a connection dropped mid-output', () => {
  it('rejects with kind closed instead of hanging', async () => {
    const fx = await setUpFixture({ dropMarker: 'DROP-ME' });
    try {
      const conn = await connectSsh(fx.spec());
      const err = await conn.exec('echo first; sleep 5; echo never # DROP-ME').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).kind).toBe('closed');
      expect((err as ConnectionError).message).toMatch(/^test-host: the connection closed/);
      const again = await conn.exec('true').catch((e: unknown) => e);
      expect((again as ConnectionError).kind).toBe('closed');
      await conn.close();
    } finally {
      await fx.cleanup();
    }
  });
});

function findProcesses(pattern: string): string[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

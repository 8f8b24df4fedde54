import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import type { SshConnection } from '../../../src/transport/ssh/ssh-connection.js';
import { setUpFixture, type TestFixture } from './support/client-setup.js';

const SUDO_PASSWORD = 'pa55-w0rd-xyzzy';

describe('become with a sudo that wants a password', () => {
  let fx: TestFixture;
  beforeAll(async () => {
    fx = await setUpFixture({ sudoPassword: SUDO_PASSWORD });
  });
  afterAll(async () => fx?.cleanup());

  async function withConnection<T>(becomePassword: string | undefined, work: (c: SshConnection) => Promise<T>): Promise<T> {
    const conn = await connectSsh(fx.spec({ becomePassword }));
    try {
      return await work(conn);
    } finally {
      await conn.close();
    }
  }

  it('feeds the password on the channel and strips the prompt', async () => {
    const seen: string[] = [];
    const r = await withConnection(SUDO_PASSWORD, (c) => c.exec('echo ran-as-root; echo warn >&2', { become: true, onStderr: (t) => seen.push(t) }));
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe('ran-as-root\n');
    expect(r.stderr).toBe('warn\n');
    expect(seen.join('')).toBe('warn\n');
  });

  it('feeds the password first, then the command stdin', async () => {
    const r = await withConnection(SUDO_PASSWORD, (c) => c.exec('cat', { become: true, stdin: 'line-1\nline-2\n' }));
    expect(r.stdout).toBe('line-1\nline-2\n');
    expect(r.stdout + r.stderr).not.toContain(SUDO_PASSWORD);
  });

  it("passes the environment on stdin after the password: values intact, the command's input after them, none in ps", async () => {
    const value = `multi\nline 'q' "dq" $(not-run) \\ end-Env-S3cret`;
    const r = await withConnection(SUDO_PASSWORD, (c) =>
      c.exec(`printf '%s|' "$TPX_V"; cat; ps -eo args | grep -c '[E]nv-S3cret' || true`, {
        become: true,
        environment: { TPX_V: value },
        stdin: 'own-input\n',
      }),
    );
    expect(r.rc).toBe(0);
    // The value, the command's own stdin, then: no process shows the value in its arguments.
    expect(r.stdout).toBe(`${value}|own-input\n0\n`);
  });

  it('says how to give a password when none was given', async () => {
    const err = await withConnection(undefined, (c) => c.exec('true', { become: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).kind).toBe('become');
    expect((err as Error).message).toBe('sudo on test-host needs a password: set become_password (or TPX_BECOME_PASSWORD, or --ask-become-pass)');
  });

  it('reports a wrong password clearly and never shows it', async () => {
    const wrong = 'not-the-Right-one-42';
    const err = await withConnection(wrong, (c) => c.exec('true', { become: true })).catch((e: unknown) => e);
    expect((err as ConnectionError).kind).toBe('become');
    expect((err as Error).message).toBe('sudo on test-host refused the become password (incorrect password)');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(wrong);
  });

  it('masks the password if a command prints it', async () => {
    const r = await withConnection(SUDO_PASSWORD, (c) => c.exec(`echo leaked-${SUDO_PASSWORD}`));
    expect(r.stdout).toBe('leaked-********\n');
  });

  it('kills a timed-out command through sudo too', async () => {
    const r = await withConnection(SUDO_PASSWORD, (c) => c.exec('sleep 30', { become: true, timeoutMs: 400 }));
    expect(r.timedOut).toBe(true);
    expect(r.rc).toBeNull();
  });
});

describe('become with passwordless sudo', () => {
  it('runs with sudo -n and keeps the exit code', async () => {
    const fx = await setUpFixture();
    try {
      const conn = await connectSsh(fx.spec());
      const r = await conn.exec('echo "$0"; exit 7', { become: true, becomeUser: 'postgres' });
      expect(r.rc).toBe(7);
      expect(r.stdout).toBe('sh\n');
      await conn.close();
    } finally {
      await fx.cleanup();
    }
  });
});

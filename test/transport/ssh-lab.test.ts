import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { hostExec, setLabFault } from '../../src/lab/index.js';
import type { LabHost } from '../../src/lab/index.js';
import type { ConnectionSpec } from '../../src/transport/connection.js';
import { connectSsh } from '../../src/transport/ssh/connect-ssh.js';
import type { SshConnection } from '../../src/transport/ssh/ssh-connection.js';
import { labSupported, useLab } from '../helpers/lab.js';

const HOSTS = 50;

/** The transport against the lab fleet: real sshd, real sudo, each host in its own namespaces. */
describe.skipIf(!labSupported())('transport against the lab fleet', () => {
  const lab = useLab({ hosts: HOSTS, versions: ['none'] });
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tpx-lab-transport-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const host = (i: number): LabHost => lab.state.hosts[i];
  const spec = (h: LabHost, overrides: Partial<ConnectionSpec> = {}): ConnectionSpec => ({
    name: h.name,
    host: '127.0.0.1',
    port: h.port,
    user: lab.state.user,
    identityFiles: [lab.state.identityFile],
    proxyJump: [],
    knownHostsFile: lab.state.knownHostsFile,
    hostKeyChecking: 'strict',
    connectTimeoutMs: 10_000,
    ...overrides,
  });
  const failure = async (p: Promise<unknown>): Promise<ConnectionError> => {
    const err = await p.then(
      (c) => (c as SshConnection | undefined)?.close?.(),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    return err as ConnectionError;
  };
  const withConnection = async <T>(s: ConnectionSpec, work: (c: SshConnection) => Promise<T>): Promise<T> => {
    const conn = await connectSsh(s);
    try {
      return await work(conn);
    } finally {
      await conn.close();
    }
  };

  it('authenticates with the lab key', async () => {
    const r = await withConnection(spec(host(0)), (c) => c.exec('id -un; hostname'));
    expect(r.stdout).toBe(`${lab.state.user}\n${host(0).name}\n`);
  });

  it('authenticates through ssh-agent', async () => {
    const socket = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && spawnSync('test', ['-S', socket]).status !== 0; i++) await sleep(50);
      const add = spawnSync('ssh-add', [lab.state.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      expect(add.status, add.stderr).toBe(0);
      const r = await withConnection(spec(host(1), { identityFiles: [], agent: socket }), (c) => c.exec('id -un'));
      expect(r.stdout).toBe(`${lab.state.user}\n`);
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('sudo without a password', async () => {
    const r = await withConnection(spec(host(2)), (c) => c.exec('id -un', { become: true }));
    expect(r).toMatchObject({ rc: 0, stdout: 'root\n' });
  });

  it('sudo with a password fed on the channel, then stdin', async () => {
    const s = spec(host(3), { user: lab.state.passwordUser, becomePassword: lab.state.password });
    const r = await withConnection(s, (c) => c.exec('id -un; cat', { become: true, stdin: 'piped\n' }));
    expect(r).toMatchObject({ rc: 0, stdout: 'root\npiped\n' });
    expect(r.stderr).not.toContain(lab.state.password);
  });

  it('sudo that needs a password that was not given, or a wrong one: clear become errors', async () => {
    const missing = await failure(withConnection(spec(host(3), { user: lab.state.passwordUser }), (c) => c.exec('true', { become: true })));
    expect(missing.kind).toBe('become');
    expect(missing.message).toBe(`sudo on ${host(3).name} needs a password: set become_password (or TPX_BECOME_PASSWORD, or --ask-become-pass)`);
    const wrong = await failure(
      withConnection(spec(host(3), { user: lab.state.passwordUser, becomePassword: 'wrong-pw-123' }), (c) => c.exec('true', { become: true })),
    );
    expect(wrong.kind).toBe('become');
    expect(wrong.message).toBe(`sudo on ${host(3).name} refused the become password (incorrect password)`);
  });

  it('host keys: strict, accept-new, off, and a mismatch', async () => {
    const file = join(work, 'kh');
    writeFileSync(file, '');
    expect((await failure(connectSsh(spec(host(4), { knownHostsFile: file })))).kind).toBe('host-key');
    await withConnection(spec(host(4), { knownHostsFile: file, hostKeyChecking: 'accept-new' }), async () => undefined);
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host(4).port} ssh-ed25519 \\S+\\n$`));
    await withConnection(spec(host(4), { knownHostsFile: file }), async () => undefined);
    // mesh-06's key filed under mesh-05's address: the server's key does not match.
    const other = readFileSync(lab.state.knownHostsFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`[127.0.0.1]:${host(5).port} `))!;
    writeFileSync(file, other.replace(`:${host(5).port} `, `:${host(4).port} `) + '\n');
    const err = await failure(connectSsh(spec(host(4), { knownHostsFile: file, hostKeyChecking: 'accept-new' })));
    expect(err.kind).toBe('host-key');
    expect(err.message).toMatch(new RegExp(`has changed: got ED25519 key SHA256:\\S+, but ${file}:1 has ED25519 key SHA256:\\S+$`));
    await withConnection(spec(host(4), { knownHostsFile: file, hostKeyChecking: 'off' }), async () => undefined);
  });

  it('reaches a host through a chain of two lab jump hosts', async () => {
    const [b1, b2, target] = [host(6), host(7), host(8)];
    const s = spec(target, {
      host: target.ipv4,
      port: 22,
      proxyJump: [`${lab.state.user}@127.0.0.1:${b1.port}`, `${lab.state.user}@${b2.ipv4}:22`],
    });
    const r = await withConnection(s, (c) => c.exec('hostname; echo "$SSH_CONNECTION"'));
    const [name, connection] = r.stdout.split('\n');
    expect(name).toBe(target.name);
    expect(connection.split(' ')[0]).toBe(b2.ipv4);
  });

  it('uploads with SFTP with a mode, and as root with an owner', async () => {
    const h = host(9);
    await withConnection(spec(h), async (c) => {
      await c.put('plain\n', `/home/${lab.state.user}/tpx-plain.txt`, { mode: 0o640 });
      await c.put('owned\n', '/opt/tpx-owned.conf', { mode: 0o600, owner: 'root:root' });
    });
    const plain = `/home/${lab.state.user}/tpx-plain.txt`;
    const r = await hostExec(lab.state, h, `stat -c '%a %U %n' ${plain} /opt/tpx-owned.conf; cat /opt/tpx-owned.conf`);
    expect(r.stdout).toBe(`640 ${lab.state.user} ${plain}\n600 root /opt/tpx-owned.conf\nowned\n`);
  });

  it('a command timeout leaves no process on the host', async () => {
    const h = host(10);
    for (const become of [false, true]) {
      const marker = `tpx-lab-timeout-${become}`;
      const r = await withConnection(spec(h), (c) => c.exec(`sh -c 'sleep 120; : ${marker}' & sleep 121; : ${marker}`, { timeoutMs: 800, become }));
      expect(r.timedOut).toBe(true);
      // `[t]px…` so pgrep does not find the shell that runs it
      const ps = await hostExec(lab.state, h, `pgrep -f '[t]${marker.slice(1)}' || true`);
      expect(ps.stdout.trim(), `left on ${h.name}`).toBe('');
    }
  });

  describe('unreachable hosts, one kind each', () => {
    it('refused', async () => {
      const h = host(11);
      await setLabFault(lab.dir, h.name, { kind: 'refuse' });
      try {
        const err = await failure(connectSsh(spec(h)));
        expect(err.kind).toBe('refused');
        expect(err.message).toBe(`${h.name}: connection refused by 127.0.0.1:${h.port}`);
      } finally {
        await setLabFault(lab.dir, h.name, null);
      }
    });

    it('timeout (accepts and hangs)', async () => {
      const h = host(12);
      await setLabFault(lab.dir, h.name, { kind: 'hang' });
      try {
        const started = Date.now();
        const err = await failure(connectSsh(spec(h, { connectTimeoutMs: 1_500 })));
        expect(err.kind).toBe('timeout');
        // Well below the 10 s default: the 1.5 s asked for was applied (the margin is for a loaded machine).
        expect(Date.now() - started).toBeLessThan(8_000);
      } finally {
        await setLabFault(lab.dir, h.name, null);
      }
    });

    it('closed (dropped after it was up)', async () => {
      const h = host(13);
      await setLabFault(lab.dir, h.name, { kind: 'drop', afterMs: 1_500 });
      try {
        const conn = await connectSsh(spec(h));
        const err = await failure(conn.exec('sleep 10'));
        expect(err.kind).toBe('closed');
      } finally {
        await setLabFault(lab.dir, h.name, null);
      }
    });

    it('dns', async () => expect((await failure(connectSsh(spec(host(14), { host: 'mesh-99.invalid' })))).kind).toBe('dns'));

    it('auth', async () => {
      const err = await failure(connectSsh(spec(host(14), { user: 'nobody' })));
      expect(err.kind).toBe('auth');
      expect(err.message).toBe(`${host(14).name}: authentication as nobody to 127.0.0.1:${host(14).port} failed; tried: key ${lab.state.identityFile}`);
    });
  });

  it(`connects to ${HOSTS} hosts in parallel and runs a command on each`, async () => {
    const started = Date.now();
    const names = await Promise.all(lab.state.hosts.map((h) => withConnection(spec(h), (c) => c.exec('hostname')).then((r) => r.stdout.trim())));
    expect(names).toEqual(lab.state.hosts.map((h) => h.name));
    expect(Date.now() - started).toBeLessThan(45_000);
  });
});

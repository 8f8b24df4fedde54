import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/connection-error.js';
import type { ConnectionSpec } from '../../src/transport/connection.js';
import { DEFAULT_OUTPUT_LIMIT } from '../../src/transport/output-capture.js';
import { connectSsh } from '../../src/transport/ssh/connect-ssh.js';
import { findFreePort, sshdSpec, startSshd, type SshdFixture } from './support/sshd-fixture.js';

/** The transport against a real OpenSSH sshd on 127.0.0.1 (root login, real sudo, sftp-server). */
describe('transport against real OpenSSH sshd', () => {
  let sshd: SshdFixture;
  let work: string;
  let knownHosts: string;
  const spec = (overrides: Partial<ConnectionSpec> = {}): ConnectionSpec => sshdSpec(sshd, 'real-1', knownHosts, overrides);
  const failure = async (p: Promise<unknown>): Promise<ConnectionError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    return err as ConnectionError;
  };

  beforeAll(async () => {
    sshd = await startSshd({ maxSessions: 4 });
    work = mkdtempSync(join(tmpdir(), 'tpx-real-client-'));
    knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, sshd.knownHostsLines.join('\n') + '\n');
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('authenticates with an %s key and runs commands', async (type) => {
    const conn = await connectSsh(spec({ identityFiles: [sshd.keys[type]] }));
    const r = await conn.exec('echo "$USER"; echo e >&2; exit 4');
    expect(r).toMatchObject({ rc: 4, stdout: 'root\n', stderr: 'e\n', timedOut: false });
    await conn.close();
  });

  it('decrypts an encrypted key with TPX_KEY_PASSPHRASE', async () => {
    const file = join(work, 'id_enc');
    writeFileSync(file, readFileSync(sshd.keys.ed25519));
    spawnSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse', '-f', file]);
    expect(readFileSync(file, 'utf8')).toContain('OPENSSH PRIVATE KEY');
    const conn = await connectSsh(spec({ identityFiles: [file] }), { env: { TPX_KEY_PASSPHRASE: 'correct horse' } });
    expect((await conn.exec('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  it('authenticates through ssh-agent', async () => {
    const socket = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && spawnSync('test', ['-S', socket]).status !== 0; i++) await sleep(50);
      const add = spawnSync('ssh-add', [sshd.keys.rsa], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      expect(add.status, add.stderr).toBe(0);
      const conn = await connectSsh(spec({ identityFiles: [], agent: socket }));
      expect((await conn.exec('echo via-agent')).stdout).toBe('via-agent\n');
      await conn.close();
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('runs commands through real sudo as another user', async () => {
    const conn = await connectSsh(spec());
    const r = await conn.exec('id -un; cat', { become: true, becomeUser: 'daemon', stdin: 'through-stdin\n' });
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe('daemon\nthrough-stdin\n');
    await conn.close();
  });

  it('256 MiB of output: memory stays flat, the start and the end kept within the limit, the rest counted', async () => {
    const conn = await connectSsh(spec());
    const live: string[] = [];
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const total = 256 * 1024 * 1024;
    const r = await conn
      .exec(`printf 'FIRST\\n'; head -c ${total} /dev/zero | tr '\\0' a; printf '\\nLAST\\n'`, { onStdout: (c) => live.push(c) })
      .finally(() => clearInterval(sampler));
    await conn.close();
    expect(r.rc).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(DEFAULT_OUTPUT_LIMIT);
    expect(r.stdout.startsWith('FIRST\naaaa')).toBe(true);
    expect(r.stdout.endsWith('aaaa\nLAST\n')).toBe(true);
    expect(r.stdout).toMatch(/\n\[… 255\.0 MiB not kept: over tpx_output_limit …\]\n/);
    expect(r.stdoutDropped).toBeGreaterThan(total - DEFAULT_OUTPUT_LIMIT);
    expect(live.join('').length).toBeLessThan(DEFAULT_OUTPUT_LIMIT + 100);
    // Held whole, the output grew RSS by 340 MB here; bounded, by the garbage the GC has not
    // collected yet (~80 MB, the same for 64 MiB or 1 GiB of output).
    expect(peak - before, `RSS grew by ${((peak - before) / 1e6).toFixed(1)} MB`).toBeLessThan(total / 2);
  });

  it('queues channels beyond MaxSessions on one connection', async () => {
    const conn = await connectSsh(spec(), { maxSessions: 4 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => conn.exec(`sleep 0.2; echo ${i}`)));
    expect(results.map((r) => Number(r.stdout))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await conn.close();
  });

  it('a command timeout leaves no process on the host, with and without become', async () => {
    const conn = await connectSsh(spec());
    for (const become of [false, true]) {
      const marker = `tpx-real-timeout-${become}-${Date.now()}`;
      const r = await conn.exec(`sh -c 'sleep 60; : ${marker}' & sleep 61; : ${marker}`, { timeoutMs: 700, become });
      expect(r.timedOut).toBe(true);
      const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
      expect(left, `left running: ${left}`).toBe('');
    }
    await conn.close();
  });

  it('uploads with SFTP with a mode, and with an owner through sudo; downloads', async () => {
    const conn = await connectSsh(spec());
    const plain = join(work, 'up-plain.txt');
    await conn.put('hello\n', plain, { mode: 0o640 });
    expect(readFileSync(plain, 'utf8')).toBe('hello\n');
    expect((await conn.exec(`stat -c %a ${plain}`)).stdout).toBe('640\n');
    const owned = join(work, 'up-owned.txt');
    await conn.put(Buffer.from('owned\n'), owned, { mode: 0o600, owner: 'daemon:daemon' });
    expect((await conn.exec(`stat -c '%a %U %G' ${owned}`)).stdout).toBe('600 daemon daemon\n');
    expect((await conn.get(owned))?.toString()).toBe('owned\n');
    expect(await conn.get(join(work, 'missing'))).toBeNull();
    expect((await conn.exec('ls -a /tmp ~ | grep -c "^.tpx-put-" || true')).stdout).toBe('0\n');
    await conn.close();
  });

  it('host keys: strict refuses unknown, accept-new appends, a changed key is refused, off ignores', async () => {
    const file = join(work, 'kh-modes');
    writeFileSync(file, '');
    expect((await failure(connectSsh(spec({ knownHostsFile: file })))).kind).toBe('host-key');
    const first = await connectSsh(spec({ knownHostsFile: file, hostKeyChecking: 'accept-new' }));
    await first.close();
    const added = readFileSync(file, 'utf8');
    expect(added).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 \\S+\\n$`));
    await (await connectSsh(spec({ knownHostsFile: file }))).close();
    // Replace the key with another ed25519 key: a mismatch, refused in every checking mode but off.
    const otherKey = readFileSync(`${sshd.keys.ed25519}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `# moved\n[127.0.0.1]:${sshd.port} ${otherKey}\n`);
    for (const mode of ['strict', 'accept-new'] as const) {
      const err = await failure(connectSsh(spec({ knownHostsFile: file, hostKeyChecking: mode })));
      expect(err.kind).toBe('host-key');
      expect(err.message).toMatch(
        new RegExp(
          `^real-1: host key for \\[127\\.0\\.0\\.1\\]:${sshd.port} has changed: got ED25519 key SHA256:\\S+, but ${file}:2 has ED25519 key SHA256:\\S+$`,
        ),
      );
    }
    // off connects, and says what it let through.
    const warnings: string[] = [];
    await (await connectSsh(spec({ knownHostsFile: file, hostKeyChecking: 'off' }), { onWarning: (m) => warnings.push(m) })).close();
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`has changed: got ED25519 key SHA256:\\S+, but ${file}:2 has ED25519 key SHA256:\\S+; connecting anyway because host_key_checking is off$`),
      ),
    ]);
  });

  it('goes through a chain of two jump hosts', async () => {
    const hop = `root@127.0.0.1:${sshd.port}`;
    const conn = await connectSsh(spec({ proxyJump: [hop, hop] }));
    const r = await conn.exec('echo "$SSH_CONNECTION"');
    // The target sees a connection coming from the second hop (127.0.0.1), not from us directly.
    expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${sshd.port}\\n$`));
    await conn.close();
  });

  describe('unreachable hosts, one kind each', () => {
    let silent: Server;
    const held: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((s) => held.push(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    });

    it('refused', async () => expect((await failure(connectSsh(spec({ port: await findFreePort() })))).kind).toBe('refused'));
    it('dns', async () => expect((await failure(connectSsh(spec({ host: 'no-such-host.invalid' })))).kind).toBe('dns'));
    it('timeout', async () => {
      const port = (silent.address() as { port: number }).port;
      expect((await failure(connectSsh(spec({ port, connectTimeoutMs: 600 })))).kind).toBe('timeout');
    });
    it('auth', async () => {
      const err = await failure(connectSsh(spec({ user: 'nobody' })));
      expect(err.kind).toBe('auth');
      expect(err.message).toBe(`real-1: authentication as nobody to 127.0.0.1:${sshd.port} failed; tried: key ${sshd.keys.ed25519}`);
    });
    it('a jump host that fails is named', async () => {
      const err = await failure(connectSsh(spec({ proxyJump: [`nobody@127.0.0.1:${sshd.port}`] })));
      expect(err.kind).toBe('auth');
      expect(err.message).toMatch(new RegExp(`^real-1 \\(jump host nobody@127\\.0\\.0\\.1:${sshd.port}\\): authentication`));
    });
  });

  it('connects to 50 hosts in parallel', async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const conn = await connectSsh(spec({ name: `host-${i}` }));
        try {
          return (await conn.exec(`echo ${i}`)).stdout;
        } finally {
          await conn.close();
        }
      }),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => `${i}\n`));
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

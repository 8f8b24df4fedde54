import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import type { ConnectionSpec } from '../../../src/transport/connection.js';

/** A real OpenSSH sshd on 127.0.0.1 owned by one test file. */
export interface SshdFixture {
  readonly port: number;
  readonly dir: string;
  /** Private keys (OpenSSH format, no passphrase) authorised for root. */
  readonly keys: { readonly ed25519: string; readonly ecdsa: string; readonly rsa: string };
  /** known_hosts line(s) for this sshd, `[127.0.0.1]:PORT type base64`. */
  readonly knownHostsLines: readonly string[];
  readonly pid: number;
  stop(): Promise<void>;
}

/** A spec for root on `sshd` with its ed25519 key, checking its host key in `knownHostsFile`. */
export function sshdSpec(sshd: SshdFixture, name: string, knownHostsFile: string, overrides: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return {
    name,
    host: '127.0.0.1',
    port: sshd.port,
    user: 'root',
    identityFiles: [sshd.keys.ed25519],
    proxyJump: [],
    knownHostsFile,
    hostKeyChecking: 'strict',
    connectTimeoutMs: 5_000,
    ...overrides,
  };
}

/** A free loopback port (closed again at once; the small race is fine for tests). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `sshd -D` with its own host keys and authorized keys in a temp dir. It runs in a
 * private mount namespace with a fresh /run, so the /run/sshd it needs is never left behind.
 */
export async function startSshd(options: { maxSessions?: number } = {}): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-real-sshd-'));
  const keygen = (file: string, type: string, extra: string[] = []): void => {
    execFileSync('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-C', 'tpx-test', '-f', file]);
  };
  keygen(join(dir, 'host_ed25519'), 'ed25519');
  keygen(join(dir, 'host_ecdsa'), 'ecdsa');
  const keys = { ed25519: join(dir, 'id_ed25519'), ecdsa: join(dir, 'id_ecdsa'), rsa: join(dir, 'id_rsa') };
  keygen(keys.ed25519, 'ed25519');
  keygen(keys.ecdsa, 'ecdsa');
  keygen(keys.rsa, 'rsa', ['-b', '2048']);
  mkdirSync(join(dir, 'authorized'));
  writeFileSync(
    join(dir, 'authorized', 'root'),
    Object.values(keys)
      .map((k) => readFileSync(`${k}.pub`, 'utf8'))
      .join(''),
  );
  const port = await findFreePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `HostKey ${join(dir, 'host_ecdsa')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized', '%u')}`,
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'AllowTcpForwarding yes',
    `MaxSessions ${options.maxSessions ?? 10}`,
    'MaxStartups 200',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel ERROR',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`);

  const child: ChildProcess = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run && mkdir -m 755 /run/sshd && exec /usr/sbin/sshd -D -e -f ${join(dir, 'sshd_config')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(
    port,
    () => child.exitCode !== null,
    () => stderr,
  );

  const knownHostsLines = ['host_ed25519', 'host_ecdsa'].map((f) => {
    const [type, base64] = readFileSync(join(dir, `${f}.pub`), 'utf8').split(' ');
    return `[127.0.0.1]:${port} ${type} ${base64}`;
  });
  return {
    port,
    dir,
    keys,
    knownHostsLines,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, died: () => boolean, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (died()) throw new Error(`sshd did not start: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

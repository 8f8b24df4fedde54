import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited, runChecked } from './run-process.js';

/** Generates an ed25519 key pair without a passphrase at `path` and `path.pub`. */
export async function generateKey(path: string, comment: string): Promise<void> {
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** One ed25519 host key per host dir (`<hostDir>/ssh_host_ed25519_key`). */
export async function generateHostKeys(hostDirs: readonly string[]): Promise<void> {
  await forEachLimited(hostDirs, 8, (dir) => generateKey(hostKeyPath(dir), 'tpx-lab-host'));
}

export function hostKeyPath(hostDir: string): string {
  return join(hostDir, 'ssh_host_ed25519_key');
}

/** authorized_keys/<user> for each login user: the lab key. */
export async function writeAuthorizedKeys(dir: string, users: readonly string[], publicKeyFile: string): Promise<void> {
  const key = await readFile(publicKeyFile, 'utf8');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const u of users) await writeFile(join(dir, u), key, { mode: 0o644 });
}

/** The sshd_config every host's sshd uses (host key and listen addresses are given per host on the command line). */
export async function writeSshdConfig(path: string, authorizedKeysDir: string): Promise<void> {
  const lines = [
    '# tpx lab sshd (one per host, in its namespaces)',
    'Port 22',
    `AuthorizedKeysFile ${authorizedKeysDir}/%u`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin no',
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'AllowTcpForwarding yes',
    'AllowAgentForwarding yes',
    'PidFile none',
    'LogLevel ERROR',
    'UseDNS no',
    'PrintMotd no',
    'Subsystem sftp internal-sftp',
    '',
  ];
  await writeFile(path, lines.join('\n'), { mode: 0o644 });
}

/** known_hosts with `[127.0.0.1]:PORT` per host, plus the lab addresses (for jump-host use). */
export async function writeKnownHosts(path: string, hosts: readonly { port: number; ipv4: string; ipv6: string; dir: string }[]): Promise<void> {
  const lines: string[] = [];
  for (const h of hosts) {
    const [type, key] = (await readFile(hostKeyPath(h.dir) + '.pub', 'utf8')).trim().split(/\s+/);
    lines.push(`[127.0.0.1]:${h.port} ${type} ${key}`, `${h.ipv4},${h.ipv6} ${type} ${key}`);
  }
  await writeFile(path, lines.join('\n') + '\n', { mode: 0o644 });
}

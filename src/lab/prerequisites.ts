import { existsSync } from 'node:fs';
import { TpxError } from '../errors/tpx-error.js';
import { runProcess } from './run-process.js';

/** A lab cannot be built here: one line that says what to do. Exit code 1. */
export class LabError extends TpxError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('lab', message, { cause: options.cause });
  }
}

const NEEDED = [
  { path: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { path: '/usr/bin/ssh-keygen', pkg: 'openssh-client' },
  { path: '/usr/sbin/iptables-nft-restore', pkg: 'iptables' },
  { path: '/usr/bin/sudo', pkg: 'sudo' },
  { path: '/usr/bin/nsenter', pkg: 'util-linux' },
  { path: '/usr/bin/openssl', pkg: 'openssl' },
  { path: '/usr/sbin/visudo', pkg: 'sudo' },
] as const;

/**
 * Checks that the lab can be built: root, network namespaces, and the programs it runs;
 * missing Debian packages are installed with apt-get (said on `log`).
 */
export async function ensurePrerequisites(log: (line: string) => void): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError('tpx lab needs root (network namespaces, iptables, sshd): run it with sudo');
  }
  const missing = [...new Set(NEEDED.filter((n) => !existsSync(n.path)).map((n) => n.pkg))];
  if (missing.length > 0) {
    if (!existsSync('/usr/bin/apt-get')) {
      throw new LabError(`tpx lab needs ${missing.join(', ')}; install them with your package manager and run again`);
    }
    log(`installing ${missing.join(', ')} with apt-get (needed by the lab)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = await runProcess('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { timeoutMs: 600_000, env });
    if (r.code !== 0) {
      await runProcess('apt-get', ['update'], { timeoutMs: 600_000, env });
      r = await runProcess('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { timeoutMs: 600_000, env });
    }
    if (r.code !== 0) {
      throw new LabError(`apt-get could not install ${missing.join(', ')}: ${r.stderr.trim().split('\n').pop() ?? ''}; install them and run again`);
    }
  }
  const probe = `tpxlab-probe-${process.pid}`;
  const added = await runProcess('ip', ['netns', 'add', probe]);
  if (added.code !== 0) {
    throw new LabError(
      `network namespaces are not available here (ip netns add: ${added.stderr.trim()}); the lab needs a Linux host or a privileged container`,
    );
  }
  await runProcess('ip', ['netns', 'delete', probe]);
}

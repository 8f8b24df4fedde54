import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readlinkSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { hostKeyPath } from './ssh-files.js';
import { runProcess, type ProcessResult } from './run-process.js';
import type { LabHost, LabState } from './types.js';

/** Directories under a host dir: overlay uppers/work dirs and its /tmp. */
const OVERLAYS = [
  { target: '/etc', upper: 'etc', layer: 'etc' },
  { target: '/opt', upper: 'opt', layer: null },
  { target: '/var/lib', upper: 'var-lib', layer: null },
  { target: '/home', upper: 'home', layer: 'home' },
  // Package and host modules (apt, cron) write into a host's own /usr, apt state and spool, never the machine's.
  { target: '/usr', upper: 'usr', layer: null },
  { target: '/var/cache', upper: 'var-cache', layer: null },
  { target: '/var/log', upper: 'var-log', layer: null },
  { target: '/var/spool', upper: 'var-spool', layer: null },
] as const;

/** Creates the per-host directories (before the host's mounts exist). */
export async function prepareHostDir(hostDir: string): Promise<void> {
  for (const o of OVERLAYS) {
    await mkdir(join(hostDir, 'upper', o.upper), { recursive: true });
    await mkdir(join(hostDir, 'work', o.upper), { recursive: true });
  }
  await mkdir(join(hostDir, 'tmp'), { recursive: true });
  // mkdir's mode is cut by the umask; /tmp must be world-writable with the sticky bit.
  await chmod(join(hostDir, 'tmp'), 0o1777);
  await mkdir(join(hostDir, 'upper', 'var-lib', 'tpx'), { recursive: true });
}

/** The host's own view of a path written before start, e.g. `/opt/kuma` → `<hostDir>/upper/opt/kuma`. */
export function hostUpperPath(hostDir: string, absolute: (typeof OVERLAYS)[number]['target'], rest = ''): string {
  const o = OVERLAYS.find((x) => x.target === absolute)!;
  return join(hostDir, 'upper', o.upper, rest);
}

interface AnchorSpec {
  readonly netns: string;
  readonly hostname: string;
  readonly hostDir: string;
  readonly layers: { readonly etc: string; readonly home: string };
  readonly sshdConfig: string;
  readonly sshdLog: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

/** The script run inside the host's new mount and UTS namespaces before it becomes the host's `sshd -D`. */
export function anchorScript(s: AnchorSpec): string {
  const q = quoteArg;
  const lines = ['set -e'];
  for (const o of OVERLAYS) {
    if (!existsSync(o.target)) continue;
    const lower = o.layer === null ? o.target : `${o.layer === 'etc' ? s.layers.etc : s.layers.home}:${o.target}`;
    const opts = `lowerdir=${lower},upperdir=${join(s.hostDir, 'upper', o.upper)},workdir=${join(s.hostDir, 'work', o.upper)}`;
    lines.push(`mount -t overlay tpxlab -o ${q(opts)} ${o.target}`);
  }
  lines.push(
    `mount --bind ${q(join(s.hostDir, 'tmp'))} /tmp`,
    'mount -t tmpfs -o mode=755 tpxlab /run',
    'mkdir -m 755 /run/sshd',
    `hostname ${q(s.hostname)}`,
    `exec /usr/sbin/sshd -D -f ${q(s.sshdConfig)} -h ${q(hostKeyPath(s.hostDir))} -E ${q(s.sshdLog)} -o ListenAddress=${s.ipv4} -o ListenAddress=[${s.ipv6}]`,
  );
  return lines.join('\n');
}

/**
 * Starts the host's `sshd -D` inside its network namespace and a new mount namespace laid out
 * by `anchorScript`. The sshd listens on the host's lab addresses (port 22) and holds the
 * namespaces: the bridge enters them through its PID. Resolves with the PID once sshd runs.
 */
export async function startAnchor(s: AnchorSpec): Promise<number> {
  const logPath = join(s.hostDir, 'anchor.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${s.netns}`, '--', 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', anchorScript(s)],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${s.hostname}: could not start its sshd`);
  for (let i = 0; i < 500; i++) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null);
    if (comm === null || child.exitCode !== null) break;
    if (comm.trim() === 'sshd' && (await listens(pid))) return pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  const log = await readFile(logPath, 'utf8').catch(() => '');
  throw new Error(`${s.hostname}: its sshd did not start: ${log.trim().split('\n').slice(-2).join(' / ') || 'no output'}`);
}

/** True when the process has a listening TCP socket on port 22 (from its network namespace's view). */
async function listens(pid: number): Promise<boolean> {
  const tcp = await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '');
  return /:0016 [0-9A-F]{8}:0000 0A/.test(tcp);
}

/**
 * Throws unless `pid` still lives in the host's network namespace. Guards against a PID that
 * was reused after the host's sshd died: entering it could reach the machine's own iptables.
 */
export function assertInHostNetns(pid: number, netns: string): void {
  let expected: string;
  try {
    expected = `net:[${statSync(`/run/netns/${netns}`).ino}]`;
  } catch {
    throw new Error(`lab namespace ${netns} does not exist (lab down?)`);
  }
  const actual = (() => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return 'gone';
    }
  })();
  if (actual !== expected) throw new Error(`the sshd of ${netns} (pid ${pid}) is not running any more; rebuild the lab`);
}

/** Runs a shell command as root inside a host's namespaces (network, mount, hostname). */
export async function hostExec(
  state: LabState,
  host: string | LabHost,
  command: string,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const h = typeof host === 'string' ? findHost(state, host) : host;
  assertInHostNetns(h.anchorPid, h.netns);
  return runProcess('nsenter', ['-t', String(h.anchorPid), '--net', '--mount', '--uts', '--', 'sh', '-c', command], options);
}

/** A host of the lab by inventory name; throws when there is none. */
export function findHost(state: LabState, name: string): LabHost {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host named ${name} (hosts: ${state.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

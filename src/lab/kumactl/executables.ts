import { KumactlError } from './flags.js';
import type { Family } from './rules.js';
import type { HostIo } from './host-io.js';

/** The iptables programs of one family. */
export interface IptablesTools {
  readonly family: Family;
  /** `iptables` / `ip6tables`, as in kumactl's log lines. */
  readonly label: string;
  readonly save: string;
  readonly restore: string;
  /** Extra restore arguments (legacy waits for the xtables lock). */
  readonly restoreArgs: readonly string[];
}

/** Finds nft executables first, then legacy ones, as kumactl does; throws kumactl's error text when neither exists. */
export function findTools(io: HostIo, family: Family, generation: 'legacy' | 'marked'): IptablesTools {
  const base = family === 'ipv4' ? 'iptables' : 'ip6tables';
  for (const mode of ['nft', 'legacy'] as const) {
    const save = `/usr/sbin/${base}-${mode}-save`;
    const restore = `/usr/sbin/${base}-${mode}-restore`;
    if (io.exists(save) && io.exists(restore)) {
      return { family, label: base, save, restore, restoreArgs: mode === 'legacy' ? ['--wait=5'] : [] };
    }
  }
  if (generation === 'legacy') {
    throw new KumactlError(
      `failed to setup transparent proxy: unable to detect iptables restore binaries: no valid iptables executable found: couldn't find nft executables: [${base}-nft-save, ${base}-nft-restore], couldn't find legacy executables: [${base}-legacy-save, ${base}-legacy-restore]`,
    );
  }
  const v = family === 'ipv4' ? 'IPv4' : 'IPv6';
  throw new KumactlError(
    `failed to initialize config: unable to initialize ${v} executables: failed to find valid nft or legacy executables: initialization of one or more executables failed: could not locate executable '${base}' with mode 'nft'`,
  );
}

/** True when the host has an IPv6 address on an interface other than `lo` (link-local counts). */
export async function hasIpv6(io: HostIo): Promise<boolean> {
  const text = (await io.readFile('/proc/net/if_inet6')) ?? '';
  return text.split('\n').some((line) => {
    const words = line.trim().split(/\s+/);
    return words.length >= 6 && words[5] !== 'lo';
  });
}

/** The uid of a user name or number from /etc/passwd, or null. */
export async function lookupUid(io: HostIo, user: string): Promise<number | null> {
  const passwd = (await io.readFile('/etc/passwd')) ?? '';
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name === '' || uid === undefined) continue;
    if (name === user || uid === user) return Number(uid);
  }
  return null;
}

import { hostExec } from './host-namespace.js';
import { parseStandInVersion, runKumactl } from './kumactl/cli.js';
import { namespaceHostIo } from './kumactl/namespace-io.js';
import type { LabHost, LabState } from './types.js';

/** Rules that are not Kuma's, laid on every host before Kuma: a Docker-like nat chain and a filter rule. */
export const FOREIGN_RULES = {
  ipv4: [
    '*nat',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A DOCKER -i docker0 -j RETURN',
    'COMMIT',
    '*filter',
    '-A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n'),
  ipv6: [
    '*nat',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s fd00:dead::/64 ! -o docker0 -j MASQUERADE',
    '-A DOCKER -i docker0 -j RETURN',
    'COMMIT',
    '*filter',
    '-A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n'),
} as const;

/** The same rules as they appear in iptables-save / ip6tables-save output (for checks). */
export const FOREIGN_SAVED_LINES = {
  ipv4: FOREIGN_RULES.ipv4.split('\n').filter((l) => l.startsWith('-A ')),
  ipv6: FOREIGN_RULES.ipv6.split('\n').filter((l) => l.startsWith('-A ')),
} as const;

/** The command a host is seeded with: the version's kumactl installing with `--redirect-dns`. */
export function seedInstallCommand(host: LabHost): string | null {
  if (host.kumaVersion === null) return null;
  const extra = host.commentsDisabled ? ' --disable-comments' : '';
  return `/opt/kuma/${host.kumaVersion}/bin/kumactl install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns${extra}`;
}

/** Lays the foreign rules, then runs the host's kumactl install inside the host. */
export async function seedHost(state: LabState, host: LabHost): Promise<void> {
  const script = `set -e\niptables-nft-restore --noflush <<'TPX4'\n${FOREIGN_RULES.ipv4}TPX4\nip6tables-nft-restore --noflush <<'TPX6'\n${FOREIGN_RULES.ipv6}TPX6\n`;
  const foreign = await hostExec(state, host, script);
  if (foreign.code !== 0) throw new Error(`${host.name}: laying the non-Kuma rules failed: ${foreign.stderr.trim()}`);
  const install = seedInstallCommand(host);
  if (install === null) return;
  if (state.kumactl === 'stand-in') {
    // The stand-in's own code, run here against the host's namespaces: no node start per host.
    const io = namespaceHostIo(host.anchorPid, host.netns);
    const code = await runKumactl(parseStandInVersion(host.kumaVersion!), install.split(' ').slice(1), io);
    if (code !== 0) throw new Error(`${host.name}: seeding Kuma ${host.seed} failed: ${io.output().stderr.trim().split('\n').pop()}`);
    return;
  }
  const r = await hostExec(state, host, install, { timeoutMs: 120_000 });
  if (r.code !== 0)
    throw new Error(`${host.name}: seeding Kuma ${host.seed} failed: ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-2).join(' / ')}`);
}

/** The transparent-proxy rules kumactl lays, in kumactl's iptables-restore input format. */

export type Family = 'ipv4' | 'ipv6';

/** The comment prefix that marks every rule of kumactl 2.9+. */
export const RULE_MARKER = 'kuma/mesh/transparent/proxy';
/** The prefix of every Kuma chain. */
export const CHAIN_PREFIX = 'KUMA_MESH';

/** What the rules depend on. */
export interface RuleSettings {
  /** `legacy`: kumactl 2.7/2.8 (no comments ever); `marked`: 2.9+. */
  readonly generation: 'legacy' | 'marked';
  readonly comments: boolean;
  /** From 2.14 the loopback comments no longer say "(except to DNS port 53)". */
  readonly shortLoopbackComments: boolean;
  readonly uid: number;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly redirectInbound: boolean;
  readonly excludeInboundPorts: readonly number[];
  readonly excludeOutboundPorts: readonly number[];
  /** `servers`: only the nameservers given (from resolv.conf); `all`: all DNS traffic. */
  readonly dns: 'off' | 'servers' | 'all';
  readonly dnsPort: number;
  /** Nameservers of this family (`servers` mode). */
  readonly nameservers: readonly string[];
  readonly conntrackZoneSplit: boolean;
  readonly dropInvalidPackets: boolean;
}

interface Rule {
  readonly head: string;
  readonly comment: string;
  readonly params: string;
}

const IN = 'KUMA_MESH_INBOUND';
const OUT = 'KUMA_MESH_OUTBOUND';
const IN_REDIRECT = 'KUMA_MESH_INBOUND_REDIRECT';
const OUT_REDIRECT = 'KUMA_MESH_OUTBOUND_REDIRECT';

/** Builds the restore text for one family (tables `* raw`, `* nat`, `* mangle` as needed, each ending in COMMIT). */
export function buildRules(s: RuleSettings, family: Family): string {
  const lo = family === 'ipv4' ? '127.0.0.1/32' : '::1/128';
  const passthrough = family === 'ipv4' ? '127.0.0.6/32' : '::6/128';
  const u = s.uid;
  const dp = s.dnsPort;
  const dnsOn = s.dns !== 'off';
  const servers = s.dns === 'servers' ? s.nameservers : [];
  const except53 = s.shortLoopbackComments ? '' : ' (except to DNS port 53)';
  const tables: string[] = [];

  if (s.dropInvalidPackets) {
    tables.push(
      table(
        'mangle',
        [],
        [{ head: '-A PREROUTING', comment: 'drop packets marked as invalid by conntrack', params: '-m conntrack --ctstate INVALID -j DROP' }],
        s,
      ),
    );
  }

  if (dnsOn && s.conntrackZoneSplit) {
    const raw: Rule[] = [];
    if (s.dns === 'all')
      raw.push({ head: '-A PREROUTING', comment: 'assign connection tracking zone 1 to all DNS responses', params: '-p udp --sport 53 -j CT --zone 1' });
    for (const ns of servers) {
      const match = s.generation === 'legacy' ? `-d ${ns}` : `-s ${ns}`;
      raw.push({
        head: '-A PREROUTING',
        comment: `assign connection tracking zone 1 to DNS responses from ${ns}`,
        params: `${match} -p udp --sport 53 -j CT --zone 1`,
      });
    }
    raw.push(
      {
        head: '-A OUTPUT',
        comment: `assign connection tracking zone 1 to DNS traffic from the kuma-dp user (UID ${u})`,
        params: `-p udp --dport 53 -m owner --uid-owner ${u} -j CT --zone 1`,
      },
      {
        head: '-A OUTPUT',
        comment: 'assign connection tracking zone 2 to DNS responses from the kuma-dp DNS proxy',
        params: `-p udp --sport ${dp} -m owner --uid-owner ${u} -j CT --zone 2`,
      },
    );
    if (s.dns === 'all')
      raw.push({ head: '-A OUTPUT', comment: 'assign connection tracking zone 2 to all DNS requests', params: '-p udp --dport 53 -j CT --zone 2' });
    for (const ns of servers) {
      raw.push({
        head: '-A OUTPUT',
        comment: `assign connection tracking zone 2 to DNS requests destined for ${ns}`,
        params: `-d ${ns} -p udp --dport 53 -j CT --zone 2`,
      });
    }
    if (s.generation === 'marked') {
      for (const ns of servers.filter(isLoopback)) {
        raw.push({
          head: '-A OUTPUT',
          comment:
            'assign conntrack zone 1 to DNS responses from the local DNS server to localhost, needed when the DNS query port is altered by a DNAT iptables rule, such as with Docker containers in a custom network',
          params: `-s ${ns} -d ${lo} -p udp -j CT --zone 1`,
        });
      }
    }
    tables.push(table('raw', [], raw, s));
  }

  const nat: Rule[] = [];
  if (s.redirectInbound)
    nat.push({ head: '-A PREROUTING', comment: 'redirect inbound TCP traffic to our custom chain for processing', params: `-p tcp -j ${IN}` });
  if (dnsOn) {
    nat.push({ head: '-I OUTPUT 1', comment: 'return early for DNS traffic from kuma-dp', params: `-p udp --dport 53 -m owner --uid-owner ${u} -j RETURN` });
    if (s.dns === 'all') {
      nat.push({
        head: '-I OUTPUT 2',
        comment: `redirect all DNS requests to the kuma-dp DNS proxy (listening on port ${dp})`,
        params: `-p udp --dport 53 -j REDIRECT --to-ports ${dp}`,
      });
    }
    servers.forEach((ns, i) =>
      nat.push({
        head: `-I OUTPUT ${i + 2}`,
        comment: `redirect DNS requests to ${ns} to the kuma-dp DNS proxy (listening on port ${dp})`,
        params: `-d ${ns} -p udp --dport 53 -j REDIRECT --to-ports ${dp}`,
      }),
    );
  }
  nat.push({ head: '-A OUTPUT', comment: 'redirect outbound TCP traffic to our custom chain for processing', params: `-p tcp -j ${OUT}` });
  if (s.redirectInbound) {
    for (const p of s.excludeInboundPorts)
      nat.push({ head: `-A ${IN}`, comment: `exclude inbound traffic from port ${p} from redirection`, params: `-p tcp --dport ${p} -j RETURN` });
    nat.push({ head: `-A ${IN}`, comment: 'redirect all inbound traffic to the custom chain for processing', params: `-p tcp -j ${IN_REDIRECT}` });
  }
  for (const p of s.excludeOutboundPorts)
    nat.push({ head: `-A ${OUT}`, comment: `exclude outbound traffic from port ${p} from redirection`, params: `-p tcp --dport ${p} -j RETURN` });
  const not53 = dnsOn ? ' ! --dport 53' : '';
  nat.push(
    {
      head: `-A ${OUT}`,
      comment: `prevent traffic loops by ensuring traffic from the sidecar proxy (using ${passthrough}) to loopback interface is not redirected again`,
      params: `-s ${passthrough} -o lo -j RETURN`,
    },
    {
      head: `-A ${OUT}`,
      comment: `redirect outbound TCP traffic${except53} destined for loopback interface, but not targeting address ${lo}, and owned by UID ${u} (kuma-dp user) to ${IN_REDIRECT} chain for proper handling`,
      params: `-p tcp${not53} -o lo ! -d ${lo} -m owner --uid-owner ${u} -j ${IN_REDIRECT}`,
    },
    {
      head: `-A ${OUT}`,
      comment: `return outbound TCP traffic${except53} destined for loopback interface, owned by any UID other than ${u} (kuma-dp user)`,
      params: `-p tcp${not53} -o lo -m owner ! --uid-owner ${u} -j RETURN`,
    },
    { head: `-A ${OUT}`, comment: `return outbound traffic owned by UID ${u} (kuma-dp user)`, params: `-m owner --uid-owner ${u} -j RETURN` },
  );
  if (s.dns === 'all') {
    nat.push({
      head: `-A ${OUT}`,
      comment: `redirect all DNS requests sent via TCP to kuma-dp DNS proxy (listening on port ${dp})`,
      params: `-p tcp --dport 53 -j REDIRECT --to-ports ${dp}`,
    });
  }
  for (const ns of servers) {
    nat.push({
      head: `-A ${OUT}`,
      comment: `redirect DNS requests sent via TCP to ${ns} to kuma-dp DNS proxy (listening on port ${dp})`,
      params: `-d ${ns} -p tcp --dport 53 -j REDIRECT --to-ports ${dp}`,
    });
  }
  nat.push(
    { head: `-A ${OUT}`, comment: `return traffic destined for localhost (${lo}) to avoid redirection`, params: `-d ${lo} -j RETURN` },
    { head: `-A ${OUT}`, comment: 'redirect all other outbound traffic to our custom chain for further processing', params: `-j ${OUT_REDIRECT}` },
    { head: `-A ${IN_REDIRECT}`, comment: `redirect TCP traffic to envoy (port ${s.inboundPort})`, params: `-p tcp -j REDIRECT --to-ports ${s.inboundPort}` },
    {
      head: `-A ${OUT_REDIRECT}`,
      comment: `redirect TCP traffic to envoy (port ${s.outboundPort})`,
      params: `-p tcp -j REDIRECT --to-ports ${s.outboundPort}`,
    },
  );
  tables.push(table('nat', [IN, OUT, IN_REDIRECT, OUT_REDIRECT], nat, s));
  return tables.join('');
}

function table(name: string, chains: readonly string[], rules: readonly Rule[], s: RuleSettings): string {
  const withComments = s.generation === 'marked' && s.comments;
  const lines = [`* ${name}`, ...chains.map((c) => `-N ${c}`)];
  for (const r of rules) {
    const comment = withComments ? ` -m comment --comment "${`${RULE_MARKER}/${r.comment}`.slice(0, 254)}"` : '';
    lines.push(`${r.head}${comment} ${r.params}`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** The nameservers of `/etc/resolv.conf` text, split by family. */
export function parseNameservers(resolvConf: string): { ipv4: string[]; ipv6: string[] } {
  const all = resolvConf
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === 'nameserver' && w[1])
    .map((w) => w[1]);
  return { ipv4: all.filter((a) => !a.includes(':')), ipv6: all.filter((a) => a.includes(':')) };
}

import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import { quoteArg as shellQuote } from '../../src/shell/quote.js';
import { labStandInScript } from '../../src/lab/kumactl-files.js';
import { FOREIGN_RULES, FOREIGN_SAVED_LINES } from '../../src/lab/seed-rules.js';
import type { LabState } from '../../src/lab/types.js';
import { labSupported, useLab } from '../helpers/lab.js';

const lab = useLab({ hosts: 3, versions: ['2.8.3', '2.9.2', '2.10.1'] });

type Start = 'foreign' | 'legacy' | 'marked' | 'nocomments';
const HOST: Record<string, number> = { '2.8.3': 0, '2.9.2': 1, '2.10.1': 2 };
const MARKER = 'kuma/mesh/transparent/proxy/';
const UNMARKED =
  'transparent proxy rules detected, but expected comments are missing. Cleanup cannot proceed safely without comments to identify rules. Please remove the transparent proxy iptables rules manually';

const kumactl = (v: string): string => `/opt/kuma/${v}/bin/kumactl`;
const asUser = (cmd: string): string => `setpriv --reuid=tpx --regid=tpx --init-groups ${cmd}`;

/** Puts a host's rules in a known state: only the foreign rules, or them plus a 2.8 / 2.9 install. */
async function reset(state: LabState, version: string, start: Start): Promise<void> {
  const flush = ['iptables', 'ip6tables'].map((t) => `for x in nat raw mangle filter; do ${t} -t $x -F; ${t} -t $x -X; done 2>/dev/null`).join('; ');
  const foreign = `iptables-nft-restore --noflush <<'E'\n${FOREIGN_RULES.ipv4}E\nip6tables-nft-restore --noflush <<'E'\n${FOREIGN_RULES.ipv6}E\n`;
  const install = {
    foreign: '',
    legacy: `${standIn('2.8.3')} install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns`,
    marked: `${kumactl(version)} install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns`,
    nocomments: `${kumactl(version)} install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns --disable-comments`,
  }[start];
  const host = state.hosts[HOST[version]];
  const r = await hostExec(state, host, `${flush}; rm -rf /var/lib/tpx/lab-faults /tmp/*-rules.*; ${foreign}${install} >/dev/null 2>&1`);
  expect(r.code, `reset: ${r.stderr}`).toBe(0);
}

/** Runs any stand-in version on any host (the hosts only carry their own version's wrapper). */
function standIn(version: string): string {
  return `${shellQuote(process.execPath)} ${shellQuote(labStandInScript(lab.dir))} --stand-in-version ${version}`;
}

interface Case {
  readonly name: string;
  readonly version: string;
  readonly start: Start;
  readonly cmd: string;
  readonly code: number;
  readonly stdout?: string | RegExp;
  readonly stderr?: string | RegExp;
  /** Checks on `iptables-save` / `ip6tables-save` after the command. */
  readonly after?: (v4: string, v6: string) => void;
  /** Shell text before the command (files, env). */
  readonly prefix?: string;
  /** Run as the unprivileged login user. */
  readonly asUser?: boolean;
}

const cases: Case[] = [
  {
    name: 'version',
    version: '2.8.3',
    start: 'foreign',
    cmd: 'version',
    code: 0,
    stdout: 'Client: Kuma 2.8.3\n',
    stderr: /^Unable to connect to control plane: /,
  },
  { name: 'version', version: '2.10.1', start: 'foreign', cmd: 'version', code: 0, stdout: 'Client: Kuma 2.10.1\n' },
  { name: 'version --detailed', version: '2.9.2', start: 'foreign', cmd: 'version -a', code: 0, stdout: /Product: Kuma\nVersion: 2\.9\.2\n/ },
  {
    name: '2.8 install on a clean host: rules without comments, IPv4 and IPv6',
    version: '2.8.3',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns',
    code: 0,
    stdout: '# iptables set to divert the traffic to Envoy\n# Transparent proxy set up successfully, you can now run kuma-dp using transparent-proxy.\n',
    after: (v4, v6) => {
      for (const s of [v4, v6]) {
        expect(s).toContain('-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND');
        expect(s).not.toContain(MARKER);
      }
    },
  },
  {
    name: '2.8 re-install fails after 5 tries with "Chain already exists"',
    version: '2.8.3',
    start: 'legacy',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns --sleep-between-retries 0s',
    code: 1,
    stderr:
      /Chain already exists[\s\S]*try 5\/5[\s\S]*Error: failed to setup transparent proxy: cannot restore ipv4 iptable rules: \/usr\/sbin\/iptables-nft-restore failed\n$/,
  },
  {
    name: '2.8 needs a kuma-dp user',
    version: '2.8.3',
    start: 'foreign',
    cmd: 'install transparent-proxy',
    code: 1,
    stderr: 'Error: --kuma-dp-user or --kuma-dp-uid should be supplied\n',
  },
  {
    name: '2.8 has no --disable-comments',
    version: '2.8.3',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --disable-comments',
    code: 1,
    stderr: 'Error: unknown flag: --disable-comments\n',
  },
  {
    name: '2.8 uninstall is not supported',
    version: '2.8.3',
    start: 'legacy',
    cmd: 'uninstall transparent-proxy',
    code: 1,
    stderr: 'Error: cleanup is not supported\n',
  },
  {
    name: '2.9 refuses when Kuma rules without the marker exist, and changes nothing',
    version: '2.9.2',
    start: 'legacy',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns',
    code: 1,
    stderr: `Error: failed to setup transparent proxy: cleanup failed during setup: failed to cleanup IPv4 rules: ${UNMARKED}\n`,
    after: (v4) => {
      expect(v4).toContain('-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND');
      expect(v4).not.toContain(MARKER);
    },
  },
  {
    name: '2.10 refuses after a 2.9 install with comments disabled',
    version: '2.10.1',
    start: 'nocomments',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp',
    code: 1,
    stderr: new RegExp(`failed to cleanup IPv4 rules: ${UNMARKED}`),
  },
  {
    name: '2.10 cleans up its own marked rules, keeps the foreign ones, and prints the normal-run lines',
    version: '2.10.1',
    start: 'marked',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp',
    code: 0,
    stdout: new RegExp(
      [
        '^# cleaning up any existing transparent proxy iptables rules',
        '# \\[iptables\\] starting cleanup of existing transparent proxy rules\\. Any rule found in chains with names starting with "KUMA_MESH" or containing comments starting with "kuma/mesh/transparent/proxy" will be deleted',
        '# \\[iptables\\] cleanup of existing transparent proxy rules completed successfully',
        '# \\[ip6tables\\] starting cleanup[^\\n]*',
        '# \\[ip6tables\\] cleanup of existing transparent proxy rules completed successfully',
        '# kumactl is about to apply the iptables rules that will enable transparent proxying on the machine\\. The SSH connection may drop\\. If that happens, just reconnect again',
        '# \\[iptables\\] writing the following rules to file: /tmp/iptables-rules\\.\\d+\\.txt',
        '\\* nat[\\s\\S]*# \\[iptables\\] \\[1/5\\] /usr/sbin/iptables-nft-restore --noflush /tmp/iptables-rules\\.\\d+\\.txt',
        '[\\s\\S]*# transparent proxy setup completed successfully\\. You can now run kuma-dp with the transparent-proxy feature enabled\\n$',
      ].join('\\n'),
    ),
    after: (v4, v6) => {
      for (const [s, family] of [
        [v4, 'ipv4'],
        [v6, 'ipv6'],
      ] as const) {
        for (const line of FOREIGN_SAVED_LINES[family]) expect(s).toContain(line);
        expect(s).toContain(MARKER);
        // --redirect-dns was not given this time: the old DNS rules are gone, not doubled.
        expect(s).not.toContain('--to-ports 15053');
        expect(s.match(/-j KUMA_MESH_OUTBOUND\n/g)).toHaveLength(1);
      }
    },
  },
  ...(
    [
      ['--disable-comments', '--disable-comments', ''],
      ['--config', `--config 'comments: {disabled: true}'`, ''],
      ['--config-file', '--config-file /tmp/tp.yaml', `echo '{"comments": {"disabled": true}}' > /tmp/tp.yaml; `],
      ['--config-file -', '--config-file - < /tmp/tp.yaml', `echo 'comments: {disabled: true}' > /tmp/tp.yaml; `],
      ['KUMA_TRANSPARENT_PROXY_COMMENTS_DISABLED', '', 'KUMA_TRANSPARENT_PROXY_COMMENTS_DISABLED=true '],
    ] as const
  ).map(
    ([how, flag, prefix]): Case => ({
      name: `2.9 comments disabled with ${how}`,
      version: '2.9.2',
      start: 'foreign',
      cmd: `install transparent-proxy --kuma-dp-user kuma-dp ${flag}`,
      code: 0,
      after: (v4, v6) => {
        for (const s of [v4, v6]) {
          expect(s).toContain('-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND');
          expect(s).not.toContain(MARKER);
        }
      },
      prefix,
    }),
  ),
  {
    name: '2.9 --dry-run prints both families and changes nothing',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --dry-run',
    code: 0,
    stdout: /^### IPv4 ###\n\n\* nat\n-N KUMA_MESH_INBOUND\n[\s\S]*127\.0\.0\.6\/32[\s\S]*COMMIT\n\n### IPv6 ###\n\n\* nat\n[\s\S]*::6\/128[\s\S]*COMMIT\n$/,
    after: (v4) => expect(v4).not.toContain('KUMA_MESH'),
  },
  {
    name: '2.8 --dry-run prints one family (IPv6 when present) and the success line',
    version: '2.8.3',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --dry-run --redirect-dns',
    code: 0,
    stdout: /^\* raw\n[\s\S]*::6\/128[\s\S]*COMMIT\n# Transparent proxy set up successfully, you can now run kuma-dp using transparent-proxy\.\n$/,
  },
  {
    name: '2.9 with --redirect-dns and no IPv6 nameserver warns and leaves IPv6 DNS alone',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns',
    code: 0,
    stderr: /^# \[ip6tables\] \[WARNING\] no IPv6 nameserver found in \/etc\/resolv\.conf; DNS redirection for IPv6 is disabled\n$/,
    after: (v4, v6) => {
      expect(v4).toContain('--to-ports 15053');
      expect(v6).not.toContain('--dport 53');
      expect(v6).not.toContain('CT --zone');
    },
  },
  {
    name: '2.9 needs root',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp',
    code: 1,
    asUser: true,
    stderr: 'Error: you need to have root privileges to run this command\n',
  },
  {
    name: '2.9 dry-run as non-root only warns',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp --dry-run',
    code: 0,
    asUser: true,
    stderr: '# [WARNING] [dry-run]: running this command as a non-root user may lead to unpredictable results\n',
  },
  {
    name: '2.9 refuses both DNS flags',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --redirect-dns --redirect-all-dns-traffic',
    code: 1,
    stderr: "Error: only one of '--redirect-dns' or '--redirect-all-dns-traffic' should be specified\n",
  },
  {
    name: '2.9 unknown user',
    version: '2.9.2',
    start: 'foreign',
    cmd: 'install transparent-proxy --kuma-dp-user nobody-here',
    code: 1,
    stderr: "Error: failed to initialize config: the specified UID or username ('nobody-here') does not refer to a valid user on the host\n",
  },
  {
    name: '2.9 uninstall removes its marked rules and keeps the foreign ones',
    version: '2.9.2',
    start: 'marked',
    cmd: 'uninstall transparent-proxy',
    code: 0,
    after: (v4, v6) => {
      for (const [s, family] of [
        [v4, 'ipv4'],
        [v6, 'ipv6'],
      ] as const) {
        expect(s).not.toContain('KUMA_MESH');
        for (const line of FOREIGN_SAVED_LINES[family]) expect(s).toContain(line);
      }
    },
  },
  {
    name: 'fault hook: fail makes the next install fail without changes, once',
    version: '2.10.1',
    start: 'marked',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp',
    code: 1,
    prefix: 'mkdir -p /var/lib/tpx/lab-faults && echo fail > /var/lib/tpx/lab-faults/install; ',
    stderr: 'Error: lab fault: install failed\n',
    after: (v4) => expect(v4).toContain('--to-ports 15053'),
  },
  {
    name: 'fault hook: fail-after-cleanup leaves the host without Kuma rules',
    version: '2.10.1',
    start: 'marked',
    cmd: 'install transparent-proxy --kuma-dp-user kuma-dp',
    code: 1,
    prefix: 'mkdir -p /var/lib/tpx/lab-faults && echo fail-after-cleanup > /var/lib/tpx/lab-faults/install; ',
    after: (v4) => {
      expect(v4).not.toContain('KUMA_MESH');
      expect(v4).toContain('-j DOCKER');
    },
  },
];

describe.skipIf(!labSupported())('kumactl stand-in on a lab host', () => {
  it.each(cases)('$version: $name', async (c) => {
    const { state } = lab;
    await reset(state, c.version, c.start);
    const host = state.hosts[HOST[c.version]];
    const line = c.asUser ? asUser(`${kumactl(c.version)} ${c.cmd}`) : `${c.prefix ?? ''}${kumactl(c.version)} ${c.cmd}`;
    const r = await hostExec(state, host, line, { timeoutMs: 30_000 });
    const check = (actual: string, expected: string | RegExp | undefined, what: string): void => {
      if (expected === undefined) return;
      if (typeof expected === 'string') expect(actual, what).toBe(expected);
      else expect(actual, what).toMatch(expected);
    };
    check(r.stdout, c.stdout, 'stdout');
    check(r.stderr, c.stderr, 'stderr');
    expect(r.code, r.stderr).toBe(c.code);
    if (c.after) {
      const saved = await hostExec(state, host, 'iptables-save; echo =====; ip6tables-save');
      const [v4, v6] = saved.stdout.split('=====');
      c.after(v4, v6);
    }
    if (c.name.startsWith('fault hook')) {
      const left = await hostExec(state, host, 'ls /var/lib/tpx/lab-faults/install');
      expect(left.code, 'the fault fires once').not.toBe(0);
    }
  });

  it('2.9 backs up the rules it cleaned up into /tmp', async () => {
    const { state } = lab;
    await reset(state, '2.9.2', 'marked');
    const host = state.hosts[HOST['2.9.2']];
    await hostExec(state, host, `${kumactl('2.9.2')} install transparent-proxy --kuma-dp-user kuma-dp`);
    const backup = await hostExec(state, host, 'cat /tmp/iptables-rules.*.txt.backup');
    expect(backup.stdout).toContain('--to-ports 15053');
    expect(backup.stdout).toContain(MARKER);
  });

  it('fault hook: hang never finishes', async () => {
    const { state } = lab;
    await reset(state, '2.9.2', 'foreign');
    const host = state.hosts[HOST['2.9.2']];
    const started = Date.now();
    await hostExec(state, host, 'mkdir -p /var/lib/tpx/lab-faults && echo hang > /var/lib/tpx/lab-faults/install');
    const r = await hostExec(state, host, `exec ${kumactl('2.9.2')} install transparent-proxy`, { timeoutMs: 2000 });
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});

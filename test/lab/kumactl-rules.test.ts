import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecked, runProcess } from '../../src/lab/run-process.js';
import { buildRules, type Family, type RuleSettings } from '../../src/lab/kumactl/rules.js';
import { labSupported } from '../helpers/lab.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'kuma-rules');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
/** A data file without its `#` lines (source, params, date lines). */
const body = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

const base: RuleSettings = {
  generation: 'legacy',
  comments: false,
  shortLoopbackComments: false,
  uid: 5678,
  inboundPort: 15006,
  outboundPort: 15001,
  redirectInbound: true,
  excludeInboundPorts: [],
  excludeOutboundPorts: [],
  dns: 'off',
  dnsPort: 15053,
  nameservers: [],
  conntrackZoneSplit: true,
  dropInvalidPackets: false,
};
const v28 = base;
const v29: RuleSettings = { ...base, generation: 'marked', comments: true };
const v29nc: RuleSettings = { ...v29, comments: false };
const ns = (servers: string[]): Partial<RuleSettings> => ({ dns: 'servers', nameservers: servers });

interface Case {
  readonly name: string;
  readonly family: Family;
  readonly settings: RuleSettings;
  /** The kumactl-format file the builder must reproduce exactly (builder-derived data only). */
  readonly restore?: string;
  /** iptables-save output after applying to an empty namespace. */
  readonly saved: string;
}

const cases: Case[] = [
  { name: '2.8 default', family: 'ipv4', settings: v28, restore: 'v2.8-default.ipv4.restore', saved: 'v2.8-default.ipv4.nft.rules' },
  { name: '2.8 default', family: 'ipv6', settings: v28, restore: 'v2.8-default.ipv6.restore', saved: 'v2.8-default.ipv6.nft.rules' },
  {
    name: '2.8 redirect-dns',
    family: 'ipv4',
    settings: { ...v28, ...ns(['192.0.2.53']) },
    restore: 'v2.8-redirect-dns.ipv4.restore',
    saved: 'v2.8-redirect-dns.ipv4.nft.rules',
  },
  {
    name: '2.8 redirect-dns, no IPv6 nameserver',
    family: 'ipv6',
    settings: { ...v28, ...ns([]) },
    restore: 'v2.8-redirect-dns.ipv6.restore',
    saved: 'v2.8-redirect-dns.ipv6.nft.rules',
  },
  { name: '2.9 comments default', family: 'ipv4', settings: v29, saved: 'v2.9-comments-default.ipv4.nft.golden.rules' },
  { name: '2.9 comments default', family: 'ipv6', settings: v29, saved: 'v2.9-comments-default.ipv6.nft.golden.rules' },
  {
    name: '2.9 comments redirect-dns',
    family: 'ipv4',
    settings: { ...v29, ...ns(['192.0.2.53']) },
    restore: 'v2.9-comments-redirect-dns.ipv4.restore',
    saved: 'v2.9-comments-redirect-dns.ipv4.nft.rules',
  },
  {
    name: '2.9 comments redirect-dns, loopback resolver',
    family: 'ipv4',
    settings: { ...v29, ...ns(['127.0.0.53']) },
    restore: 'v2.9-comments-redirect-dns-loopback-resolver.ipv4.restore',
    saved: 'v2.9-comments-redirect-dns-loopback-resolver.ipv4.nft.rules',
  },
  {
    name: '2.9 no comments default',
    family: 'ipv4',
    settings: v29nc,
    restore: 'v2.9-nocomments-default.ipv4.restore',
    saved: 'v2.9-nocomments-default.ipv4.nft.rules',
  },
  {
    name: '2.9 no comments redirect-dns',
    family: 'ipv4',
    settings: { ...v29nc, ...ns(['192.0.2.53']) },
    restore: 'v2.9-nocomments-redirect-dns.ipv4.restore',
    saved: 'v2.9-nocomments-redirect-dns.ipv4.nft.rules',
  },
];

describe('kumactl stand-in rule builder: restore text', () => {
  it.each(cases.filter((c) => c.restore))('$name ($family) is the data file, line for line', ({ settings, family, restore }) => {
    expect(buildRules(settings, family)).toBe(body(read(restore!)).replace(/^\n+/, ''));
  });

  it('2.8 --dry-run goldens (upstream): defaults and --redirect-all-dns-traffic, with and without conntrack zones', () => {
    const golden = (name: string): string =>
      body(read(name))
        .replace(/^\n+/, '')
        .replace(/ifPlaceholder/g, 'lo')
        .replace(/-s subnetPlaceholder\/mask/g, '-s 127.0.0.6/32')
        .replace(/-d subnetPlaceholder\/mask/g, '-d 127.0.0.1/32')
        .replace(/inboundPort/g, '15006')
        .replace(/DOCKER_OUTPUT/g, 'RETURN');
    const root = { ...v28, uid: 0 };
    const all = { ...root, dns: 'all' as const, dnsPort: 12345 };
    expect(buildRules(root, 'ipv4')).toBe(golden('v2.8-dryrun-defaults.ipv4.golden.rules'));
    expect(buildRules(all, 'ipv4')).toBe(golden('v2.8-dryrun-redirect-all-dns.ipv4.golden.rules'));
    expect(buildRules({ ...all, conntrackZoneSplit: false }, 'ipv4')).toBe(golden('v2.8-dryrun-redirect-all-dns-no-conntrack.ipv4.golden.rules'));
  });

  it('2.9 marks every rule and 2.8 none', () => {
    const marked = buildRules({ ...v29, ...ns(['192.0.2.53']) }, 'ipv4')
      .split('\n')
      .filter((l) => /^-[AI] /.test(l));
    expect(marked.length).toBeGreaterThan(10);
    for (const l of marked) expect(l).toContain('-m comment --comment "kuma/mesh/transparent/proxy/');
    expect(buildRules({ ...v28, ...ns(['192.0.2.53']) }, 'ipv4')).not.toContain('comment');
  });
});

describe.skipIf(!labSupported())('kumactl stand-in rule builder: applied in an empty network namespace', () => {
  const prefix = `tpxlab-t${randomBytes(3).toString('hex')}-`;
  const made: string[] = [];
  afterAll(async () => {
    for (const n of made) await runProcess('ip', ['netns', 'delete', n]);
  });

  it.each(cases.map((c, i) => ({ ...c, i })))(
    '$name ($family): iptables-save equals $saved byte for byte (without date lines)',
    async ({ settings, family, saved, i }) => {
      const netns = `${prefix}${i}`;
      await runChecked('ip', ['netns', 'add', netns]);
      made.push(netns);
      const inNs = (cmd: string, input?: string) => runChecked('nsenter', [`--net=/run/netns/${netns}`, '--', 'sh', '-c', cmd], { input });
      const tool = family === 'ipv4' ? 'iptables' : 'ip6tables';
      await inNs(`${tool}-nft-restore --noflush`, buildRules(settings, family));
      const out = await inNs(`${tool}-nft-save`);
      const expected = body(read(saved))
        .replace(/^\n+/, '')
        .replace(/ifPlaceholder/g, 'lo');
      const actual = body(out).replace(/^\n+/, '');
      // The upstream goldens were saved without counters.
      expect(saved.includes('golden') ? actual.replace(/ \[0:0\]/g, '') : actual).toBe(expected);
    },
  );
});

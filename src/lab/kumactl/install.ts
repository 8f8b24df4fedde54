import { randomInt } from 'node:crypto';
import { CleanupError, cleanupFamily } from './cleanup.js';
import { findTools, hasIpv6, lookupUid, type IptablesTools } from './executables.js';
import { KumactlError } from './flags.js';
import type { HostIo } from './host-io.js';
import { playFault, playSlowness, takeInstallFault } from './lab-fault.js';
import { buildRules, parseNameservers, type Family, type RuleSettings } from './rules.js';
import type { TproxyConfig } from './settings.js';

/** A parsed `X.Y.Z` with the behaviour that depends on it. */
export interface StandInVersion {
  readonly text: string;
  readonly generation: 'legacy' | 'marked';
  readonly minor: number;
}

const LEGACY_SUCCESS = '# Transparent proxy set up successfully, you can now run kuma-dp using transparent-proxy.\n';

/** `kumactl install transparent-proxy` of 2.7/2.8: no cleanup, no comments, retries the restore. */
export async function installLegacy(io: HostIo, v: StandInVersion, c: TproxyConfig): Promise<void> {
  if (!c.kumaDPUser) throw new KumactlError('--kuma-dp-user or --kuma-dp-uid should be supplied');
  const families: Family[] = c.ipFamilyMode === 'ipv4' || !(await hasIpv6(io)) ? ['ipv4'] : ['ipv4', 'ipv6'];
  if (!c.dryRun && !io.isRoot()) {
    // 2.8 has no root check: iptables detection fails on the permission error instead.
    throw new KumactlError(findToolsFailure());
  }
  const uid = await lookupUid(io, c.kumaDPUser);
  if (uid === null)
    throw new KumactlError(
      'failed to setup transparent proxy: unable to find the kuma-dp user: --kuma-dp-user or --kuma-dp-uid should refer to a valid user on the host',
    );
  const ns = parseNameservers((await io.readFile(c.redirect.dns.resolvConfigPath)) ?? '');
  if (c.dryRun) {
    // 2.8 prints one family (IPv6 when enabled) and leaves out the per-nameserver rules.
    const family = families[families.length - 1];
    io.out(buildRules(ruleSettings(v, c, uid, []), family) + LEGACY_SUCCESS);
    return;
  }
  const fault = await takeInstallFault(io);
  if (typeof fault === 'string') await playFault(fault === 'hang' ? 'hang' : 'fail');
  await playSlowness(fault);
  for (const family of families) {
    const tools = findTools(io, family, 'legacy');
    const rules = buildRules(ruleSettings(v, c, uid, ns[family]), family);
    if (c.verbose) io.out(rules);
    const ok = await restoreWithRetries(io, tools, rules, c, false);
    if (!ok) throw new KumactlError(`failed to setup transparent proxy: cannot restore ${family} iptable rules: ${tools.restore} failed`);
    if (family === 'ipv6') await io.run('ip', ['-6', 'addr', 'add', '::6/128', 'dev', 'lo']);
  }
  io.out('# iptables set to divert the traffic to Envoy\n' + LEGACY_SUCCESS);
}

/** `kumactl install transparent-proxy` of 2.9+: cleanup of its own marked rules first, comments on every rule. */
export async function installMarked(io: HostIo, v: StandInVersion, c: TproxyConfig, bothDnsFlags: boolean): Promise<void> {
  if (bothDnsFlags) throw new KumactlError("only one of '--redirect-dns' or '--redirect-all-dns-traffic' should be specified");
  if (!c.dryRun && !io.isRoot()) throw new KumactlError('you need to have root privileges to run this command');
  const uid = await resolveDpUser(io, c.kumaDPUser);
  const families: Family[] = c.ipFamilyMode === 'ipv4' || !(await hasIpv6(io)) ? ['ipv4'] : ['ipv4', 'ipv6'];
  const tools = new Map(families.map((f) => [f, findTools(io, f, 'marked')]));
  const ns = parseNameservers((await io.readFile(c.redirect.dns.resolvConfigPath)) ?? '');
  const settings = (family: Family): RuleSettings => {
    const s = ruleSettings(v, c, uid, ns[family]);
    if (s.dns === 'servers' && s.nameservers.length === 0) {
      io.err(
        `# [${tools.get(family)!.label}] [WARNING] no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} nameserver found in ${c.redirect.dns.resolvConfigPath}; DNS redirection for ${family === 'ipv4' ? 'IPv4' : 'IPv6'} is disabled\n`,
      );
      return { ...s, dns: 'off' };
    }
    return s;
  };
  if (c.dryRun) {
    if (!io.isRoot()) io.err('# [WARNING] [dry-run]: running this command as a non-root user may lead to unpredictable results\n');
    io.out(families.map((f) => `### ${f === 'ipv4' ? 'IPv4' : 'IPv6'} ###\n\n${buildRules(settings(f), f)}`).join('\n'));
    return;
  }
  const fault = await takeInstallFault(io);
  if (fault === 'fail' || fault === 'hang') await playFault(fault);
  io.out('# cleaning up any existing transparent proxy iptables rules\n');
  for (const family of families) {
    try {
      await cleanupFamily(io, tools.get(family)!, new Date());
    } catch (e) {
      if (!(e instanceof CleanupError)) throw e;
      throw new KumactlError(
        `failed to setup transparent proxy: cleanup failed during setup: failed to cleanup ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rules: ${e.message}`,
      );
    }
  }
  if (fault === 'fail-after-cleanup') await playFault('fail');
  await playSlowness(fault);
  io.out(
    '# kumactl is about to apply the iptables rules that will enable transparent proxying on the machine. The SSH connection may drop. If that happens, just reconnect again\n',
  );
  for (const family of families) {
    const t = tools.get(family)!;
    const rules = buildRules(settings(family), family);
    const ok = await restoreWithRetries(io, t, rules, c, true);
    if (!ok) throw new KumactlError(`failed to setup transparent proxy: failed to apply ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rules: ${t.restore} failed`);
    if (family === 'ipv6') await io.run('ip', ['-6', 'addr', 'add', '::6/128', 'dev', 'lo']);
  }
  io.out('# transparent proxy setup completed successfully. You can now run kuma-dp with the transparent-proxy feature enabled\n');
}

/** 2.9+: the given user (name or uid), else uid 5678, else user `kuma-dp`. */
export async function resolveDpUser(io: HostIo, user: string): Promise<number> {
  if (user) {
    const uid = await lookupUid(io, user);
    if (uid === null)
      throw new KumactlError(`failed to initialize config: the specified UID or username ('${user}') does not refer to a valid user on the host`);
    return uid;
  }
  const uid = (await lookupUid(io, '5678')) ?? (await lookupUid(io, 'kuma-dp'));
  if (uid === null) {
    throw new KumactlError(
      "failed to initialize config: no UID or username provided, and user with the default UID ('5678') or username ('kuma-dp') could not be found",
    );
  }
  return uid;
}

function ruleSettings(v: StandInVersion, c: TproxyConfig, uid: number, nameservers: readonly string[]): RuleSettings {
  const dns = !c.redirect.dns.enabled ? 'off' : c.redirect.dns.captureAll ? 'all' : 'servers';
  return {
    generation: v.generation,
    comments: v.generation === 'marked' && !c.comments.disabled,
    shortLoopbackComments: v.minor >= 14,
    uid,
    inboundPort: c.redirect.inbound.port,
    outboundPort: c.redirect.outbound.port,
    redirectInbound: c.redirect.inbound.enabled,
    excludeInboundPorts: c.redirect.inbound.excludePorts,
    excludeOutboundPorts: c.redirect.outbound.excludePorts,
    dns,
    dnsPort: c.redirect.dns.port,
    nameservers,
    conntrackZoneSplit: !c.redirect.dns.skipConntrackZoneSplit,
    dropInvalidPackets: v.generation === 'marked' && c.dropInvalidPackets,
  };
}

/** Writes the rules to a temp file and runs `restore --noflush` up to maxRetries+1 times. */
async function restoreWithRetries(io: HostIo, t: IptablesTools, rules: string, c: TproxyConfig, marked: boolean): Promise<boolean> {
  const file = `/tmp/${t.label}-rules.${randomInt(1e9)}.txt`;
  await io.writeFile(file, rules);
  if (marked) io.out(`# [${t.label}] writing the following rules to file: ${file}\n${rules}`);
  const tries = c.retry.maxRetries + 1;
  try {
    for (let i = 1; i <= tries; i++) {
      const args = [...t.restoreArgs, '--noflush', file];
      if (marked) io.out(`# [${t.label}] [${i}/${tries}] ${t.restore} ${args.join(' ')}\n`);
      const r = await io.run(t.restore, args);
      if (r.code === 0) return true;
      io.err(`# [${t.label}] [WARNING] ${t.restore} failed (try ${i}/${tries}): ${r.stderr.trim()}\n`);
      if (i < tries) await io.sleep(c.retry.sleepBetweenRetriesMs);
    }
    return false;
  } finally {
    await io.remove(file);
  }
}

function findToolsFailure(): string {
  return "failed to setup transparent proxy: unable to detect iptables restore binaries: no valid iptables executable found: couldn't find nft executables: [iptables-nft-save, iptables-nft-restore], couldn't find legacy executables: [iptables-legacy-save, iptables-legacy-restore]";
}

/** pflag-style parsing of kumactl's flags (`--name value`, `--name=value`, bare booleans). */

export type FlagKind = 'bool' | 'string' | 'int' | 'list' | 'repeat' | 'duration';

/** The error kumactl prints for a bad command line. */
export class KumactlError extends Error {}

const shared: Record<string, FlagKind> = {
  'dry-run': 'bool',
  verbose: 'bool',
  'ip-family-mode': 'string',
  'redirect-outbound-port': 'int',
  'redirect-inbound': 'bool',
  'redirect-inbound-port': 'int',
  'exclude-inbound-ports': 'list',
  'exclude-outbound-ports': 'list',
  'kuma-dp-user': 'string',
  'kuma-dp-uid': 'string',
  'redirect-dns': 'bool',
  'redirect-all-dns-traffic': 'bool',
  'redirect-dns-port': 'int',
  'skip-dns-conntrack-zone-split': 'bool',
  'store-firewalld': 'bool',
  'exclude-outbound-ports-for-uids': 'repeat',
  vnet: 'repeat',
  wait: 'int',
  'wait-interval': 'int',
  'max-retries': 'int',
  'sleep-between-retries': 'duration',
  'ebpf-enabled': 'bool',
  'ebpf-instance-ip': 'string',
  'ebpf-bpffs-path': 'string',
  'ebpf-cgroup-path': 'string',
  'ebpf-programs-source-path': 'string',
  'ebpf-tc-attach-iface': 'string',
};

/** `install transparent-proxy` flags of kumactl 2.7/2.8. */
export const LEGACY_INSTALL_FLAGS: Record<string, FlagKind> = {
  ...shared,
  'redirect-inbound-port-v6': 'int',
  'redirect-dns-upstream-target-chain': 'string',
  'exclude-outbound-tcp-ports-for-uids': 'repeat',
  'exclude-outbound-udp-ports-for-uids': 'repeat',
};

/** `install transparent-proxy` flags of kumactl 2.9/2.10. */
export const MARKED_INSTALL_FLAGS: Record<string, FlagKind> = {
  ...shared,
  'drop-invalid-packets': 'bool',
  'exclude-inbound-ips': 'repeat',
  'exclude-outbound-ips': 'repeat',
  'redirect-inbound-insert-instead-of-append': 'bool',
  'redirect-outbound-insert-instead-of-append': 'bool',
  'iptables-logs': 'bool',
  'disable-comments': 'bool',
  'iptables-executables': 'string',
  config: 'string',
  'config-file': 'string',
};

/** `uninstall transparent-proxy` flags of 2.9/2.10 (plus kumactl's global --config-file). */
export const MARKED_UNINSTALL_FLAGS: Record<string, FlagKind> = {
  'dry-run': 'bool',
  verbose: 'bool',
  'ebpf-enabled': 'bool',
  'ebpf-bpffs-path': 'string',
  'config-file': 'string',
};

export type FlagValue = boolean | string | number | string[];

/** Parses flags; returns the values given (by flag name) and the positional words. */
export function parseFlags(argv: readonly string[], specs: Record<string, FlagKind>): { values: Map<string, FlagValue>; positional: string[] } {
  const values = new Map<string, FlagValue>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg === '-h' || arg === '--') values.set('help', true);
      else positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (name === 'help') {
      values.set('help', true);
      continue;
    }
    const kind = specs[name];
    if (!kind) throw new KumactlError(`unknown flag: --${name}`);
    let raw: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (kind === 'bool') {
      if (raw !== undefined && !['true', 'false', '1', '0'].includes(raw))
        throw new KumactlError(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
      values.set(name, raw === undefined || raw === 'true' || raw === '1');
      continue;
    }
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new KumactlError(`flag needs an argument: --${name}`);
      raw = argv[++i];
    }
    values.set(name, convert(name, kind, raw, values.get(name)));
  }
  return { values, positional };
}

function convert(name: string, kind: FlagKind, raw: string, previous: FlagValue | undefined): FlagValue {
  switch (kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw)) throw new KumactlError(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseUint: parsing "${raw}": invalid syntax`);
      return Number(raw);
    }
    case 'duration':
      parseDuration(raw, name);
      return raw;
    case 'repeat':
      return [...((previous as string[] | undefined) ?? []), raw];
    default:
      return raw;
  }
}

/** Go duration text (`2s`, `500ms`, `1m30s`, `0`) in milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    end = re.lastIndex;
  }
  if (end !== text.length || text.length === 0) throw new KumactlError(`invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`);
  return total;
}

/** `1,2,3` (and repeated values) as port numbers. */
export function parsePortList(value: string | readonly string[] | undefined): number[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : (value as string);
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(Number);
}

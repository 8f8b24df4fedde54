import { readFileSync } from 'node:fs';
import { KumactlError, parseDuration, parsePortList, type FlagValue } from './flags.js';

/** kumactl's transparent-proxy configuration after defaults < config < env < flags. */
export interface TproxyConfig {
  kumaDPUser: string;
  ipFamilyMode: string;
  verbose: boolean;
  dryRun: boolean;
  redirect: {
    inbound: { enabled: boolean; port: number; excludePorts: number[] };
    outbound: { port: number; excludePorts: number[] };
    dns: { enabled: boolean; port: number; captureAll: boolean; skipConntrackZoneSplit: boolean; resolvConfigPath: string };
  };
  comments: { disabled: boolean };
  dropInvalidPackets: boolean;
  retry: { maxRetries: number; sleepBetweenRetriesMs: number };
}

export function defaultConfig(): TproxyConfig {
  return {
    kumaDPUser: '',
    ipFamilyMode: 'dualstack',
    verbose: false,
    dryRun: false,
    redirect: {
      inbound: { enabled: true, port: 15006, excludePorts: [] },
      outbound: { port: 15001, excludePorts: [] },
      dns: { enabled: false, port: 15053, captureAll: false, skipConntrackZoneSplit: false, resolvConfigPath: '/etc/resolv.conf' },
    },
    comments: { disabled: false },
    dropInvalidPackets: false,
    retry: { maxRetries: 4, sleepBetweenRetriesMs: 2000 },
  };
}

type Setter = (c: TproxyConfig, v: unknown) => void;

const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1';
const num = (v: unknown): number => Number(v);
const ports = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : parsePortList(String(v)));
const duration = (v: unknown): number => (typeof v === 'number' ? v / 1e6 : parseDuration(String(v)));

/** Config keys (dotted, as in kumactl's YAML/JSON) with their env var suffix and setter. */
const KEYS: Record<string, { env: string; set: Setter }> = {
  kumaDPUser: { env: 'KUMA_DP_USER', set: (c, v) => (c.kumaDPUser = String(v)) },
  ipFamilyMode: { env: 'IP_FAMILY_MODE', set: (c, v) => (c.ipFamilyMode = String(v)) },
  verbose: { env: 'VERBOSE', set: (c, v) => (c.verbose = bool(v)) },
  dryRun: { env: 'DRY_RUN', set: (c, v) => (c.dryRun = bool(v)) },
  'redirect.inbound.enabled': { env: 'REDIRECT_INBOUND_ENABLED', set: (c, v) => (c.redirect.inbound.enabled = bool(v)) },
  'redirect.inbound.port': { env: 'REDIRECT_INBOUND_PORT', set: (c, v) => (c.redirect.inbound.port = num(v)) },
  'redirect.inbound.excludePorts': { env: 'REDIRECT_INBOUND_EXCLUDE_PORTS', set: (c, v) => (c.redirect.inbound.excludePorts = ports(v)) },
  'redirect.outbound.port': { env: 'REDIRECT_OUTBOUND_PORT', set: (c, v) => (c.redirect.outbound.port = num(v)) },
  'redirect.outbound.excludePorts': { env: 'REDIRECT_OUTBOUND_EXCLUDE_PORTS', set: (c, v) => (c.redirect.outbound.excludePorts = ports(v)) },
  'redirect.dns.enabled': { env: 'REDIRECT_DNS_ENABLED', set: (c, v) => (c.redirect.dns.enabled = bool(v)) },
  'redirect.dns.port': { env: 'REDIRECT_DNS_PORT', set: (c, v) => (c.redirect.dns.port = num(v)) },
  'redirect.dns.captureAll': { env: 'REDIRECT_DNS_CAPTURE_ALL', set: (c, v) => (c.redirect.dns.captureAll = bool(v)) },
  'redirect.dns.skipConntrackZoneSplit': { env: 'REDIRECT_DNS_SKIP_CONNTRACK_ZONE_SPLIT', set: (c, v) => (c.redirect.dns.skipConntrackZoneSplit = bool(v)) },
  'redirect.dns.resolvConfigPath': { env: 'REDIRECT_DNS_RESOLV_CONFIG_PATH', set: (c, v) => (c.redirect.dns.resolvConfigPath = String(v)) },
  'comments.disabled': { env: 'COMMENTS_DISABLED', set: (c, v) => (c.comments.disabled = bool(v)) },
  dropInvalidPackets: { env: 'DROP_INVALID_PACKETS', set: (c, v) => (c.dropInvalidPackets = bool(v)) },
  'retry.maxRetries': { env: 'RETRY_MAX_RETRIES', set: (c, v) => (c.retry.maxRetries = num(v)) },
  'retry.sleepBetweenRetries': { env: 'RETRY_SLEEP_BETWEEN_RETRIES', set: (c, v) => (c.retry.sleepBetweenRetriesMs = duration(v)) },
};

/** Flags and the config key they set. */
const FLAG_KEYS: Record<string, string> = {
  'kuma-dp-user': 'kumaDPUser',
  'kuma-dp-uid': 'kumaDPUser',
  'ip-family-mode': 'ipFamilyMode',
  verbose: 'verbose',
  'dry-run': 'dryRun',
  'redirect-inbound': 'redirect.inbound.enabled',
  'redirect-inbound-port': 'redirect.inbound.port',
  'exclude-inbound-ports': 'redirect.inbound.excludePorts',
  'redirect-outbound-port': 'redirect.outbound.port',
  'exclude-outbound-ports': 'redirect.outbound.excludePorts',
  'redirect-dns': 'redirect.dns.enabled',
  'redirect-dns-port': 'redirect.dns.port',
  'skip-dns-conntrack-zone-split': 'redirect.dns.skipConntrackZoneSplit',
  'disable-comments': 'comments.disabled',
  'drop-invalid-packets': 'dropInvalidPackets',
  'max-retries': 'retry.maxRetries',
  'sleep-between-retries': 'retry.sleepBetweenRetries',
};

/** The 2.7/2.8 configuration: defaults and flags only. */
export function legacyConfig(flags: Map<string, FlagValue>): TproxyConfig {
  const c = defaultConfig();
  applyFlags(c, flags);
  return c;
}

/**
 * The 2.9+ configuration: defaults < `--config`/`--config-file` < `KUMA_TRANSPARENT_PROXY_*` < flags.
 * `readConfig` returns the text of `--config-file` (`-` reads stdin).
 */
export async function markedConfig(flags: Map<string, FlagValue>, env: NodeJS.ProcessEnv, stdin: () => Promise<string>): Promise<TproxyConfig> {
  const c = defaultConfig();
  let text: string | undefined = flags.get('config') as string | undefined;
  const file = flags.get('config-file') as string | undefined;
  if (file !== undefined) {
    try {
      text = file === '-' ? await stdin() : readFileSync(file, 'utf8');
    } catch (e) {
      throw new KumactlError(`failed to load configuration from file: ${(e as Error).message}`);
    }
  }
  if (text !== undefined && text.trim() !== '') {
    const { parse } = await import('yaml');
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      throw new KumactlError(`failed to parse configuration: ${(e as Error).message.split('\n')[0]}`);
    }
    applyDocument(c, doc, '');
  }
  for (const [key, spec] of Object.entries(KEYS)) {
    const value = env[`KUMA_TRANSPARENT_PROXY_${spec.env}`];
    if (value !== undefined) KEYS[key].set(c, value);
  }
  applyFlags(c, flags);
  return c;
}

function applyDocument(c: TproxyConfig, doc: unknown, prefix: string): void {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (KEYS[key]) KEYS[key].set(c, v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) applyDocument(c, v, key);
  }
}

function applyFlags(c: TproxyConfig, flags: Map<string, FlagValue>): void {
  for (const [flag, value] of flags) {
    const key = FLAG_KEYS[flag];
    if (key) KEYS[key].set(c, value);
  }
  if (flags.get('redirect-all-dns-traffic') === true) {
    c.redirect.dns.enabled = true;
    c.redirect.dns.captureAll = true;
  }
}

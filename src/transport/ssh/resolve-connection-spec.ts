import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import type { HostConnectionVars } from '../connection.js';
import { secretMasker } from '../../errors/mask-secrets.js';
import type { ConnectionSpec } from '../connection.js';

/** Where to look for OpenSSH's files; tests point these elsewhere. */
export interface ResolveOptions {
  /** Default `~/.ssh/config`; a missing file is fine. */
  readonly sshConfigFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const DEFAULT_CONNECT_TIMEOUT_S = 10;
const DEFAULT_KEEPALIVE_MS = 15_000;

/**
 * Merges a host's inventory connection variables (which win) over its `~/.ssh/config`
 * block (HostName, Port, User, IdentityFile, ProxyJump) over OpenSSH's defaults.
 * Passwords found are registered with the secret masker.
 */
export function resolveConnectionSpec(name: string, vars: HostConnectionVars, options: ResolveOptions = {}): ConnectionSpec {
  const env = options.env ?? process.env;
  const home = options.home ?? env.HOME ?? homedir();
  const config = readSshConfig(options.sshConfigFile ?? join(home, '.ssh', 'config'), vars.host ?? name);
  const localUser = env.USER ?? env.LOGNAME ?? userInfo().username;

  const configHost = first(config.HostName)?.replace(/%([h%])/g, (_, t: string) => (t === 'h' ? (vars.host ?? name) : '%'));
  const host = vars.host ?? configHost ?? name;
  const user = vars.user ?? first(config.User) ?? localUser;
  const port = vars.port ?? parsePort(first(config.Port)) ?? 22;
  const expand = (path: string): string => expandPath(path, { home, host, user, localUser });

  const configIdentities = list(config.IdentityFile).map(expand);
  const identityFiles = vars.identityFile
    ? [expand(vars.identityFile)]
    : configIdentities.length > 0
      ? configIdentities
      : DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f)).filter((f) => existsSync(f));

  const configJump = first(config.ProxyJump);
  const proxyJump = vars.proxyJump ?? (configJump && configJump.toLowerCase() !== 'none' ? splitJumps(configJump) : []);
  const becomePassword = vars.becomePassword ?? env.TPX_BECOME_PASSWORD ?? undefined;
  secretMasker.add(vars.password);
  secretMasker.add(becomePassword);

  return {
    name,
    host,
    port,
    user,
    identityFiles,
    password: vars.password,
    becomePassword: becomePassword || undefined,
    proxyJump,
    knownHostsFile: vars.knownHostsFile ? expand(vars.knownHostsFile) : join(home, '.ssh', 'known_hosts'),
    hostKeyChecking: vars.hostKeyChecking ?? 'strict',
    connectTimeoutMs: (vars.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
    keepaliveIntervalMs: DEFAULT_KEEPALIVE_MS,
    agent: env.SSH_AUTH_SOCK || undefined,
  };
}

/** `a@b:1, c` → `['a@b:1', 'c']` */
export function splitJumps(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function readSshConfig(file: string, host: string): Record<string, string | string[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return SSHConfig.parse(text).compute(host);
}

/** `~`, `%d` (home), `%h` (host), `%r` (remote user), `%u` (local user), `%%`. */
function expandPath(path: string, ctx: { home: string; host: string; user: string; localUser: string }): string {
  const tokens: Record<string, string> = { d: ctx.home, h: ctx.host, r: ctx.user, u: ctx.localUser, '%': '%' };
  const expanded = path.replace(/^~(?=$|\/)/, ctx.home).replace(/%([dhru%])/g, (_, t: string) => tokens[t]);
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function parsePort(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

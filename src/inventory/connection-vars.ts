import { ExitCode, TpxError } from '../errors/tpx-error.js';
import type { HostConnectionVars } from '../transport/connection.js';

/**
 * Each connection setting and the variable names it is read from, first name first:
 * the tpx name, then the Ansible name, then Ansible's older alias. The first one set wins,
 * so the tpx name wins when both are set (whatever group or host level each came from).
 */
export const CONNECTION_VAR_NAMES = {
  host: ['host', 'ansible_host', 'ansible_ssh_host'],
  port: ['port', 'ansible_port', 'ansible_ssh_port'],
  user: ['user', 'ansible_user', 'ansible_ssh_user'],
  identityFile: ['identity_file', 'ansible_ssh_private_key_file'],
  password: ['password', 'ansible_password', 'ansible_ssh_pass'],
  become: ['become', 'ansible_become'],
  becomeUser: ['become_user', 'ansible_become_user'],
  becomePassword: ['become_password', 'ansible_become_password', 'ansible_become_pass'],
  proxyJump: ['proxy_jump'],
  knownHostsFile: ['known_hosts_file'],
  hostKeyChecking: ['host_key_checking', 'ansible_host_key_checking'],
  connectTimeout: ['connect_timeout', 'ansible_timeout'],
} as const satisfies Record<keyof HostConnectionVars, readonly string[]>;

type Field = keyof typeof CONNECTION_VAR_NAMES;

/** A connection variable holds a value of the wrong kind (bad input: exit 4). */
export class ConnectionVarError extends TpxError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('connection-var', `${variable}: ${message}`, { exitCode: ExitCode.badInput });
    this.variable = variable;
  }
}

/**
 * Reads a host's connection settings from its (merged) variables, under tpx or Ansible
 * names. Values that YAML or templating left as strings are accepted where the meaning is
 * plain: `"2222"` for a port, `yes`/`no`/`true`/`false`/`on`/`off` for booleans, `"5"` for a
 * timeout. `proxy_jump` is split on commas. Absent settings stay absent. Throws
 * ConnectionVarError for a value of the wrong kind (the schema catches these in files first).
 */
export function readConnectionVars(vars: Readonly<Record<string, unknown>>): HostConnectionVars {
  const out: { -readonly [K in Field]?: HostConnectionVars[K] } = {};
  const pick = (field: Field): { name: string; value: unknown } | undefined => {
    for (const name of CONNECTION_VAR_NAMES[field]) {
      const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
      if (value !== undefined && value !== null) return { name, value };
    }
    return undefined;
  };
  for (const field of ['host', 'user', 'identityFile', 'password', 'becomeUser', 'becomePassword', 'knownHostsFile'] as const) {
    const v = pick(field);
    if (v) out[field] = readString(v.name, v.value);
  }
  const port = pick('port');
  if (port) out.port = readPort(port.name, port.value);
  const become = pick('become');
  if (become) out.become = readBoolean(become.name, become.value);
  const jump = pick('proxyJump');
  if (jump) {
    const chain = readProxyJump(jump.name, jump.value);
    if (chain.length > 0) out.proxyJump = chain;
  }
  const checking = pick('hostKeyChecking');
  if (checking) out.hostKeyChecking = readHostKeyChecking(checking.name, checking.value);
  const timeout = pick('connectTimeout');
  if (timeout) out.connectTimeout = readTimeout(timeout.name, timeout.value);
  return Object.freeze(out);
}

function readString(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  // A bare number is a fine host name part or password once written as text (e.g. `password: 1234`).
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ConnectionVarError(name, `must be a string, got ${describe(value)}`);
}

function readPort(name: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  throw new ConnectionVarError(name, `must be a port number from 1 to 65535, got ${describe(value)}`);
}

/** Ansible's boolean words, lower-cased. */
const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', '0']);

/** true/false, yes/no, on/off (any case), 1/0. */
export function readBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  throw new ConnectionVarError(name, `must be true or false (yes/no), got ${describe(value)}`);
}

function readProxyJump(name: string, value: unknown): string[] {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!parts || parts.some((p) => typeof p !== 'string')) {
    throw new ConnectionVarError(name, `must be "user@host:port", a comma-separated chain of them, or a list, got ${describe(value)}`);
  }
  return (parts as string[]).map((p) => p.trim()).filter((p) => p !== '');
}

function readHostKeyChecking(name: string, value: unknown): 'strict' | 'accept-new' | 'off' {
  if (value === 'strict' || value === 'accept-new' || value === 'off') return value;
  // YAML reads a bare `off` as false; Ansible's ansible_host_key_checking is a boolean.
  if (typeof value === 'boolean') return value ? 'strict' : 'off';
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (w === 'strict' || w === 'accept-new' || w === 'off') return w;
    if (TRUE_WORDS.has(w)) return 'strict';
    if (FALSE_WORDS.has(w)) return 'off';
  }
  throw new ConnectionVarError(name, `must be strict, accept-new or off, got ${describe(value)}`);
}

function readTimeout(name: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n;
  throw new ConnectionVarError(name, `must be a number of seconds greater than 0, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return JSON.stringify(value) ?? String(value);
}

const ALL_CONNECTION_VAR_NAMES: ReadonlySet<string> = new Set(Object.values(CONNECTION_VAR_NAMES).flat());

/**
 * What is wrong with one variable as a connection setting (`ansible_port=abc`), or undefined
 * when it is fine or not a connection setting: for sources without a schema (INI lines,
 * vars files), so the problem is reported at its line before anything connects.
 */
export function connectionVarProblem(name: string, value: unknown): string | undefined {
  if (!ALL_CONNECTION_VAR_NAMES.has(name)) return undefined;
  try {
    readConnectionVars({ [name]: value });
    return undefined;
  } catch (error) {
    if (error instanceof ConnectionVarError) return `${error.message} (a connection setting)`;
    throw error;
  }
}

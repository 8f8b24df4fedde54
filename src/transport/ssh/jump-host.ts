/** One bastion of a `proxy_jump` chain. */
export interface JumpHost {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** Parses `[user@]host[:port]` (IPv6 as `[::1]:22`); user defaults to `defaultUser`, port to 22. */
export function parseJumpHost(value: string, defaultUser: string): JumpHost {
  const at = value.lastIndexOf('@');
  const user = at >= 0 ? value.slice(0, at) : defaultUser;
  const rest = value.slice(at + 1);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(rest);
  const match = bracketed ?? plain;
  if (!match || !user) throw new Error(`bad proxy_jump entry "${value}": expected user@host:port`);
  const port = match[2] ? Number(match[2]) : 22;
  if (!(port > 0 && port < 65536)) throw new Error(`bad port in proxy_jump entry "${value}"`);
  return { user, host: match[1], port };
}

/** `user@host:port`, as used in messages. */
export function formatJumpHost(hop: JumpHost): string {
  return `${hop.user}@${hop.host.includes(':') ? `[${hop.host}]` : hop.host}:${hop.port}`;
}

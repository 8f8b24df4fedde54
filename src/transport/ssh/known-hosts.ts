import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One key line of a known_hosts file. */
export interface KnownHostsEntry {
  /** 1-based line number, for messages. */
  readonly line: number;
  readonly marker?: 'cert-authority' | 'revoked';
  /** The host field as written: `a,b`, `[h]:2222`, `|1|salt|hash`. */
  readonly hosts: string;
  readonly keyType: string;
  readonly key: Buffer;
}

/** The name a host is filed under: `host` on port 22, `[host]:port` otherwise (as OpenSSH writes it). */
export function formatKnownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostsEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!.slice(1);
      if (name !== 'cert-authority' && name !== 'revoked') return;
      marker = name;
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return;
    entries.push({ line: index + 1, marker, hosts, keyType, key: Buffer.from(base64, 'base64') });
  });
  return entries;
}

/** Reads and parses a known_hosts file; a missing file has no entries. */
export function readKnownHostsFile(file: string): KnownHostsEntry[] {
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** True when an entry's host field names `lookupName` (plain, wildcard, negated or hashed). */
export function matchesKnownHostsName(hostsField: string, lookupName: string): boolean {
  if (hostsField.startsWith('|1|')) return matchesHashed(hostsField, lookupName);
  let matched = false;
  for (const pattern of hostsField.split(',')) {
    const negated = pattern.startsWith('!');
    if (!matchesPattern(negated ? pattern.slice(1) : pattern, lookupName)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesHashed(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function matchesPattern(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

/** The plain key entries (no @-marker) filed under a host, and the @revoked keys. */
export function findHostKeys(entries: readonly KnownHostsEntry[], host: string, port: number) {
  const name = formatKnownHostsName(host, port);
  const named = entries.filter((e) => matchesKnownHostsName(e.hosts, name));
  return {
    keys: named.filter((e) => e.marker === undefined),
    revoked: named.filter((e) => e.marker === 'revoked'),
  };
}

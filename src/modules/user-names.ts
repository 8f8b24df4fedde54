import type { ModuleArgs } from './module-args.js';

/**
 * A user or group name that is safe as one argument of useradd, groupadd, getent, crontab and
 * in /etc/passwd: letters, digits, `_ . -` (not first), an optional trailing `$` (Samba machine
 * accounts), at most 32 characters, not all digits. Debian's own tools refuse the rest.
 */
const ACCOUNT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}\$?$/;

/** Reads `key` as an account name, refusing what no host tool takes. */
export function accountName(args: ModuleArgs, key: string, value: string): string {
  if (!ACCOUNT_NAME.test(value) || /^\d+$/.test(value)) {
    throw args.error(
      `'${key}' must be a user or group name (letters, digits and _ . -, not starting with - or ., up to 32 characters, not all digits), not ${JSON.stringify(value)}`,
      key,
    );
  }
  return value;
}

/** A group given by name or by number (user's `group`, `groups`). */
export function groupRef(args: ModuleArgs, key: string, value: string): string {
  return /^\d+$/.test(value) ? value : accountName(args, key, value);
}

/** A uid or gid: a non-negative integer below 2^32 - 1. */
export function accountId(args: ModuleArgs, key: string): number | undefined {
  if (!args.has(key)) return undefined;
  const id = args.int(key, 0);
  if (id >= 4294967295) throw args.error(`'${key}' must be below 4294967295, not ${id}`, key);
  return id;
}

/** One `/etc/group` entry as getent prints it. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** Parses `name:x:gid:a,b` (getent group); undefined when the line is not one. */
export function parseGroupLine(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4 || !/^\d+$/.test(f[2])) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] === '' ? [] : f[3].split(',') };
}

/** One `/etc/passwd` entry as getent prints it. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly comment: string;
  readonly home: string;
  readonly shell: string;
}

/** Parses `name:x:uid:gid:gecos:home:shell` (getent passwd); undefined when the line is not one. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length !== 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] };
}

/** The lines of a fact's output that start with `tag `, without the tag. */
export function taggedLines(stdout: string, tag: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(`${tag} `))
    .map((l) => l.slice(tag.length + 1));
}

/** The first tagged line, or undefined. */
export function tagged(stdout: string, tag: string): string | undefined {
  return taggedLines(stdout, tag)[0];
}

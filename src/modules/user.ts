import { isMaskableValue, secretMasker } from '../errors/mask-secrets.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition } from './module.js';
import { USER_NOT_YET, userParams } from './params/user.js';
import { planOrFail } from './plans.js';
import { userFacts } from './user-facts.js';
import { planUser } from './user-plan.js';
import { accountId, accountName, groupRef } from './user-names.js';
import type { UserParams } from './user-params.js';

export type { UserParams } from './user-params.js';

/** A path for a home or skeleton: absolute, one line, no `:` (it goes into /etc/passwd). */
function passwdPath(args: ModuleArgs, key: string): string | undefined {
  const v = args.string(key);
  if (v === undefined) return undefined;
  if (!v.startsWith('/') || /[:\n\0]/.test(v)) throw args.error(`'${key}' must be an absolute path without ':' or a newline, not ${JSON.stringify(v)}`, key);
  return v;
}

/** A passwd field (comment, shell): no `:` or newline, which would break /etc/passwd. */
function passwdField(args: ModuleArgs, key: string): string | undefined {
  const v = args.string(key);
  if (v !== undefined && /[:\n\0]/.test(v)) throw args.error(`'${key}' cannot hold ':' or a newline (they separate /etc/passwd's fields and entries)`, key);
  return v;
}

function readGroups(args: ModuleArgs): string[] | undefined {
  const raw = args.raw('groups');
  if (raw === undefined) return undefined;
  // Ansible's list type splits a string on commas; its items are then stripped.
  const list = typeof raw === 'string' ? (raw === '' ? [] : raw.split(',')) : (args.stringList('groups') ?? []);
  return list.map((g) => {
    const name = g.trim();
    return name === '' ? '' : groupRef(args, 'groups', name);
  });
}

function readExpires(args: ModuleArgs): number | undefined {
  const v = args.raw('expires');
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw args.error(`'expires' must be a number of seconds since the epoch, not ${JSON.stringify(v)}`, 'expires');
  return n;
}

export function normaliseUser(raw: Readonly<Record<string, unknown>>): UserParams {
  const args = new ModuleArgs('user', raw, paramNames(userParams), { createhome: 'create_home', user: 'name' });
  const name = accountName(args, 'name', args.requiredString('name'));
  for (const key of USER_NOT_YET) if (args.has(key)) throw args.error(`'${key}' is not supported by tpx yet`, key);
  if (args.bool('local', false)) throw args.error("'local: true' (the libuser tools) is not supported; tpx's user uses useradd, usermod and userdel", 'local');
  const group = args.string('group');
  const password = args.string('password');
  if (password !== undefined && /[:\n\0]/.test(password)) {
    throw args.error("'password' must be a crypted hash (e.g. from the password_hash filter); it cannot hold ':' or a newline", 'password');
  }
  // Ansible's no_log parameter: the hash shows as ******** in every output, report and log.
  if (password !== undefined && isMaskableValue(password)) secretMasker.add(password);
  return {
    name,
    state: args.oneOf('state', ['present', 'absent'], 'present'),
    uid: accountId(args, 'uid'),
    nonUnique: args.bool('non_unique', false),
    group: group === undefined ? undefined : groupRef(args, 'group', group),
    groups: readGroups(args),
    append: args.bool('append', false),
    comment: passwdField(args, 'comment'),
    home: passwdPath(args, 'home'),
    createHome: args.bool('create_home', true),
    moveHome: args.bool('move_home', false),
    skeleton: passwdPath(args, 'skeleton'),
    shell: passwdField(args, 'shell'),
    system: args.bool('system', false),
    password,
    updatePassword: args.oneOf('update_password', ['always', 'on_create'], 'always'),
    expires: readExpires(args),
    remove: args.bool('remove', false),
    force: args.bool('force', false),
  };
}

/**
 * `user`: reads the account (passwd, shadow, group memberships) with getent; adds it with
 * useradd or removes it with userdel during that read (so the result is what the host made),
 * changes it with usermod, as Ansible's user module does on Debian. The password hash goes to
 * chpasswd -e on stdin, never on a command line.
 */
export const userModule: ModuleDefinition<UserParams> = {
  name: 'user',
  params: userParams,
  normalise: normaliseUser,
  facts: (p, ctx) => [userFacts(p, ctx)],
  plan: (p, facts, ctx) => planOrFail(() => planUser(p, facts, ctx)),
};

import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { isDirectory } from '../files/path-kind.js';

/** A role found on disk. */
export interface RoleRef {
  /** The role's name: as written, or the last part of a path. */
  readonly name: string;
  readonly dir: string;
}

/** Ansible's default `roles_path` after the playbook's own roles/. */
const DEFAULT_ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];

/** The roles path when ansible.cfg gives none: `ANSIBLE_ROLES_PATH` (colon-separated), else Ansible's default. */
export function defaultRolesPath(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  return env.ANSIBLE_ROLES_PATH ? env.ANSIBLE_ROLES_PATH.split(delimiter).filter(Boolean) : DEFAULT_ROLES_PATH;
}

/**
 * Finds a role as Ansible does: `roles/NAME` beside the playbook, then each directory of the
 * roles path (`rolesPath`: ansible.cfg's `roles_path` under `ANSIBLE_ROLES_PATH`; default
 * defaultRolesPath()), then — for a role's dependency —
 * beside the role that depends on it, then the playbook's directory itself; last, NAME as a
 * path. Returns the places looked at when there is none.
 */
export function findRoleDir(
  name: string,
  playbookDir: string,
  parent?: RoleRef,
  rolesPath: readonly string[] = defaultRolesPath(),
): RoleRef | { looked: string[] } {
  const bases = [join(playbookDir, 'roles'), ...rolesPath.map(expandHome), ...(parent ? [dirname(parent.dir)] : []), playbookDir];
  const looked: string[] = [];
  if (!isAbsolute(name)) {
    for (const base of bases) {
      const dir = resolve(base, name);
      looked.push(dir);
      if (isDirectory(dir)) return { name, dir };
    }
  }
  const asPath = resolve(playbookDir, expandHome(name));
  if (!looked.includes(asPath)) looked.push(asPath);
  if (isDirectory(asPath)) return { name: basename(asPath), dir: asPath };
  return { looked };
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

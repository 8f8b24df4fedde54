import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** A role found on disk. */
export interface RoleRef {
  /** The role's name: as written, or the last part of a path. */
  readonly name: string;
  readonly dir: string;
}

/** Ansible's default `roles_path` after the playbook's own roles/. */
const DEFAULT_ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];

/**
 * Finds a role as Ansible does: `roles/NAME` beside the playbook, then each directory of
 * `ANSIBLE_ROLES_PATH` (or Ansible's default roles path), then — for a role's dependency —
 * beside the role that depends on it, then the playbook's directory itself; last, NAME as a
 * path. Returns the places looked at when there is none.
 */
export function findRoleDir(name: string, playbookDir: string, parent?: RoleRef, env: NodeJS.ProcessEnv = process.env): RoleRef | { looked: string[] } {
  const configured = env.ANSIBLE_ROLES_PATH ? env.ANSIBLE_ROLES_PATH.split(delimiter).filter(Boolean) : DEFAULT_ROLES_PATH;
  const bases = [join(playbookDir, 'roles'), ...configured.map(expandHome), ...(parent ? [dirname(parent.dir)] : []), playbookDir];
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

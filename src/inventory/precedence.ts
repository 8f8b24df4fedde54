import type { AdjacentVars } from './adjacent-vars.js';
import { compareCodePoints } from './compare.js';
import { assignOwn } from './set-own.js';

/** What precedence needs to know about one group a host belongs to. */
export interface GroupForPrecedence {
  readonly name: string;
  /** Longest path from `all` (all = 0, top-level groups = 1). */
  readonly depth: number;
  /** `ansible_group_priority`, default 1. */
  readonly priority: number;
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * The variables of one host, merged exactly as ansible-core merges inventory variables
 * (VariableManager.get_vars with `ansible.inventory.helpers.sort_groups`), lowest first:
 *
 * 1. the vars of `all`;
 * 2. the vars of every other group the host is in, directly or through a parent, sorted by
 *    depth (parents before children), then `ansible_group_priority` (higher wins), then
 *    group name (later in code-point order wins) — so a child group overrides its parent
 *    and, between siblings at the same depth, `b` overrides `a`;
 * 3. with `adjacent`, `group_vars/all` beside the inventory, then beside the playbook; then
 *    `group_vars/GROUP` of the other groups in the order of 2, beside the inventory, then
 *    beside the playbook (Ansible's default `precedence` setting);
 * 4. the host's own vars (later definitions in the files win over earlier ones), then with
 *    `adjacent` its `host_vars/HOST` beside the inventory, then beside the playbook.
 *
 * Merging replaces whole values (Ansible's default `hash_behaviour = replace`): a dict set
 * in a child group replaces the parent's dict, it is not merged key by key.
 */
export function mergeHostVars(
  groups: readonly GroupForPrecedence[],
  hostVars: Readonly<Record<string, unknown>>,
  adjacent?: { readonly files: AdjacentVars; readonly host: string },
): Record<string, unknown> {
  const ordered = sortGroupsByPrecedence(groups.filter((g) => g.name !== 'all'));
  const all = groups.find((g) => g.name === 'all');
  const merged: Record<string, unknown> = {};
  if (all) assignOwn(merged, all.vars);
  for (const g of ordered) assignOwn(merged, g.vars);
  if (adjacent) {
    if (all) for (const side of SIDES) assignOwn(merged, adjacent.files.vars('group_vars', all.name, side));
    for (const side of SIDES) for (const g of ordered) assignOwn(merged, adjacent.files.vars('group_vars', g.name, side));
  }
  assignOwn(merged, hostVars);
  if (adjacent) for (const side of SIDES) assignOwn(merged, adjacent.files.vars('host_vars', adjacent.host, side));
  return merged;
}

const SIDES = ['inventory', 'play'] as const;

/** Ansible's `sort_groups`: by depth, then priority, then name; the last one wins. */
export function sortGroupsByPrecedence<T extends Omit<GroupForPrecedence, 'vars'>>(groups: readonly T[]): T[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || compareCodePoints(a.name, b.name));
}

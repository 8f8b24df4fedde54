/** The loaded inventory: hosts and groups in file order, variables merged by precedence. */

export interface InventoryGroup {
  readonly name: string;
  /** Hosts listed directly under this group. */
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  /** The group's own vars, as `ansible-inventory --graph --vars` shows them: from the inventory files, then its `group_vars/` files. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** `ansible_group_priority` when set to something other than the default 1 (kept out of `vars`, as Ansible does). */
  readonly priority?: number;
}

export interface InventoryHost {
  readonly name: string;
  /** Every group the host belongs to, directly or through children, sorted; without `all` (Ansible's `group_names`, which keeps `ungrouped`). */
  readonly groupNames: readonly string[];
  /** Group vars (all, then parents before children, then ansible_group_priority, then by name) then host vars; not templated yet. See precedence.ts. */
  readonly vars: Readonly<Record<string, unknown>>;
}

export interface Inventory {
  /** In the order they first appear in the files. */
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  readonly files: readonly string[];
}

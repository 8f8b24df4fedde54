import { withoutInternalVars } from './ansible-internal-vars.js';
import { ALL } from './inventory-builder.js';
import { pyStr } from '../template/python-values.js';
import type { Inventory } from './types.js';
import { SECRET_MASK } from '../errors/mask-secrets.js';
import { vaultTextOf } from '../vault/vault-values.js';

export interface GraphOptions {
  /** The group to start from (default `all`). */
  readonly start?: string;
  /** Show variables under hosts and groups (`--vars`). */
  readonly vars?: boolean;
  /** Only these hosts; groups with none of them below are left out. */
  readonly only?: ReadonlySet<string>;
}

/**
 * The group tree as `ansible-inventory --graph` draws it:
 *
 * ```
 * @all:
 *   |--@canary:
 *   |  |--mesh-01
 * ```
 *
 * Child groups first, then the group's own hosts (none under `all`); with `vars`, each
 * host's merged variables and each group's own variables as `{name = value}`, sorted.
 * Where Ansible prints the plaintext of a `!vault` value, tpx masks it (`********`).
 */
export function renderInventoryGraph(inventory: Inventory, options: GraphOptions = {}): string {
  const lines: string[] = [];
  const only = options.only;
  const hasSelected = (group: string, seen = new Set<string>()): boolean => {
    if (!only || group === (options.start ?? ALL)) return true;
    if (seen.has(group)) return false;
    seen.add(group);
    const g = inventory.groups.get(group)!;
    return g.hosts.some((h) => only.has(h)) || g.children.some((c) => hasSelected(c, seen));
  };
  const line = (text: string, depth: number): void => {
    lines.push(depth === 0 ? text : `${'  |'.repeat(depth)}--${text}`);
  };
  const showVars = (vars: Readonly<Record<string, unknown>>, depth: number): void => {
    for (const name of Object.keys(vars).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const value = vars[name];
      line(`{${name} = ${vaultTextOf(value) === undefined ? pyStr(value) : SECRET_MASK}}`, depth);
    }
  };
  const drawGroup = (name: string, depth: number): void => {
    const group = inventory.groups.get(name)!;
    line(`@${name}:`, depth);
    for (const child of group.children) if (hasSelected(child)) drawGroup(child, depth + 1);
    if (name !== ALL) {
      for (const host of group.hosts) {
        if (only && !only.has(host)) continue;
        line(host, depth + 1);
        if (options.vars) showVars(withoutInternalVars(inventory.hosts.get(host)!.vars), depth + 2);
      }
    }
    if (options.vars) {
      const vars = group.priority === undefined ? group.vars : { ...group.vars, ansible_group_priority: group.priority };
      showVars(withoutInternalVars(vars), depth + 1);
    }
  };
  drawGroup(options.start ?? ALL, 0);
  return lines.join('\n');
}

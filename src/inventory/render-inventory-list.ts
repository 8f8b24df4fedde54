import { ALL } from './inventory-builder.js';
import { withoutInternalVars } from './ansible-internal-vars.js';
import type { Inventory } from './types.js';
import { vaultTextOf } from '../vault/vault-values.js';

/** The shape of `ansible-inventory --list`. */
export interface AnsibleInventoryList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleInventoryList['_meta'];
}

/**
 * The inventory as `ansible-inventory --list` shows it: every group reachable from `all`
 * with its direct `hosts` and its `children` (empty lists left out, and a group with
 * neither left out, though its parent still names it), `all` without hosts, and
 * `_meta.hostvars` with each host's merged variables (hosts without any left out), a
 * `!vault` value as its vault text (`{"__ansible_vault": TEXT}`), never its plaintext.
 * With `only`, hosts outside that set are left out everywhere.
 */
export function renderInventoryList(inventory: Inventory, only?: ReadonlySet<string>): AnsibleInventoryList {
  const keep = (h: string): boolean => !only || only.has(h);
  const result: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string): void => {
    const group = inventory.groups.get(name)!;
    const entry: { hosts?: string[]; children?: string[] } = {};
    const hosts = name === ALL ? [] : group.hosts.filter(keep);
    if (hosts.length > 0) entry.hosts = hosts;
    if (group.children.length > 0) entry.children = [...group.children];
    if (hosts.length > 0 || group.children.length > 0) result[name] = entry;
    for (const child of group.children) {
      if (!seen.has(child)) {
        seen.add(child);
        formatGroup(child);
      }
    }
  };
  formatGroup(ALL);
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of inventory.hosts.values()) {
    if (!keep(host.name)) continue;
    const vars = withoutInternalVars(host.vars);
    if (Object.keys(vars).length > 0) hostvars[host.name] = showVaultValues(vars) as Record<string, unknown>;
  }
  result._meta = { hostvars };
  return result as AnsibleInventoryList;
}

/** A value with each `!vault` plaintext inside replaced by what Ansible's JSON encoder writes for it. */
function showVaultValues(value: unknown): unknown {
  const vaultText = vaultTextOf(value);
  if (vaultText !== undefined) return { __ansible_vault: vaultText };
  if (Array.isArray(value)) return value.map(showVaultValues);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, k, { value: showVaultValues(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON with keys sorted and four-space indentation, as ansible-inventory prints it. */
export function formatSortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      Object.defineProperty(out, k, { value: sortKeys((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

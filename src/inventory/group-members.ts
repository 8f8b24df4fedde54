import type { Inventory } from './types.js';

/**
 * The hosts of one group, directly or through its child groups, in Ansible's order
 * (`Group.get_hosts`): the group's own hosts, then those of its children in the order they
 * were added, then grandchildren, level by level; each host once. Unknown group → [].
 */
export function hostsOfGroup(inventory: Inventory, group: string): string[] {
  if (!inventory.groups.has(group)) return [];
  const hosts: string[] = [];
  const seenHosts = new Set<string>();
  for (const name of descendantsInOrder(inventory, group)) {
    for (const h of inventory.groups.get(name)!.hosts) {
      if (!seenHosts.has(h)) {
        seenHosts.add(h);
        hosts.push(h);
      }
    }
  }
  return hosts;
}

/** The group itself, then its descendants breadth-first, each once. */
export function descendantsInOrder(inventory: Inventory, group: string): string[] {
  const order = [group];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    for (const child of inventory.groups.get(order[i])?.children ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        order.push(child);
      }
    }
  }
  return order;
}

/**
 * The `groups` magic variable: every group (including `all` and `ungrouped`) → its hosts,
 * as hostsOfGroup lists them. Groups in inventory order.
 */
export function groupMembers(inventory: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inventory.groups.keys()) {
    Object.defineProperty(out, name, { value: hostsOfGroup(inventory, name), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

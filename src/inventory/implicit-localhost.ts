import type { InventoryHost } from './types.js';

/** Names that mean the controller itself when the inventory does not define them (Ansible's implicit localhost). */
export const LOCALHOST_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether `name` is the implicit localhost of this inventory: a localhost name it does not define. */
export function isImplicitLocalhost(hosts: ReadonlyMap<string, unknown>, name: string): boolean {
  return LOCALHOST_NAMES.has(name) && !hosts.has(name);
}

/**
 * The implicit localhost, as Ansible makes it: in no group (so `all` never selects it), reached
 * with `ansible_connection: local`.
 */
export function implicitLocalhost(name: string): InventoryHost {
  return { name, groupNames: [], vars: { ansible_connection: 'local' } };
}

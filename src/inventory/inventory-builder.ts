import type { AdjacentVars } from './adjacent-vars.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import { compareCodePoints } from './compare.js';
import { mergeHostVars } from './precedence.js';
import { assignOwn, setOwn } from './set-own.js';

interface MutableGroup {
  readonly name: string;
  readonly hosts: string[];
  readonly children: string[];
  readonly parents: string[];
  vars: Record<string, unknown>;
  /** `ansible_group_priority`; Ansible keeps it out of the group's vars. */
  priority: number;
}

interface MutableHost {
  readonly name: string;
  vars: Record<string, unknown>;
  /** The groups that list the host directly. */
  readonly direct: Set<string>;
}

/** The special group every host and group belongs to. */
export const ALL = 'all';
/** The special group of hosts that are in no other group. */
export const UNGROUPED = 'ungrouped';

/**
 * Collects groups, hosts and variables while inventory files are read, with the same rules
 * as ansible-core's InventoryData: groups and hosts keep the order they are first seen, a
 * later definition of a variable replaces an earlier one, and `build()` does what Ansible's
 * `reconcile_inventory` does (top-level groups become children of `all`, hosts in no group
 * go to `ungrouped`).
 */
export class InventoryBuilder {
  private readonly groups = new Map<string, MutableGroup>();
  private readonly hosts = new Map<string, MutableHost>();
  /** Set once the group graph stops changing (in build, after reconcile). */
  private ancestorCache: Map<string, Set<string>> | undefined;

  constructor() {
    this.addGroup(ALL);
    this.addGroup(UNGROUPED);
    this.addChild(ALL, UNGROUPED);
  }

  addGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { name, hosts: [], children: [], parents: [], vars: {}, priority: 1 });
  }

  /** Adds the host (first definition wins its `port`) and, when given, puts it in `group`. */
  addHost(name: string, group?: string, port?: number): void {
    if (!this.hosts.has(name)) {
      this.hosts.set(name, { name, vars: port === undefined ? {} : { ansible_port: port }, direct: new Set() });
    }
    if (group !== undefined) {
      const g = this.requireGroup(group);
      const h = this.hosts.get(name)!;
      if (!h.direct.has(group)) {
        h.direct.add(group);
        g.hosts.push(name);
      }
    }
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.requireGroup(group);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (Number.isInteger(n)) g.priority = n;
      return;
    }
    setOwn(g.vars, key, value);
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`unknown host ${host}`);
    setOwn(h.vars, key, value);
  }

  /**
   * Makes `child` a child group of `parent`. Returns a message instead when that edge
   * would make a cycle (Ansible refuses those too); both groups must exist.
   */
  addChild(parent: string, child: string): string | undefined {
    const p = this.requireGroup(parent);
    const c = this.requireGroup(child);
    if (p.children.includes(child)) return undefined;
    if (parent === child) return `group "${child}" cannot be a child of itself`;
    if (child === ALL) return `group "all" cannot be a child of another group`;
    if (this.ancestorsOf(parent).has(child)) {
      return `adding group "${child}" as a child of "${parent}" creates a cycle: ${this.describeCycle(parent, child)}`;
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    return undefined;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /**
   * Finishes the inventory: Ansible's reconcile step, then depth, membership and variable
   * precedence, with the `group_vars/` and `host_vars/` files of `adjacent` when given.
   */
  build(files: readonly string[], adjacent?: AdjacentVars): Inventory {
    this.reconcile();
    this.ancestorCache = new Map();
    const depth = this.computeDepths();
    const hosts = new Map<string, InventoryHost>();
    for (const h of this.hosts.values()) {
      const groupNames = this.groupsOfHost(h.name);
      const groups = groupNames.map((name) => {
        const g = this.groups.get(name)!;
        return { name, depth: depth.get(name)!, priority: g.priority, vars: g.vars };
      });
      hosts.set(
        h.name,
        deepFreeze({
          name: h.name,
          groupNames: groupNames.filter((n) => n !== ALL).sort(compareCodePoints),
          vars: mergeHostVars(groups, h.vars, adjacent && { files: adjacent, host: h.name }),
        }),
      );
    }
    const groups = new Map<string, InventoryGroup>();
    for (const g of this.groups.values()) {
      const vars = { ...g.vars };
      if (adjacent) for (const side of ['inventory', 'play'] as const) assignOwn(vars, adjacent.vars('group_vars', g.name, side));
      const group: InventoryGroup = {
        name: g.name,
        hosts: [...g.hosts],
        children: [...g.children],
        vars,
        ...(g.priority === 1 ? {} : { priority: g.priority }),
      };
      groups.set(g.name, deepFreeze(group));
    }
    return Object.freeze({ hosts, groups, files: Object.freeze([...files]) });
  }

  private reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== ALL && g.parents.length === 0) this.addChild(ALL, g.name);
    }
    const ungrouped = this.groups.get(UNGROUPED)!;
    for (const h of this.hosts.values()) {
      const mine = this.groupsOfHost(h.name);
      if (mine.includes(UNGROUPED)) {
        // Listed under `ungrouped` yet also in a real group: Ansible takes it out again.
        if (mine.some((n) => n !== ALL && n !== UNGROUPED)) {
          ungrouped.hosts.splice(ungrouped.hosts.indexOf(h.name), 1);
          h.direct.delete(UNGROUPED);
        }
      } else if (mine.every((n) => n === ALL)) {
        this.addHost(h.name, UNGROUPED);
      }
    }
  }

  /** Every group the host is in, directly or through a parent (including `all` when reachable). */
  private groupsOfHost(host: string): string[] {
    const out = new Set<string>();
    for (const g of this.hosts.get(host)!.direct) {
      out.add(g);
      for (const a of this.ancestorsOf(g)) out.add(a);
    }
    return [...out];
  }

  private ancestorsOf(name: string): Set<string> {
    const cached = this.ancestorCache?.get(name);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...this.groups.get(name)!.parents];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...this.groups.get(n)!.parents);
    }
    this.ancestorCache?.set(name, seen);
    return seen;
  }

  /** "a → b → … → a", following children from `child` back to `parent`. */
  private describeCycle(parent: string, child: string): string {
    const path = this.findChildPath(child, parent, new Set()) ?? [child, parent];
    return [parent, ...path].join(' → ');
  }

  private findChildPath(from: string, to: string, seen: Set<string>): string[] | undefined {
    if (from === to) return [to];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const c of this.groups.get(from)!.children) {
      const rest = this.findChildPath(c, to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  /** Ansible's group depth: the longest path from `all` (all = 0). */
  private computeDepths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const parents = this.groups.get(name)!.parents;
      const d = parents.length === 0 ? 0 : Math.max(...parents.map((p) => visit(p) + 1));
      depth.set(name, d);
      return d;
    };
    for (const name of this.groups.keys()) visit(name);
    return depth;
  }

  private requireGroup(name: string): MutableGroup {
    const g = this.groups.get(name);
    if (!g) throw new Error(`unknown group ${name}`);
    return g;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

import { describe, expect, it } from 'vitest';
import { mergeHostVars, sortGroupsByPrecedence } from '../../src/inventory/precedence.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

const varsOf = (yaml: string | string[], host: string) => inventoryFromYaml(...(Array.isArray(yaml) ? yaml : [yaml])).hosts.get(host)!.vars;

describe('variable precedence (as ansible-core)', () => {
  it('host vars beat every group; all is lowest', () => {
    expect(varsOf('all:\n  vars: {x: all, y: all}\n  children:\n    g:\n      vars: {x: g}\n      hosts:\n        h: {x: host}\n', 'h')).toEqual({
      x: 'host',
      y: 'all',
    });
  });

  it('a child group beats its parent, whatever the file order', () => {
    const yaml = `
all:
  children:
    child:
      vars: {x: child}
      hosts: {h: }
    parent:
      vars: {x: parent}
      children:
        child:
`;
    expect(varsOf(yaml, 'h')).toEqual({ x: 'child' });
  });

  it('depth is the longest path from all: a group nested deeper elsewhere beats a shallower sibling', () => {
    const yaml = `
all:
  children:
    zz:
      vars: {x: zz}
      hosts: {h: }
    aa:
      vars: {x: aa}
      hosts: {h: }
    wrapper:
      children:
        aa:
`;
    // aa is at depth 2 (under wrapper), zz at depth 1: aa wins although zz sorts later.
    expect(varsOf(yaml, 'h')).toEqual({ x: 'aa' });
  });

  it('same depth: the later name wins (b over a), unless ansible_group_priority says otherwise', () => {
    const siblings = (priorityOfA: string) => `
all:
  children:
    b_group:
      vars: {x: b}
      hosts: {h: }
    a_group:
      vars: {x: a${priorityOfA}}
      hosts: {h: }
`;
    expect(varsOf(siblings(''), 'h')).toEqual({ x: 'b' });
    expect(varsOf(siblings(', ansible_group_priority: 5'), 'h')).toEqual({ x: 'a' });
  });

  it('names compare by code point, as Python sorts (uppercase before lowercase)', () => {
    const yaml = 'all:\n  children:\n    web:\n      vars: {x: web}\n      hosts: {h: }\n    Web:\n      vars: {x: Web}\n      hosts: {h: }\n';
    expect(varsOf(yaml, 'h')).toEqual({ x: 'web' });
  });

  it('a dict set in a child group replaces the parent dict whole (hash_behaviour=replace)', () => {
    const yaml = 'all:\n  vars: {s: {a: 1, b: 2}}\n  children:\n    g:\n      vars: {s: {c: 3}}\n      hosts: {h: }\n';
    expect(varsOf(yaml, 'h')).toEqual({ s: { c: 3 } });
  });

  it('a later file replaces an earlier file’s value at the same level', () => {
    const a = 'all:\n  vars: {x: a, y: a}\n  hosts:\n    h: {z: a}\n';
    const b = 'all:\n  vars: {x: b}\n  hosts:\n    h: {z: b}\n';
    expect(varsOf([a, b], 'h')).toEqual({ x: 'b', y: 'a', z: 'b' });
  });

  it('ansible_group_priority is not a variable of the hosts', () => {
    const yaml = 'all:\n  children:\n    g:\n      vars: {ansible_group_priority: 3, x: 1}\n      hosts: {h: }\n';
    const inventory = inventoryFromYaml(yaml);
    expect(inventory.hosts.get('h')!.vars).toEqual({ x: 1 });
    expect(inventory.groups.get('g')!.priority).toBe(3);
  });

  it('a host:port key sets ansible_port, which host vars may still override', () => {
    expect(varsOf('all:\n  hosts:\n    h:2222:\n', 'h')).toEqual({ ansible_port: 2222 });
    expect(varsOf('all:\n  hosts:\n    h:2222: {ansible_port: 22}\n', 'h')).toEqual({ ansible_port: 22 });
  });

  it('keeps a variable named __proto__ as a plain variable', () => {
    const vars = varsOf('all:\n  hosts:\n    h: {"__proto__": {polluted: true}}\n', 'h');
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
    expect(Object.keys(vars)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mergeHostVars / sortGroupsByPrecedence', () => {
  const g = (name: string, depth: number, priority = 1) => ({ name, depth, priority, vars: { x: name, [name]: true } });

  it('sorts by depth, then priority, then name', () => {
    const sorted = sortGroupsByPrecedence([g('b', 2), g('a', 2), g('c', 1, 9), g('d', 1), g('e', 2, 0)]);
    expect(sorted.map((s) => s.name)).toEqual(['d', 'c', 'e', 'a', 'b']);
  });

  it('starts from all whatever its place in the list, ends with host vars', () => {
    expect(mergeHostVars([g('grp', 1), g('all', 0)], {})).toEqual({ x: 'grp', grp: true, all: true });
    expect(mergeHostVars([g('grp', 1), g('all', 0)], { x: 'h' }).x).toBe('h');
  });
});

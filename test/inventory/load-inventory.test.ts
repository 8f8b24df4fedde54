import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

const groupSummary = (yaml: string | string[]) => {
  const inv = inventoryFromYaml(...(Array.isArray(yaml) ? yaml : [yaml]));
  return Object.fromEntries([...inv.groups.values()].map((g) => [g.name, { hosts: [...g.hosts], children: [...g.children] }]));
};

describe('loadInventory: the structure of Ansible YAML inventories', () => {
  it('always has all and ungrouped, all first with ungrouped as its first child', () => {
    const inv = inventoryFromYaml('all:\n  hosts:\n    h:\n');
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['h']);
    expect(inv.hosts.get('h')!.groupNames).toEqual(['ungrouped']);
  });

  it('reads nested groups; a child group given in several places is one group with several parents', () => {
    const yaml = `
all:
  children:
    fleet:
      children:
        rack_a:
          hosts:
            mesh-01:
    monitoring:
      children:
        rack_a:
          vars: {monitored: true}
`;
    expect(groupSummary(yaml)).toEqual({
      all: { hosts: [], children: ['ungrouped', 'fleet', 'monitoring'] },
      ungrouped: { hosts: [], children: [] },
      fleet: { hosts: [], children: ['rack_a'] },
      rack_a: { hosts: ['mesh-01'], children: [] },
      monitoring: { hosts: [], children: ['rack_a'] },
    });
    const inv = inventoryFromYaml(yaml);
    expect(inv.hosts.get('mesh-01')!.groupNames).toEqual(['fleet', 'monitoring', 'rack_a']);
    expect(inv.hosts.get('mesh-01')!.vars).toEqual({ monitored: true });
  });

  it('reads the top-level group form: keys other than all are groups under all, added after the explicit ones', () => {
    const yaml = 'web:\n  hosts:\n    w1:\nall:\n  children:\n    db:\n      hosts:\n        d1:\n';
    expect(groupSummary(yaml).all.children).toEqual(['ungrouped', 'db', 'web']);
  });

  it('a top-level group that is also a child elsewhere is not added to all again', () => {
    expect(groupSummary('rack:\n  hosts: {h: }\nfleet:\n  children:\n    rack:\n').all.children).toEqual(['ungrouped', 'fleet']);
  });

  it('accepts empty groups, empty hosts and a host written as a string (as Ansible)', () => {
    const yaml = 'all:\n  children:\n    empty:\n    nohosts:\n      hosts:\n    one:\n      hosts: mesh-01\n';
    const summary = groupSummary(yaml);
    expect(summary.empty).toEqual({ hosts: [], children: [] });
    expect(summary.nohosts).toEqual({ hosts: [], children: [] });
    expect(summary.one).toEqual({ hosts: ['mesh-01'], children: [] });
  });

  it('keeps hosts in the order first seen; a host in several groups is one host', () => {
    const inv = inventoryFromYaml('all:\n  children:\n    b:\n      hosts: {h2: , h1: }\n    a:\n      hosts: {h3: , h2: }\n');
    expect([...inv.hosts.keys()]).toEqual(['h2', 'h1', 'h3']);
    expect(inv.hosts.get('h2')!.groupNames).toEqual(['a', 'b']);
  });

  it('moves a host out of ungrouped when it is in another group; all.hosts stay ungrouped otherwise', () => {
    const yaml = 'all:\n  hosts: {lonely: , both: }\n  children:\n    g:\n      hosts: {both: }\nungrouped:\n  hosts: {listed: , both: }\n';
    const summary = groupSummary(yaml);
    expect(summary.ungrouped.hosts).toEqual(['listed', 'lonely']);
    expect(summary.all.hosts).toEqual(['lonely', 'both']);
  });

  it('merges several files: same groups and hosts, later values win', () => {
    const inv = loadInventory(['test/fixtures/inventories/ansible/multi-a.yaml', 'test/fixtures/inventories/ansible/multi-b.yaml']);
    expect(inv.files).toEqual(['test/fixtures/inventories/ansible/multi-a.yaml', 'test/fixtures/inventories/ansible/multi-b.yaml']);
    expect(inv.groups.get('fleet')!.hosts).toEqual(['mesh-02', 'mesh-03', 'mesh-01']);
    expect(inv.hosts.get('mesh-01')!.vars).toEqual({ user: 'ops', site: 'b', host: '10.0.0.1', note: 'from-b', batch: 'second', late: true });
    expect(inv.hosts.get('mesh-02')!.groupNames).toEqual(['fleet', 'late']);
  });

  it('expands host ranges in keys', () => {
    const inv = inventoryFromYaml('all:\n  hosts:\n    mesh-[01:03]: {rack: a}\n');
    expect([...inv.hosts.keys()]).toEqual(['mesh-01', 'mesh-02', 'mesh-03']);
    expect(inv.hosts.get('mesh-03')!.vars).toEqual({ rack: 'a' });
  });

  it('reads YAML 1.1 words as Ansible does (yes/no/on/off booleans, 0644 octal)', () => {
    const inv = inventoryFromYaml('all:\n  hosts:\n    h: {a: yes, b: off, mode: 0644, v: 2.10.1}\n');
    expect(inv.hosts.get('h')!.vars).toEqual({ a: true, b: false, mode: 0o644, v: '2.10.1' });
  });

  it('returns frozen objects', () => {
    const inv = inventoryFromYaml('all:\n  vars: {list: [1]}\n  hosts:\n    h:\n');
    expect(Object.isFrozen(inv)).toBe(true);
    expect(Object.isFrozen(inv.hosts.get('h')!.vars)).toBe(true);
    expect(Object.isFrozen(inv.hosts.get('h')!.vars.list)).toBe(true);
    expect(Object.isFrozen(inv.groups.get('all')!.hosts)).toBe(true);
  });

  it('loads the example inventory', () => {
    const inv = loadInventory(['inventory.example.yaml']);
    expect(inv.hosts.size).toBe(9);
    expect(inv.hosts.get('mesh-05')!.vars).toMatchObject({ port: 2222, flush_mode: 'all', rack: 'b', datacenter: 'dc1', user: 'ops' });
    expect(inv.hosts.get('mesh-22.dc2.internal')!.vars).toMatchObject({ proxy_jump: 'ops@bastion.dc2.example.com:2200', connect_timeout: 20 });
  });
});

describe('loadInventory: children written as a string', () => {
  it('names one child group, as Ansible reads it', () => {
    const inv = inventoryFromYaml('fleet:\n  children: rack\nrack:\n  hosts: {h: }\n');
    expect(inv.groups.get('fleet')!.children).toEqual(['rack']);
    expect(inv.hosts.get('h')!.groupNames).toEqual(['fleet', 'rack']);
  });
});

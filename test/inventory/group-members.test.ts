import { describe, expect, it } from 'vitest';
import { descendantsInOrder, groupMembers, hostsOfGroup } from '../../src/inventory/group-members.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

const inventory = inventoryFromYaml(`
all:
  hosts:
    lonely:
  children:
    fleet:
      hosts:
        f1:
      children:
        rack_b:
          hosts: {b1: , b2: }
        rack_a:
          hosts: {a1: , b1: }
          children:
            shelf:
              hosts: {s1: }
    canary:
      hosts: {a1: }
`);

describe('groupMembers (the groups magic variable)', () => {
  // Checked with ansible-playbook (debug: var=groups), ansible-core 2.14.
  it('lists every group with its hosts, own hosts first, then children level by level', () => {
    expect(groupMembers(inventory)).toEqual({
      all: ['lonely', 'f1', 'a1', 'b1', 'b2', 's1'],
      ungrouped: ['lonely'],
      fleet: ['f1', 'b1', 'b2', 'a1', 's1'],
      rack_b: ['b1', 'b2'],
      rack_a: ['a1', 'b1', 's1'],
      shelf: ['s1'],
      canary: ['a1'],
    });
  });

  it('walks descendants breadth-first, each once', () => {
    expect(descendantsInOrder(inventory, 'all')).toEqual(['all', 'ungrouped', 'fleet', 'canary', 'rack_b', 'rack_a', 'shelf']);
  });

  it('gives [] for an unknown group', () => {
    expect(hostsOfGroup(inventory, 'nope')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { HostPatternError, selectHosts, splitPattern } from '../../src/inventory/patterns.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

// The expected orders below were checked with `ansible -i patterns.yaml PATTERN --list-hosts` (ansible-core 2.14).
const inventory = loadInventory(['test/fixtures/inventories/ansible/patterns.yaml']);

const cases: [pattern: string, expected: string[]][] = [
  ['all', ['lonely', 'mesh-01', 'jump.example.com', 'web01', 'web02', 'web03', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['*', ['lonely', 'mesh-01', 'jump.example.com', 'web01', 'web02', 'web03', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['mesh-03', ['mesh-03']],
  ['canary', ['mesh-01']],
  ['fleet', ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['rack_b:canary', ['mesh-04', 'mesh-05', 'mesh-01']],
  ['rack_b,canary', ['mesh-04', 'mesh-05', 'mesh-01']],
  [' rack_b , canary ', ['mesh-04', 'mesh-05', 'mesh-01']],
  ['fleet:!canary', ['mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['!canary:fleet', ['mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['fleet:&rack_a', ['mesh-02', 'mesh-03']],
  ['fleet:&rack_a:!mesh-03', ['mesh-02']],
  ['!fleet', ['lonely', 'jump.example.com', 'web01', 'web02', 'web03']],
  ['&rack_a', ['mesh-02', 'mesh-03']],
  ['mesh-*', ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['mesh-0?', ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  // A trailing [N] is a subscript, not a character class (as in Ansible): "mesh-0" item 24.
  ['mesh-0[24]', []],
  ['mesh-0[24]*', ['mesh-02', 'mesh-04']],
  ['mesh-0[!24]', ['mesh-01', 'mesh-03', 'mesh-05']],
  ['rack_*', ['mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']],
  ['*.example.com', ['jump.example.com']],
  ['~mesh-0[1-3]', ['mesh-01', 'mesh-02', 'mesh-03']],
  ['~web', ['web01', 'web02', 'web03']],
  ['~(web|rack_a)', ['mesh-02', 'mesh-03', 'web01', 'web02', 'web03']],
  ['web[0]', ['web01']],
  ['web[-1]', ['web03']],
  ['web[1:]', ['web02', 'web03']],
  ['web[0:1]', ['web01', 'web02']],
  ['fleet[1:2]:web[2]', ['mesh-02', 'mesh-03', 'web03']],
  ['web[7]', []],
  ['nothing', []],
  ['nothing:canary', ['mesh-01']],
  ['ungrouped', ['lonely']],
  ['canary:canary:mesh-01', ['mesh-01']],
  ['', []],
];

describe('selectHosts', () => {
  it.each(cases)('%s', (pattern, expected) => {
    expect(selectHosts(inventory, pattern)).toEqual(pattern === '' ? selectHosts(inventory, 'all') : expected);
  });

  it('refuses a malformed regex with a HostPatternError', () => {
    expect(() => selectHosts(inventory, '~mesh-(')).toThrow(HostPatternError);
    expect(() => selectHosts(inventory, '~mesh-(')).toThrow(/invalid regular expression in host pattern "~mesh-\("/);
  });

  it('matches globs case-sensitively, as Ansible on Linux', () => {
    expect(selectHosts(inventory, 'MESH-*')).toEqual([]);
  });

  it('takes an exact host name before any other meaning', () => {
    const inv = inventoryFromYaml('all:\n  hosts:\n    "db*":\n    db1:\n');
    expect(selectHosts(inv, 'db*')).toEqual(['db*']);
    expect(selectHosts(inv, 'd?1')).toEqual(['db1']);
  });
});

describe('splitPattern', () => {
  it.each([
    ['a:b', ['a', 'b']],
    ['a,b:c', ['a', 'b:c']],
    ['web[1:3]:db', ['web[1:3]', 'db']],
    ['fe80::1', ['fe80::1']],
    ['a:&b:!c', ['a', '&b', '!c']],
    ['', []],
  ])('%s', (pattern, expected) => {
    expect(splitPattern(pattern)).toEqual(expected);
  });
});

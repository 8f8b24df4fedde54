import { describe, expect, it } from 'vitest';
import { pyRepr as formatPythonRepr, pyStr as formatPythonStr } from '../../src/template/python-values.js';
import { renderInventoryGraph } from '../../src/inventory/render-inventory-graph.js';
import { formatSortedJson, renderInventoryList } from '../../src/inventory/render-inventory-list.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

const inventory = inventoryFromYaml(`
all:
  vars: {user: ops}
  hosts:
    lonely:
  children:
    canary:
      hosts:
        mesh-01: {host: 10.0.0.1}
    fleet:
      vars: {ansible_group_priority: 2, batch: rest}
      children:
        canary:
        rack:
          hosts: {mesh-02: }
    empty:
`);

describe('renderInventoryList (ansible-inventory --list)', () => {
  it('lists groups reachable from all, leaves out empty ones, and every host with vars', () => {
    expect(renderInventoryList(inventory)).toEqual({
      _meta: {
        hostvars: {
          lonely: { user: 'ops' },
          'mesh-01': { user: 'ops', batch: 'rest', host: '10.0.0.1' },
          'mesh-02': { user: 'ops', batch: 'rest' },
        },
      },
      all: { children: ['ungrouped', 'canary', 'fleet', 'empty'] },
      ungrouped: { hosts: ['lonely'] },
      canary: { hosts: ['mesh-01'] },
      fleet: { children: ['canary', 'rack'] },
      rack: { hosts: ['mesh-02'] },
    });
  });

  it('keeps only the selected hosts', () => {
    const list = renderInventoryList(inventory, new Set(['mesh-02']));
    expect(Object.keys(list._meta.hostvars)).toEqual(['mesh-02']);
    expect(list.canary).toBeUndefined();
    expect(list.rack).toEqual({ hosts: ['mesh-02'] });
  });

  it('prints sorted keys with four spaces, as Python json.dumps(sort_keys=True, indent=4)', () => {
    expect(formatSortedJson({ b: 1, _meta: { z: [1, { y: 2, x: 3 }] }, a: {} })).toBe(
      '{\n    "_meta": {\n        "z": [\n            1,\n            {\n                "x": 3,\n                "y": 2\n            }\n        ]\n    },\n    "a": {},\n    "b": 1\n}',
    );
  });
});

describe('renderInventoryGraph (ansible-inventory --graph)', () => {
  it('draws children before hosts, no hosts under all', () => {
    expect(renderInventoryGraph(inventory)).toBe(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |  |--lonely',
        '  |--@canary:',
        '  |  |--mesh-01',
        '  |--@fleet:',
        '  |  |--@canary:',
        '  |  |  |--mesh-01',
        '  |  |--@rack:',
        '  |  |  |--mesh-02',
        '  |--@empty:',
      ].join('\n'),
    );
  });

  it('shows host vars and group vars (with a non-default priority) with --vars', () => {
    expect(renderInventoryGraph(inventory, { start: 'fleet', vars: true })).toBe(
      [
        '@fleet:',
        '  |--@canary:',
        '  |  |--mesh-01',
        '  |  |  |--{batch = rest}',
        '  |  |  |--{host = 10.0.0.1}',
        '  |  |  |--{user = ops}',
        '  |--@rack:',
        '  |  |--mesh-02',
        '  |  |  |--{batch = rest}',
        '  |  |  |--{user = ops}',
        '  |--{ansible_group_priority = 2}',
        '  |--{batch = rest}',
      ].join('\n'),
    );
  });

  it('with selected hosts, leaves out the groups without any of them', () => {
    expect(renderInventoryGraph(inventory, { only: new Set(['mesh-02']) })).toBe(['@all:', '  |--@fleet:', '  |  |--@rack:', '  |  |  |--mesh-02'].join('\n'));
  });
});

describe('pyStr / pyRepr (template/python-values), as --graph --vars writes values', () => {
  it.each<[unknown, string]>([
    ['text', 'text'],
    [true, 'True'],
    [null, 'None'],
    [1.5, '1.5'],
    [['a', 1, false, null], "['a', 1, False, None]"],
    [{ k: 'v', n: { m: [] } }, "{'k': 'v', 'n': {'m': []}}"],
    [["it's", 'say "hi"', 'a\\b\n'], `["it's", 'say "hi"', 'a\\\\b\\n']`],
  ])('%j → %s', (value, expected) => {
    expect(formatPythonStr(value)).toBe(expected);
  });

  it('quotes strings inside containers only', () => {
    expect(formatPythonRepr('x')).toBe("'x'");
  });
});

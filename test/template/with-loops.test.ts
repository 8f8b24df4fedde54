import { describe, expect, it } from 'vitest';
import { withLoopItems } from '../../src/template/with-loops.js';

// Items as ansible-core 2.14's lookups give them (checked against ansible-playbook in
// test/e2e/ansible-compat.test.ts, which runs these forms on the lab).
describe('with_* loops', () => {
  it.each([
    ['list', [[1, 2], 3], [[1, 2], 3]],
    ['list', 'one', ['one']],
    ['items', [[1, 2], 3, [[4]]], [1, 2, 3, [4]]],
    ['items', 'one', ['one']],
    ['flattened', [[1, [2, [3]]], 4], [1, 2, 3, 4]],
    [
      'indexed_items',
      ['a', ['b', 'c']],
      [
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
      ],
    ],
    [
      'dict',
      { b: 1, a: 2 },
      [
        { key: 'b', value: 1 },
        { key: 'a', value: 2 },
      ],
    ],
    [
      'together',
      [
        [1, 2, 3],
        ['a', 'b'],
      ],
      [
        [1, 'a'],
        [2, 'b'],
        [3, null],
      ],
    ],
    [
      'nested',
      [
        ['a', 'b'],
        [1, 2],
      ],
      [
        ['a', 1],
        ['a', 2],
        ['b', 1],
        ['b', 2],
      ],
    ],
  ] as const)('with_%s of %j', (kind, value, items) => {
    expect(withLoopItems(kind, value)).toEqual(items);
  });

  it('refuses with_dict of something that is not a mapping', () => {
    expect(() => withLoopItems('dict', [1, 2])).toThrow('with_dict expects a dict, got a list');
  });
});

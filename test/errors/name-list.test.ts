import { describe, expect, it } from 'vitest';
import { nameSome } from '../../src/errors/name-list.js';

describe('nameSome', () => {
  it.each([
    [[], 3, ''],
    [['a'], 3, 'a'],
    [['a', 'b', 'c'], 3, 'a, b, c'],
    [['a', 'b', 'c', 'd', 'e'], 3, 'a, b, c, and 2 more'],
  ])('%j, at most %i: %j', (names, max, expected) => {
    expect(nameSome(names, max)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { computeBatchSizes, splitIntoBatches } from '../../src/engine/serial-batches.js';

describe('computeBatchSizes (Ansible: int(pct * hosts / 100), at least 1; the last value repeats)', () => {
  const cases: { hosts: number; serial?: (number | string)[]; sizes: number[] }[] = [
    { hosts: 10, serial: undefined, sizes: [10] },
    { hosts: 10, serial: [1, '25%', '100%'], sizes: [1, 2, 7] },
    { hosts: 100, serial: [1, '25%', '100%'], sizes: [1, 25, 74] },
    { hosts: 3, serial: [1, '25%', '100%'], sizes: [1, 1, 1] },
    { hosts: 10, serial: [3], sizes: [3, 3, 3, 1] },
    { hosts: 10, serial: ['30%'], sizes: [3, 3, 3, 1] },
    { hosts: 10, serial: [2, 5], sizes: [2, 5, 3] },
    { hosts: 10, serial: ['5%'], sizes: Array(10).fill(1) },
    { hosts: 5, serial: [0], sizes: [5] },
    { hosts: 5, serial: ['2'], sizes: [2, 2, 1] },
    { hosts: 0, serial: [1], sizes: [] },
  ];
  for (const c of cases) {
    it(`${c.hosts} hosts, serial ${JSON.stringify(c.serial)} → ${JSON.stringify(c.sizes)}`, () => {
      expect(computeBatchSizes(c.hosts, c.serial)).toEqual(c.sizes);
    });
  }

  it('splits hosts in order', () => {
    expect(splitIntoBatches(['a', 'b', 'c', 'd'], [1, '50%'])).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('rejects a value that is not a number', () => {
    expect(() => computeBatchSizes(3, ['many'])).toThrow(/invalid serial value/);
  });
});

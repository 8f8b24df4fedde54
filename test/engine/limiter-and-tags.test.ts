import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/engine/limiter.js';
import { shouldRunForTags } from '../../src/engine/tags.js';

describe('createLimiter', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees the slot when a job throws', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(limiter.run(async () => 7)).resolves.toBe(7);
    expect(limiter.active).toBe(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});

describe('shouldRunForTags (Ansible evaluate_tags)', () => {
  const cases: [string[], string[], string[], boolean][] = [
    [[], [], [], true],
    [['a'], [], [], true],
    [['never'], [], [], false],
    [['never', 'x'], ['x'], [], true],
    [['a'], ['b'], [], false],
    [['always'], ['b'], [], true],
    [['always'], [], ['always'], false],
    [['always'], [], ['all'], true],
    [['a'], [], ['all'], false],
    [[], ['untagged'], [], true],
    [['a'], ['untagged'], [], false],
    [['a'], ['tagged'], [], true],
    [[], ['tagged'], [], false],
    [['a'], [], ['tagged'], false],
    [['a', 'b'], ['a'], ['b'], false],
  ];
  for (const [tags, only, skip, expected] of cases) {
    it(`tags ${JSON.stringify(tags)} -t ${JSON.stringify(only)} --skip-tags ${JSON.stringify(skip)} → ${expected}`, () => {
      expect(shouldRunForTags(tags, only, skip)).toBe(expected);
    });
  }
});

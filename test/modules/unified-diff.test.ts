import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../../src/modules/unified-diff.js';
import { makeTempDir } from './fixtures.js';
import { runShell } from './local-executor.js';

const labels = { fromLabel: 'a', toLabel: 'b' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', labels)).toBe('');
  });

  it.each([
    ['', 'x\n', '--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n'],
    ['x\ny\n', '', '--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n'],
    ['a\nb\nc\n', 'a\nB\nc\n', '--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n'],
    ['a\n', 'a', '--- a\n+++ b\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n'],
  ])('%j → %j', (before, after, expected) => {
    expect(unifiedDiff(before, after, labels)).toBe(expected);
  });

  it('is minimal like GNU diff --minimal and applies with patch, on random edits', () => {
    const dir = makeTempDir();
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const changedLines = (diff: string): number => diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
    for (let round = 0; round < 40; round++) {
      const a = Array.from({ length: rand(40) }, () => `line ${rand(12)}\n`);
      const b = a.flatMap((l) => (rand(5) === 0 ? [] : rand(6) === 0 ? [l, `new ${rand(9)}\n`] : [rand(7) === 0 ? 'changed\n' : l]));
      const before = a.join('');
      const after = b.join('') + (rand(4) === 0 ? 'tail without newline' : '');
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'b'), after);
      const ours = unifiedDiff(before, after, labels);
      expect(changedLines(ours)).toBe(changedLines(runShell('diff -u --minimal a b', dir).stdout));
      writeFileSync(join(dir, 'p.diff'), ours);
      if (ours !== '') expect(runShell('patch -s -o out a p.diff && cmp out b', dir).rc).toBe(0);
    }
  });

  it('falls back to a whole replacement when the texts differ beyond the limit', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
    const edits = diffLines(a, b);
    expect(edits.filter((e) => e.op === '-')).toHaveLength(3000);
    expect(edits.filter((e) => e.op === '+')).toHaveLength(3000);
  });
});

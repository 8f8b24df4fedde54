/**
 * The repository stands alone: every Markdown document a tracked file names exists in it
 * (a reader is never sent to a file only its authors had).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const FILES = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('test/fixtures/') && !/\.(tar\.gz|png|lock)$|package-lock\.json$/.test(f));

describe('documents named in the repository', () => {
  it('exist, relative to the repository or to the naming file', () => {
    const missing: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(join(REPO, file), 'utf8');
      for (const [name] of text.matchAll(/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b/g)) {
        if (!existsSync(join(REPO, name)) && !existsSync(join(REPO, dirname(file), name))) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

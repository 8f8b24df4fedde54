import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/tpx-error.js';
import { resolveInventorySources } from '../../src/inventory/inventory-sources.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-sources-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const touch = (...parts: string[]): void => writeFileSync(join(dir, ...parts), '');

describe('resolveInventorySources', () => {
  it('reads a directory in name order, recursing, and skips what Ansible skips', () => {
    mkdirSync(join(dir, 'b-sub'));
    mkdirSync(join(dir, 'group_vars'));
    for (const f of ['c.yaml', 'a', 'z.ini', 'README.md', 'x.cfg', 'old~', '.hidden', 'r.retry', 'B']) touch(f);
    touch('b-sub', 'inner');
    touch('group_vars', 'all.yml');
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    const { entries, varsDirs } = resolveInventorySources([dir]);
    expect(entries).toEqual([{ file: join(dir, 'B') }, { file: join(dir, 'a') }, { file: join(dir, 'b-sub', 'inner') }, { file: join(dir, 'c.yaml') }]);
    expect(varsDirs).toEqual([dir]);
  });

  it('reads a directory that links back to itself once', () => {
    mkdirSync(join(dir, 'sub'));
    touch('sub', 'hosts');
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    expect(resolveInventorySources([dir]).entries).toEqual([{ file: join(dir, 'sub', 'hosts') }]);
  });

  it('takes a file, with its directory for group_vars, and a host list', () => {
    touch('hosts');
    const { entries, varsDirs } = resolveInventorySources([join(dir, 'hosts'), 'h1,h2,']);
    expect(entries).toEqual([{ file: join(dir, 'hosts') }, { hostList: 'h1,h2,' }]);
    expect(varsDirs).toEqual([dir]);
  });

  it('refuses a path that does not exist as a bad option, naming it', () => {
    expect(() => resolveInventorySources([join(dir, 'nope')])).toThrow(new UsageError(`inventory not found: ${join(dir, 'nope')}`));
  });
});

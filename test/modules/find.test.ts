import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findModule, normaliseFind } from '../../src/modules/find.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

function tree(): string {
  const dir = makeTempDir('tpx-find-');
  mkdirSync(join(dir, 'sub/deeper'), { recursive: true });
  mkdirSync(join(dir, '.hid'));
  writeFileSync(join(dir, 'a.log'), 'error: disk\n');
  writeFileSync(join(dir, 'b.txt'), 'x'.repeat(2048));
  writeFileSync(join(dir, '.h.log'), '');
  writeFileSync(join(dir, 'sub/c.log'), 'ok\n');
  writeFileSync(join(dir, 'sub/deeper/d.log'), 'ok\n');
  writeFileSync(join(dir, '.hid/e.log'), '');
  symlinkSync('a.log', join(dir, 'link.log'));
  utimesSync(join(dir, 'a.log'), new Date('2020-01-01'), new Date('2020-01-01'));
  return dir;
}

async function find(args: Record<string, unknown>) {
  const run = await runLocally(findModule, args, makeContext({ check: true }));
  expect(run.failed, run.msg).toBe(false);
  const r = run.plan.returns as { files: { path: string }[]; matched: number; examined: number; skipped_paths: Record<string, string> };
  return { ...r, msg: run.plan.msg, paths: r.files.map((f) => f.path).sort() };
}

describe('find', () => {
  it('reads lists as Ansible does: a string split on commas, aliases', () => {
    expect(normaliseFind({ path: '/a,/b', pattern: '*.log' })).toMatchObject({ paths: ['/a', '/b'], patterns: ['*.log'], fileType: 'file' });
    expect(normaliseFind({ paths: ['/a'], use_regex: true }).patterns).toEqual(['.*']);
    expect(() => normaliseFind({ paths: '/a', file_type: 'fifo' })).toThrow(/file_type/);
  });

  it('matches names, hidden files, depth, types, age, size and contents as Ansible does', async () => {
    const dir = tree();
    const top = await find({ paths: dir, patterns: '*.log' });
    expect(top.paths).toEqual([join(dir, 'a.log')]);
    expect(top).toMatchObject({ matched: 1, examined: 6, msg: 'All paths examined', skipped_paths: {} });
    expect((await find({ paths: dir, patterns: '*.log', recurse: true, hidden: true })).paths).toEqual(
      ['.h.log', '.hid/e.log', 'a.log', 'sub/c.log', 'sub/deeper/d.log'].map((f) => join(dir, f)),
    );
    // Hidden directories are still entered, as Ansible's find does.
    expect((await find({ paths: dir, patterns: '*.log', recurse: true })).paths).toEqual(
      ['.hid/e.log', 'a.log', 'sub/c.log', 'sub/deeper/d.log'].map((f) => join(dir, f)),
    );
    expect((await find({ paths: dir, patterns: '*.log', recurse: true, depth: 2, excludes: 'c*' })).paths).toEqual(
      ['.hid/e.log', 'a.log'].map((f) => join(dir, f)),
    );
    expect((await find({ paths: dir, file_type: 'link' })).paths).toEqual([join(dir, 'link.log')]);
    expect((await find({ paths: dir, file_type: 'directory' })).paths).toEqual([join(dir, 'sub')]);
    expect((await find({ paths: dir, age: '4w' })).paths).toEqual([join(dir, 'a.log')]);
    expect((await find({ paths: dir, size: '2k' })).paths).toEqual([join(dir, 'b.txt')]);
    expect((await find({ paths: dir, contains: 'err' })).paths).toEqual([join(dir, 'a.log')]);
    expect((await find({ paths: dir, patterns: ['^[ab]\\.'], use_regex: true })).paths).toEqual([join(dir, 'a.log'), join(dir, 'b.txt')]);
    const sums = await find({ paths: dir, patterns: 'a.log', get_checksum: true });
    expect(sums.files[0]).toMatchObject({
      path: join(dir, 'a.log'),
      isreg: true,
      size: 12,
      mode: expect.stringMatching(/^0[0-7]{3}$/),
      checksum: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it('skips a path that is not a directory, saying so as Ansible does', async () => {
    const dir = tree();
    const r = await find({ paths: [join(dir, 'nope'), dir], patterns: 'a.log' });
    expect(r).toMatchObject({
      matched: 1,
      msg: 'Not all paths examined, check warnings for details',
      skipped_paths: { [join(dir, 'nope')]: `'${join(dir, 'nope')}' is not a directory` },
    });
  });

  it('fails on a bad age or size without asking the host, and on an answer over the output limit', async () => {
    const bad = await runLocally(findModule, { paths: '/tmp', age: '3x' }, makeContext());
    expect(bad).toMatchObject({ failed: true, msg: 'failed to process age', facts: {} });
    const dir = tree();
    const big = await runLocally(findModule, { paths: dir, recurse: true, hidden: true }, makeContext({ vars: { tpx_output_limit: 1024 } }));
    expect(big.msg).toMatch(/does not fit in tpx_output_limit/);
  });
});

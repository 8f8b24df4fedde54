import { chmodSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FactResults } from '../../src/modules/module.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseStat, parseStat, statModule } from '../../src/modules/stat.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const ctx = makeContext();
const statOf = async (args: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const run = await runLocally(statModule, args, ctx);
  expect(run.failed, run.msg).toBe(false);
  expect(run.plan.changed).toBe(false);
  expect(run.plan.actions).toEqual([]);
  return (run.plan.returns as { stat: Record<string, unknown> }).stat;
};

describe('stat: parameters', () => {
  it('takes aliases and defaults as Ansible does', () => {
    expect(normaliseStat({ dest: '/x' })).toEqual({ path: '/x', follow: false, getChecksum: true, checksumAlgorithm: 'sha1', getMd5: false });
    expect(normaliseStat({ name: '/x', checksum_algo: 'sha256', follow: 'yes', get_mime: false, attributes: false })).toMatchObject({
      follow: true,
      checksumAlgorithm: 'sha256',
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'path' is required/],
    [{ path: '/x', checksum_algorithm: 'crc32' }, /'checksum_algorithm' must be one of md5, sha1/],
    [{ path: '/x', folow: true }, /did you mean 'follow'/],
    [{ path: '/x', get_mime: 'perhaps' }, /'get_mime' must be a boolean/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseStat(args)).toThrow(ModuleArgsError);
    expect(() => normaliseStat(args)).toThrow(message);
  });
});

describe('stat: what a path is (run on this machine)', () => {
  it('a regular file: the fields of os.lstat, its sha1, names and access', async () => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, 'hello\n');
    chmodSync(file, 0o4751);
    const s = await statOf({ path: file });
    const st = lstatSync(file);
    expect(s).toMatchObject({
      exists: true,
      path: file,
      mode: '4751',
      isreg: true,
      isdir: false,
      islnk: false,
      uid: st.uid,
      gid: st.gid,
      size: 6,
      inode: st.ino,
      dev: st.dev,
      nlink: 1,
      blocks: st.blocks,
      block_size: st.blksize,
      device_type: 0,
      rusr: true,
      wusr: true,
      xusr: true,
      rgrp: true,
      wgrp: false,
      xoth: true,
      roth: false,
      isuid: true,
      isgid: false,
      readable: true,
      checksum: createHash('sha1').update('hello\n').digest('hex'),
    });
    expect(s.mtime as number).toBeCloseTo(st.mtimeMs / 1000, 3);
    expect(typeof s.pw_name).toBe('string');
    expect(s.lnk_source).toBeUndefined();
  });

  it('a directory has no checksum; a missing path only exists: false', async () => {
    const dir = makeTempDir();
    expect(await statOf({ path: dir })).toMatchObject({ exists: true, isdir: true, isreg: false, mode: '0700' });
    expect((await statOf({ path: dir })).checksum).toBeUndefined();
    expect(await statOf({ path: join(dir, 'nope') })).toEqual({ exists: false });
  });

  it('a link: lnk_target and lnk_source without follow, the target with follow', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'f'), 'x');
    symlinkSync('d/f', join(dir, 'l'));
    expect(await statOf({ path: join(dir, 'l') })).toMatchObject({
      islnk: true,
      isreg: false,
      mode: '0777',
      lnk_target: 'd/f',
      lnk_source: join(dir, 'd', 'f'),
    });
    const followed = await statOf({ path: join(dir, 'l'), follow: true, checksum_algorithm: 'sha256' });
    expect(followed).toMatchObject({ islnk: false, isreg: true, size: 1, checksum: createHash('sha256').update('x').digest('hex') });
    expect(followed.lnk_source).toBeUndefined();
    symlinkSync('missing', join(dir, 'broken'));
    expect(await statOf({ path: join(dir, 'broken'), follow: true })).toEqual({ exists: false });
    expect(await statOf({ path: join(dir, 'broken') })).toMatchObject({ islnk: true, lnk_target: 'missing' });
  });

  it('get_checksum: false and get_md5', async () => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, 'x');
    expect((await statOf({ path: file, get_checksum: false })).checksum).toBeUndefined();
    expect((await statOf({ path: file, get_md5: true })).md5).toBe(createHash('md5').update('x').digest('hex'));
  });

  it.each(HOSTILE_NAMES)('the name %j, and a link to it', async (name) => {
    const dir = makeTempDir();
    writeFileSync(join(dir, name), 'x');
    symlinkSync(join(dir, name), join(dir, `${name}.link`));
    expect(await statOf({ path: join(dir, name) })).toMatchObject({ path: join(dir, name), isreg: true, size: 1 });
    expect(await statOf({ path: join(dir, `${name}.link`) })).toMatchObject({ lnk_target: join(dir, name), lnk_source: join(dir, name) });
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});

describe('stat: hostile fact output', () => {
  const p = normaliseStat({ path: '/x' });
  const plan = (stdout: string, rc = 0) => statModule.plan(p, { stat: execResult(stdout, rc, 'boom') } as FactResults, ctx);

  it.each<[string, string]>([
    ['no marker', 'garbage\n'],
    ['an unknown answer', 'tpx-stat-v1\n$(reboot)\n'],
    ['a short numbers line', 'tpx-stat-v1\npresent\n1 2 3\nroot\nroot\nfr\nsums\n\nlinks\n'],
  ])('fails on %s, never runs it', async (_name, stdout) => {
    expect(await plan(stdout)).toMatchObject({ failed: true, msg: expect.stringContaining('could not read the path') });
  });

  it("names stat's error as Ansible does (strerror)", async () => {
    expect(await plan("tpx-stat-v1\nerror\nstat: cannot statx '/x': Permission denied\n")).toMatchObject({ failed: true, msg: 'Permission denied' });
  });

  it('skips a login banner before the marker, leaves out UNKNOWN names', () => {
    const s = parseStat(p, 'welcome!\ntpx-stat-v1\npresent\n81a4 5 6 1 2 3 1 1.5 2.25 3 8 4096 0 0\nUNKNOWN\nUNKNOWN\nf\nsums\nabc\n\nlinks\n');
    expect(s).toMatchObject({ exists: true, uid: 5, gid: 6, atime: 1.5, mtime: 2.25, readable: false });
    expect(s.pw_name).toBeUndefined();
    expect(s.checksum).toBeUndefined();
  });

  it('fails when the command fails', async () => {
    expect(await plan('', 1)).toMatchObject({ failed: true, msg: 'could not read /x: boom' });
  });
});

import { chmodSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchModule, normaliseFetch } from '../../src/modules/fetch.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

function setup() {
  const dir = makeTempDir('tpx-fetch-');
  const remote = join(dir, 'remote');
  mkdirSync(join(remote, 'd'), { recursive: true });
  writeFileSync(join(remote, 'app.conf'), 'port=80\n');
  const ctx = makeContext({ host: 'web1', playbookDir: join(dir, 'pb') });
  return { dir, remote, ctx };
}

describe('fetch', () => {
  it('takes src and dest, with Ansible defaults', () => {
    expect(normaliseFetch({ src: '/a', dest: 'b' })).toEqual({ src: '/a', dest: 'b', flat: false, failOnMissing: true, validateChecksum: true });
    expect(() => normaliseFetch({ src: '/a' })).toThrow('src and dest are required');
  });

  it('writes dest/HOST/SRC, then is unchanged; a change on the host is fetched again', async () => {
    const { dir, remote, ctx } = setup();
    const src = join(remote, 'app.conf');
    const first = await runLocally(fetchModule, { src, dest: 'backups' }, ctx, dir);
    const dest = join(dir, 'pb/backups/web1', src);
    expect(first.failed, first.msg).toBe(false);
    expect(first.plan).toMatchObject({
      changed: true,
      returns: { dest, checksum: expect.stringMatching(/^[0-9a-f]{40}$/), remote_checksum: expect.stringMatching(/^[0-9a-f]{40}$/), remote_md5sum: null },
    });
    expect(readFileSync(dest, 'utf8')).toBe('port=80\n');
    expect(lstatSync(dest).mode & 0o777).toBe(0o666 & ~process.umask());
    const again = await runLocally(fetchModule, { src, dest: 'backups' }, ctx, dir);
    expect(again.plan).toMatchObject({ changed: false, returns: { file: src, dest } });
    chmodSync(dest, 0o600);
    writeFileSync(src, 'port=8080\n');
    const changed = await runLocally(fetchModule, { src, dest: 'backups' }, ctx, dir);
    expect(changed.plan.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('port=8080\n');
    expect(lstatSync(dest).mode & 0o777).toBe(0o600);
  });

  it('with flat, writes dest itself, or into dest/ under the base name', async () => {
    const { dir, remote, ctx } = setup();
    const src = join(remote, 'app.conf');
    await runLocally(fetchModule, { src, dest: join(dir, 'one.conf'), flat: true }, ctx, dir);
    expect(readFileSync(join(dir, 'one.conf'), 'utf8')).toBe('port=80\n');
    mkdirSync(join(dir, 'into'));
    await runLocally(fetchModule, { src, dest: `${join(dir, 'into')}/`, flat: true }, ctx, dir);
    expect(readFileSync(join(dir, 'into/app.conf'), 'utf8')).toBe('port=80\n');
    const bad = await runLocally(fetchModule, { src, dest: join(dir, 'into'), flat: true }, ctx, dir);
    expect(bad.msg).toBe('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
  });

  it('answers a missing file or a directory as Ansible does', async () => {
    const { dir, remote, ctx } = setup();
    const missing = await runLocally(fetchModule, { src: join(remote, 'nope'), dest: 'b' }, ctx, dir);
    expect(missing).toMatchObject({ failed: true, msg: 'the remote file does not exist, not transferring, ignored' });
    const ignored = await runLocally(fetchModule, { src: join(remote, 'nope'), dest: 'b', fail_on_missing: false }, ctx, dir);
    expect(ignored).toMatchObject({ failed: false, msg: 'the remote file does not exist, not transferring, ignored' });
    const isDir = await runLocally(fetchModule, { src: join(remote, 'd'), dest: 'b' }, ctx, dir);
    expect(isDir).toMatchObject({ failed: true, msg: 'remote file is a directory, fetch cannot work on directories' });
  });

  it('never leaves dest/HOST through .. or a link', async () => {
    const { dir, remote, ctx } = setup();
    const climbed = await runLocally(fetchModule, { src: `${remote}/../../../../../../../../../../${remote}/app.conf`, dest: 'b' }, ctx, dir);
    expect(climbed.msg).toMatch(/^Detected directory traversal, expected to be contained in '.*\/pb\/b\/web1'/);
    mkdirSync(join(dir, 'pb/l/web1'), { recursive: true });
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'pb/l/web1', remote.split('/')[1]));
    const linked = await runLocally(fetchModule, { src: join(remote, 'app.conf'), dest: 'l' }, ctx, dir);
    expect(linked.msg).toMatch(/is a symbolic link; fetch does not follow links on the controller$/);
    symlinkSync(join(dir, 'elsewhere/x'), join(dir, 'flat-link'));
    const atDest = await runLocally(fetchModule, { src: join(remote, 'app.conf'), dest: join(dir, 'flat-link'), flat: true }, ctx, dir);
    expect(atDest.msg).toMatch(/flat-link is a symbolic link/);
  });

  it('is skipped in check mode without reading the host', async () => {
    const { dir, remote, ctx } = setup();
    const run = await runLocally(fetchModule, { src: join(remote, 'app.conf'), dest: 'b' }, { ...ctx, check: true }, dir);
    expect(run.facts).toEqual({});
    expect(run.plan).toMatchObject({ skipped: true, msg: 'check mode not (yet) supported for this module' });
  });
});

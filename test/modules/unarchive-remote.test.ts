import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseUnarchive, unarchiveFactCommand, unarchiveModule } from '../../src/modules/unarchive.js';
import { readRemoteArchive } from '../../src/modules/unarchive-remote.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally, runShell } from './local-executor.js';

const asRoot = process.getuid?.() === 0;

/** Builds the archive `<dir>/<name>` ("on the host") from a tree of files. */
function makeArchive(dir: string, name: string, files: Record<string, string>): string {
  const src = makeTempDir('tpx-archive-src-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  const r = runShell(`tar -czf '${join(dir, name)}' -- *`, src);
  if (r.rc !== 0) throw new Error(r.stderr);
  return join(dir, name);
}

describe('unarchive remote_src: parameters and facts', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{ src: '/srv/a.tgz', dest: '/opt', remote_src: true }, true],
    [{ src: '/srv/a.tgz', dest: '/opt', copy: false }, true],
    [{ src: '/srv/a.tgz', dest: '/opt', copy: 'yes' }, false],
    [{ src: 'a.tgz', dest: '/opt' }, false],
  ])('%j', (args, remoteSrc) => {
    expect(normaliseUnarchive(args).remoteSrc).toBe(remoteSrc);
  });

  it('reads the archive on the host in the one fact command, after the check for planted links, listing it only for owner', () => {
    const p = normaliseUnarchive({ src: "/tmp/a b's.tgz", dest: '/opt', remote_src: true });
    const command = unarchiveFactCommand(p);
    expect(command).toContain(`(s='/tmp/a b'\\''s.tgz'; q=$s;`);
    expect(command.indexOf('world-writable')).toBeLessThan(command.indexOf('sha256sum'));
    expect(command).not.toContain('tar -tzf');
    expect(unarchiveFactCommand({ ...p, owner: 'app' })).toContain(`tar -tzf - < "$s"`);
    expect(unarchiveModule.facts!(p, makeContext())).toHaveLength(1);
  });

  it.each<[string, string]>([
    ['tpx-src-missing\n', "Source '/a.tgz' does not exist"],
    ['tpx-src-not-file\n', "Source '/a.tgz' is not a regular file"],
    ['tpx-src-unreadable\n', "Source '/a.tgz' not readable"],
    ['tpx-src-empty\n', "Invalid archive '/a.tgz', the file is 0 bytes"],
    ['tpx-src 123 1f8b\n', 'could not read the archive /a.tgz on the host'],
    ['tpx-src-refused\n', 'could not read the archive /a.tgz on the host'],
  ])('reads %j as a failure', (stdout, msg) => {
    expect(readRemoteArchive('/a.tgz', stdout)).toBe(msg);
  });
});

describe('unarchive remote_src: for real (run locally)', () => {
  it('unpacks an archive already on the host once, again when it changes, with extra_opts', async () => {
    const host = makeTempDir();
    const dest = join(host, "dest $(touch pwned) it's");
    mkdirSync(dest);
    const src = makeArchive(host, 'kuma.tar.gz', { 'kuma-2.10.1/bin/kumactl': 'v1' });
    const args = { src, dest, remote_src: true, extra_opts: ['--strip-components=1'] };
    const first = await runLocally(unarchiveModule, args, makeContext(), host);
    expect(first.failed, first.msg).toBe(false);
    expect(first.plan.actions[0]).not.toHaveProperty('stdin');
    expect(first.plan.returns).toMatchObject({ src, dest });
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('v1');
    expect(readdirSync(dest).sort()).toEqual(['.tpx-unarchive-kuma.tar.gz.sha256', 'bin']);
    expect((await runLocally(unarchiveModule, args, makeContext(), host)).plan).toMatchObject({ changed: false, actions: [] });
    makeArchive(host, 'kuma.tar.gz', { 'kuma-2.10.1/bin/kumactl': 'v2' });
    const check = await runLocally(unarchiveModule, args, makeContext({ check: true }), host);
    expect(check.plan).toMatchObject({ skipped: true, msg: 'remote module (unarchive) does not support check mode when using gtar' });
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('v1');
    expect((await runLocally(unarchiveModule, args, makeContext(), host)).plan.changed).toBe(true);
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('v2');
    expect(existsSync(join(host, 'pwned'))).toBe(false);
  });

  it('chowns what it unpacked, skips when creates exists, and fails on a missing or non-gzip archive', async () => {
    const host = makeTempDir();
    const dest = join(host, 'd');
    mkdirSync(dest);
    const src = makeArchive(host, 'k.tar.gz', { 'app/bin/x': 'x', 'README md': 'r' });
    const owned = await runLocally(unarchiveModule, { src, dest, remote_src: true, owner: 'nobody' }, makeContext(), host);
    expect(owned.failed, owned.msg).toBe(false);
    if (asRoot) expect(statSync(join(dest, 'app', 'bin', 'x')).uid).toBe(65534);
    if (asRoot) expect(statSync(join(dest, 'README md')).uid).toBe(65534);
    const skip = await runLocally(unarchiveModule, { src, dest, remote_src: true, creates: join(dest, 'app') }, makeContext(), host);
    expect(skip.plan).toMatchObject({ skipped: true, changed: false, msg: `skipped, since ${join(dest, 'app')} exists` });
    const missing = await runLocally(unarchiveModule, { src: join(host, 'nope.tgz'), dest, remote_src: true }, makeContext(), host);
    expect(missing).toMatchObject({ failed: true, msg: `Source '${join(host, 'nope.tgz')}' does not exist` });
    writeFileSync(join(host, 'x.zip'), 'PK\x03\x04');
    const zip = await runLocally(unarchiveModule, { src: join(host, 'x.zip'), dest, remote_src: true }, makeContext(), host);
    expect(zip).toMatchObject({ failed: true, msg: `${join(host, 'x.zip')} is not a gzip-compressed tar archive (.tar.gz)` });
  });
});

describe.skipIf(!asRoot)('unarchive remote_src: another local user on the host (security review)', () => {
  it("does not read an archive through another user's link in a world-writable directory", async () => {
    const precious = makeArchive(makeTempDir(), 'root-only.tar.gz', { secret: 's' });
    chmodSync(precious, 0o600);
    const tmp = makeTempDir();
    chmodSync(tmp, 0o1777);
    execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'ln', '-s', precious, join(tmp, 'a.tgz')]);
    const dest = makeTempDir();
    const run = await runLocally(unarchiveModule, { src: join(tmp, 'a.tgz'), dest, remote_src: true }, makeContext({ become: true }), dest);
    expect(run.failed).toBe(true);
    expect(run.msg).toContain('belongs to uid 65534 in a world-writable directory');
    expect(readdirSync(dest)).toEqual([]);
  });
});

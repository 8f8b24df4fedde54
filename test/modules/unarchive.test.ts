import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { markerPath, normaliseUnarchive, unarchiveFactCommand, unarchiveModule } from '../../src/modules/unarchive.js';
import { writeFileCommand } from '../../src/modules/write-file-command.js';
import { execResult, makeTempDir } from './fixtures.js';
import { makeContext, runLocally, runShell } from './local-executor.js';

/** Builds `<book>/<name>` from a tree of files; returns the archive's sha256. */
function makeArchive(book: string, name: string, files: Record<string, string>): string {
  const src = makeTempDir('tpx-archive-src-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  const r = runShell(`tar -czf '${join(book, name)}' -- *`, src);
  if (r.rc !== 0) throw new Error(r.stderr);
  return createHash('sha256')
    .update(readFileSync(join(book, name)))
    .digest('hex');
}

describe('unarchive: parameters and facts', () => {
  it('normalises and names the marker after the archive', () => {
    const p = normaliseUnarchive({ src: 'dist/kuma.tar.gz', dest: '/opt/kuma/', extra_opts: ['--strip-components=1'] });
    expect(p).toMatchObject({ src: 'dist/kuma.tar.gz', dest: '/opt/kuma/', extraOpts: ['--strip-components=1'] });
    expect(markerPath(p)).toBe('/opt/kuma/.tpx-unarchive-kuma.tar.gz.sha256');
    expect(unarchiveFactCommand(p)).toBe(
      `d=/opt/kuma/; m=/opt/kuma/.tpx-unarchive-kuma.tar.gz.sha256; if [ -d "$d" ]; then echo tpx-dest-dir; else echo tpx-dest-missing; fi; if [ -f "$m" ]; then IFS= read -r x < "$m" || :; echo "tpx-marker $x"; fi`,
    );
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ dest: '/x' }, /'src' is required/],
    [{ src: 'a.tgz' }, /'dest' is required/],
    [{ src: 'https://example.com/a.tgz', dest: '/x', remote_src: true }, /a URL is not supported yet/],
    [{ src: 'a.tgz', dest: '/x', remote_src: true, copy: false }, /mutually exclusive: \('copy', 'remote_src'\)/],
    [{ src: 'a.tgz', dest: '/x', mode: '0644' }, /unsupported parameter 'mode'/],
    [{ src: 'a.tgz', dest: '/x', list_files: true }, /unsupported parameter 'list_files'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseUnarchive(args)).toThrow(ModuleArgsError);
    expect(() => normaliseUnarchive(args)).toThrow(message);
  });
});

describe('unarchive: plan', () => {
  it('streams the archive on stdin of one exec that unpacks and writes the marker, when the marker differs', async () => {
    const book = makeTempDir();
    const sha = makeArchive(book, 'a.tar.gz', { 'bin/tool': 'x' });
    const p = normaliseUnarchive({ src: 'a.tar.gz', dest: '/opt/k k' });
    const plan = await unarchiveModule.plan(p, { dest: execResult('tpx-dest-dir\ntpx-marker 0123\n') }, makeContext({ playbookDir: book, diff: true }));
    expect(plan).toMatchObject({ changed: true, returns: { sha256: sha } });
    expect(plan.actions).toEqual([
      {
        kind: 'exec',
        stdin: readFileSync(join(book, 'a.tar.gz')),
        become: false,
        command: `{ [ -d '/opt/k k' ] || mkdir -p -- '/opt/k k'; } && tar -xzf - -C '/opt/k k' && ${writeFileCommand('/opt/k k/.tpx-unarchive-a.tar.gz.sha256', { mode: 0o644 }, { line: sha })}`,
      },
    ]);
    expect(plan.diff).toContain(`-archive: 0123\n+archive: ${sha} (a.tar.gz)`);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['changes nothing when the marker matches', 'tpx-dest-dir\ntpx-marker SHA\n', { changed: false, actions: [], msg: 'a.tar.gz already unpacked in /opt' }],
    [
      'creates a missing dest first',
      'tpx-dest-missing\n',
      {
        changed: true,
        msg: 'a.tar.gz unpacked into /opt (created)',
        actions: [{ kind: 'exec', command: expect.stringMatching(/^\{ \[ -d \/opt \] \|\| mkdir -p -- \/opt; \} && tar -xzf - -C \/opt && /) }],
      },
    ],
    ['fails when the fact is garbled', 'garbage\n', { failed: true, msg: 'could not inspect /opt: garbage' }],
  ])('%s', async (_name, stdout, expected) => {
    const book = makeTempDir();
    const sha = makeArchive(book, 'a.tar.gz', { f: 'x' });
    const plan = await unarchiveModule.plan(
      normaliseUnarchive({ src: 'a.tar.gz', dest: '/opt' }),
      { dest: execResult(stdout.replace('SHA', sha)) },
      makeContext({ playbookDir: book }),
    );
    expect(plan).toMatchObject(expected);
  });

  it('is skipped in check mode, as Ansible skips a tar archive', async () => {
    const book = makeTempDir();
    makeArchive(book, 'a.tar.gz', { f: 'x' });
    const plan = await unarchiveModule.plan(
      normaliseUnarchive({ src: 'a.tar.gz', dest: '/opt' }),
      { dest: execResult('tpx-dest-missing\n') },
      makeContext({ playbookDir: book, check: true }),
    );
    expect(plan).toMatchObject({ changed: false, skipped: true, actions: [], msg: 'remote module (unarchive) does not support check mode when using gtar' });
  });

  it('refuses an archive that is not gzip', async () => {
    const book = makeTempDir();
    writeFileSync(join(book, 'a.zip'), 'PK\x03\x04');
    const plan = await unarchiveModule.plan(
      normaliseUnarchive({ src: 'a.zip', dest: '/opt' }),
      { dest: execResult('tpx-dest-dir\n') },
      makeContext({ playbookDir: book }),
    );
    expect(plan).toMatchObject({ failed: true, msg: expect.stringMatching(/not a gzip-compressed tar archive/) });
  });

  it('skips when creates exists, without reading the archive', async () => {
    const p = normaliseUnarchive({ src: 'missing.tgz', dest: '/opt', creates: '/opt/b*' });
    expect(unarchiveModule.facts!(p, makeContext())).toHaveLength(1);
    expect(unarchiveFactCommand(p)).toContain(`; echo "tpx-creates $(for f in /opt/b*; do`);
    const plan = await unarchiveModule.plan(p, { dest: execResult('tpx-dest-dir\ntpx-creates present\n') }, makeContext());
    expect(plan).toMatchObject({ changed: false, msg: 'skipped, since /opt/b* exists' });
  });
});

describe('unarchive: for real', () => {
  it('unpacks once, again only when the archive changes, with extra_opts and a hostile dest', async () => {
    const book = makeTempDir();
    const dest = join(makeTempDir(), "kuma $(touch pwned) it's");
    mkdirSync(dest);
    makeArchive(book, 'kuma.tar.gz', { 'kuma-2.10.1/bin/kumactl': 'v1' });
    const ctx = makeContext({ playbookDir: book });
    const args = { src: 'kuma.tar.gz', dest, extra_opts: ['--strip-components=1'] };
    const first = await runLocally(unarchiveModule, args, ctx, dest);
    expect(first.failed, first.msg).toBe(false);
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('v1');
    expect(existsSync(join(dest, '.tpx-unarchive-kuma.tar.gz.sha256'))).toBe(true);
    // A small archive: one command read the marker and unpacked.
    expect(first).toMatchObject({ oneTrip: true, execs: [expect.anything()] });
    expect(readdirSync(dest).sort()).toEqual(['.tpx-unarchive-kuma.tar.gz.sha256', 'bin']);
    expect((await runLocally(unarchiveModule, args, ctx, dest)).plan).toMatchObject({ changed: false, actions: [] });
    makeArchive(book, 'kuma.tar.gz', { 'kuma-2.10.1/bin/kumactl': 'v2' });
    expect((await runLocally(unarchiveModule, args, ctx, dest)).plan.changed).toBe(true);
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('v2');
    expect((await runLocally(unarchiveModule, args, ctx, dest)).plan.changed).toBe(false);
    expect(existsSync(join(dest, 'pwned'))).toBe(false);
  });

  it('fails (without writing the marker) when tar fails, and changes nothing in check mode', async () => {
    const book = makeTempDir();
    const dest = makeTempDir();
    writeFileSync(join(book, 'bad.tar.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    const bad = await runLocally(unarchiveModule, { src: 'bad.tar.gz', dest }, makeContext({ playbookDir: book }), dest);
    expect(bad.failed).toBe(true);
    expect(existsSync(join(dest, '.tpx-unarchive-bad.tar.gz.sha256'))).toBe(false);
    makeArchive(book, 'ok.tar.gz', { f: 'x' });
    const check = await runLocally(unarchiveModule, { src: 'ok.tar.gz', dest }, makeContext({ playbookDir: book, check: true }), dest);
    expect(check.plan).toMatchObject({ changed: false, skipped: true });
    expect(existsSync(join(dest, 'f'))).toBe(false);
  });
});

describe('unarchive: one trip for a small archive, for real', () => {
  it('sends the archive with the command that reads the marker: unpacks, then leaves dest alone while the marker names it', async () => {
    const book = makeTempDir();
    const dest = join(makeTempDir(), 'new');
    const sha = makeArchive(book, 'k.tar.gz', { 'bin/kumactl': 'v1' });
    const ctx = makeContext({ playbookDir: book });
    const first = await runLocally(unarchiveModule, { src: 'k.tar.gz', dest }, ctx, '/');
    expect(first).toMatchObject({
      oneTrip: true,
      failed: false,
      plan: { changed: true, msg: `k.tar.gz unpacked into ${dest} (created)`, returns: { dest, sha256: sha } },
    });
    expect(readFileSync(join(dest, '.tpx-unarchive-k.tar.gz.sha256'), 'utf8')).toBe(`${sha}\n`);
    writeFileSync(join(dest, 'bin', 'kumactl'), 'edited');
    const again = await runLocally(unarchiveModule, { src: 'k.tar.gz', dest }, ctx, '/');
    expect(again).toMatchObject({ oneTrip: true, plan: { changed: false, msg: `k.tar.gz already unpacked in ${dest}` } });
    expect(readFileSync(join(dest, 'bin', 'kumactl'), 'utf8')).toBe('edited');
  });

  it('takes the usual way with creates, --diff, check mode, or a remote archive', async () => {
    const book = makeTempDir();
    const dest = makeTempDir();
    makeArchive(book, 'k.tar.gz', { f: 'x' });
    const p = normaliseUnarchive({ src: 'k.tar.gz', dest });
    expect(await unarchiveModule.oneTrip!(p, makeContext({ playbookDir: book }))).toBeDefined();
    expect(await unarchiveModule.oneTrip!({ ...p, creates: '/x' }, makeContext({ playbookDir: book }))).toBeUndefined();
    expect(await unarchiveModule.oneTrip!(p, makeContext({ playbookDir: book, diff: true }))).toBeUndefined();
    expect(await unarchiveModule.oneTrip!({ ...p, remoteSrc: true }, makeContext({ playbookDir: book }))).toBeUndefined();
    expect(await unarchiveModule.oneTrip!({ ...p, src: 'missing.tar.gz' }, makeContext({ playbookDir: book }))).toBeUndefined();
    const check = await runLocally(unarchiveModule, { src: 'k.tar.gz', dest }, makeContext({ playbookDir: book, check: true }), '/');
    expect(check.oneTrip).toBeUndefined();
  });

  it("fails with tar's last word and writes no marker when the archive is broken", async () => {
    const book = makeTempDir();
    const dest = makeTempDir();
    writeFileSync(join(book, 'bad.tar.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    const bad = await runLocally(unarchiveModule, { src: 'bad.tar.gz', dest }, makeContext({ playbookDir: book }), dest);
    expect(bad).toMatchObject({ oneTrip: true, failed: true });
    expect(bad.msg).toMatch(new RegExp(`^unpacking bad.tar.gz into ${dest} failed: exit code 2: .+`));
    expect(existsSync(join(dest, '.tpx-unarchive-bad.tar.gz.sha256'))).toBe(false);
  });
});

describe('unarchive: owner and a missing dest, for real', () => {
  it('creates dest, chowns only what the archive unpacked, and stays idempotent', async () => {
    const book = makeTempDir();
    const dest = join(makeTempDir(), 'new dir', 'kuma');
    makeArchive(book, 'k.tar.gz', { 'kuma-2.10.1/bin/kumactl': 'x', 'README md': 'r' });
    const ctx = makeContext({ playbookDir: book });
    const args = { src: 'k.tar.gz', dest, owner: 'nobody', group: 'daemon', extra_opts: ['--strip-components=0'] };
    const first = await runLocally(unarchiveModule, args, ctx, '/');
    expect(first.failed, first.msg).toBe(false);
    const { statSync } = await import('node:fs');
    expect(statSync(join(dest, 'kuma-2.10.1', 'bin', 'kumactl'))).toMatchObject({ uid: 65534, gid: 1 });
    expect(statSync(join(dest, 'README md'))).toMatchObject({ uid: 65534 });
    expect(statSync(dest)).toMatchObject({ uid: 0 });
    expect((await runLocally(unarchiveModule, args, ctx, '/')).plan.changed).toBe(false);
  });
});

describe('unarchive: binary content on stdin, for real', () => {
  it('unpacks a tarball of random bytes intact, then a creates guard skips it', async () => {
    const { randomBytes } = await import('node:crypto');
    const book = makeTempDir();
    const dest = makeTempDir();
    const src = makeTempDir('tpx-archive-src-');
    const blob = randomBytes(256 * 1024);
    writeFileSync(join(src, 'blob.bin'), blob);
    expect(runShell(`tar -czf '${join(book, 'b.tar.gz')}' blob.bin`, src).rc).toBe(0);
    const ctx = makeContext({ playbookDir: book });
    const first = await runLocally(unarchiveModule, { src: 'b.tar.gz', dest }, ctx, '/');
    expect(first.failed, first.msg).toBe(false);
    // Too big to send before knowing it is needed: the marker is read first.
    expect(first.oneTrip).toBeUndefined();
    expect(Object.keys(first.facts)).toEqual(['dest']);
    expect(first.execs).toHaveLength(1);
    expect(readFileSync(join(dest, 'blob.bin')).equals(blob)).toBe(true);
    expect((await runLocally(unarchiveModule, { src: 'b.tar.gz', dest }, ctx, '/')).plan.changed).toBe(false);
    writeFileSync(join(src, 'blob.bin'), 'other');
    expect(runShell(`tar -czf '${join(book, 'b.tar.gz')}' blob.bin`, src).rc).toBe(0);
    const guarded = await runLocally(unarchiveModule, { src: 'b.tar.gz', dest, creates: join(dest, 'blob.*') }, ctx, '/');
    expect(guarded.plan).toMatchObject({ changed: false, msg: `skipped, since ${join(dest, 'blob.*')} exists` });
    const unguarded = await runLocally(unarchiveModule, { src: 'b.tar.gz', dest, creates: join(dest, 'nothing-*') }, ctx, '/');
    expect(unguarded.plan.changed).toBe(true);
    expect(readFileSync(join(dest, 'blob.bin'), 'utf8')).toBe('other');
  });
});

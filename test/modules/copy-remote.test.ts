import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyModule, normaliseCopy } from '../../src/modules/copy.js';
import { remoteCopyFacts } from '../../src/modules/copy-remote.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const sha1 = (s: string | Buffer): string => createHash('sha1').update(s).digest('hex');
const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');
const ctx = makeContext();
const asRoot = process.getuid?.() === 0;

/** A directory with a source file `src` (mode 0640) in it. */
function setup(content = 'hello\n'): { dir: string; src: string } {
  const dir = makeTempDir();
  const src = join(dir, 'src.conf');
  writeFileSync(src, content);
  chmodSync(src, 0o640);
  return { dir, src };
}

describe('copy remote_src: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [
      { src: '/etc/a', dest: '/etc/b', remote_src: true },
      { src: '/etc/a', dest: '/etc/b', remoteSrc: true, force: true },
    ],
    [
      { src: '/etc/a', dest: '/etc/b', remote_src: 'yes', checksum: 'ABCDEF' },
      { remoteSrc: true, checksum: 'abcdef' },
    ],
    [
      { src: '/etc/a', dest: '/etc/b', validate: 'visudo -cf %s' },
      { remoteSrc: false, validate: 'visudo -cf "$t"' },
    ],
    [{ content: 'x', dest: '/etc/b' }, { remoteSrc: false }],
  ])('%j', (args, expected) => {
    expect(normaliseCopy(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ content: 'x', dest: '/x', remote_src: true }, /remote_src needs 'src'/],
    [{ src: '/a', dest: '/x', validate: 'visudo -c' }, /validate must contain %s: visudo -c/],
    [{ src: '/srv/www/', dest: '/x', remote_src: true }, /copying a directory with remote_src is not supported yet/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseCopy(args)).toThrow(ModuleArgsError);
    expect(() => normaliseCopy(args)).toThrow(message);
  });

  it('reads the source only after the check for links other users planted, and dest without following a link', () => {
    const [src, dest] = remoteCopyFacts(normaliseCopy({ src: "/tmp/it's", dest: '/etc/', remote_src: true }), makeContext({ become: true }));
    expect(src).toMatchObject({ key: 'src', become: true });
    expect(src.command.startsWith(`s='/tmp/it'\\''s'; q=$s; i=0; while :;`)).toBe(true);
    expect(src.command.indexOf('world-writable')).toBeLessThan(src.command.indexOf('sha1sum'));
    expect(dest.command.startsWith(`p=/etc/"it's"; `) || dest.command.startsWith(`p='/etc/it'\\''s'; `)).toBe(true);
    expect(dest.command).toContain('if [ -L "$p" ]; then t=link;');
  });
});

describe('copy remote_src: a file on the host (run locally)', () => {
  it('copies, returns sums and attributes, then changes nothing', async () => {
    const { dir, src } = setup();
    const dest = join(dir, 'dest.conf');
    const first = await runLocally(copyModule, { src, dest, remote_src: true }, ctx, dir);
    expect(first.failed, first.msg).toBe(false);
    expect(first.plan).toMatchObject({
      changed: true,
      returns: { dest, src, checksum: sha1('hello\n'), md5sum: md5('hello\n'), size: 6, mode: '0644', state: 'file' },
    });
    expect(first.plan.msg).toBeUndefined();
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o7777).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(['dest.conf', 'src.conf']);
    const again = await runLocally(copyModule, { src, dest, remote_src: true }, makeContext({ diff: true }), dir);
    expect(again.plan).toMatchObject({ changed: false, actions: [] });
    expect(again.plan.diff).toBeUndefined();
  });

  it("gives dest the source's mode with preserve, and sets only the mode when the content is the same", async () => {
    const { dir, src } = setup();
    const dest = join(dir, 'dest.conf');
    writeFileSync(dest, 'hello\n');
    chmodSync(dest, 0o600);
    const run = await runLocally(copyModule, { src, dest, remote_src: true, mode: 'preserve' }, ctx, dir);
    expect(run.plan).toMatchObject({ changed: true, returns: { mode: '0640' } });
    expect(run.plan.actions[0]).toMatchObject({ command: expect.stringMatching(/world-writable.*chmod 0640 /), display: `chmod 0640 -- ${dest}` });
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    expect((await runLocally(copyModule, { src, dest, remote_src: true, mode: 'preserve' }, ctx, dir)).plan.changed).toBe(false);
  });

  it("replaces different content, keeping dest's mode, with a backup", async () => {
    const { dir, src } = setup('new\n');
    const dest = join(dir, 'dest.conf');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o604);
    const run = await runLocally(copyModule, { src, dest, remote_src: true, backup: true }, ctx, dir);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
    expect(statSync(dest).mode & 0o7777).toBe(0o604);
    expect(readFileSync(run.plan.returns!.backup_file as string, 'utf8')).toBe('old\n');
  });

  it('copies into a directory dest under the source name, and replaces a link at dest by a file', async () => {
    const { dir, src } = setup();
    const into = join(dir, 'into');
    mkdirSync(into);
    const run = await runLocally(copyModule, { src, dest: into, remote_src: true }, ctx, dir);
    expect(run.plan.returns).toMatchObject({ dest: join(into, 'src.conf') });
    expect(readFileSync(join(into, 'src.conf'), 'utf8')).toBe('hello\n');
    const other = join(dir, 'other');
    writeFileSync(other, 'hello\n');
    const link = join(dir, 'link');
    symlinkSync(other, link);
    expect((await runLocally(copyModule, { src, dest: link, remote_src: true }, ctx, dir)).plan.changed).toBe(true);
    expect(statSync(link).isFile() && !readdirSync(dir).includes('nothing')).toBe(true);
    expect((await runLocally(copyModule, { src, dest: link, remote_src: true }, ctx, dir)).plan.changed).toBe(false);
  });

  it('creates a missing directory dest given with a trailing slash (check mode: says it would)', async () => {
    const { dir, src } = setup();
    const dest = `${join(dir, 'new', 'sub')}/`;
    const check = await runLocally(copyModule, { src, dest, remote_src: true }, makeContext({ check: true }), dir);
    expect(check.plan).toMatchObject({ changed: true, msg: `dest directory ${join(dir, 'new', 'sub')} would be created`, returns: { src } });
    expect(existsSync(join(dir, 'new'))).toBe(false);
    const run = await runLocally(copyModule, { src, dest, remote_src: true, group: 'daemon' }, ctx, dir);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(join(dir, 'new', 'sub', 'src.conf'), 'utf8')).toBe('hello\n');
    if (asRoot) expect(statSync(join(dir, 'new')).gid).toBe(1);
    expect((await runLocally(copyModule, { src, dest, remote_src: true, group: 'daemon' }, ctx, dir)).plan.changed).toBe(false);
  });

  it.each<[string, (dir: string, src: string) => Record<string, unknown>, Record<string, unknown>]>([
    ['a missing source', (dir) => ({ src: join(dir, 'nope'), dest: join(dir, 'd') }), { msg: expect.stringMatching(/^Source .*\/nope not found$/) }],
    [
      'a directory source',
      (dir) => ({ src: dir, dest: join(dir, 'd') }),
      { msg: expect.stringContaining('copying a directory with remote_src is not supported yet') },
    ],
    [
      'a fifo source',
      (dir) => ({ src: join(dir, 'fifo'), dest: join(dir, 'd') }),
      { msg: expect.stringMatching(/^Cannot copy invalid source '.*\/fifo': not a file$/) },
    ],
    ['a missing parent', (dir, src) => ({ src, dest: join(dir, 'no', 'd') }), { msg: `Destination directory ${'DIR'}/no does not exist` }],
    [
      'another checksum',
      (dir, src) => ({ src, dest: join(dir, 'd'), checksum: '0'.repeat(40) }),
      { msg: 'Copied file does not match the expected checksum. Transfer failed.', returns: { checksum: sha1('hello\n'), expected_checksum: '0'.repeat(40) } },
    ],
  ])('fails on %s, changing nothing', async (_, args, expected) => {
    const { dir, src } = setup();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const run = await runLocally(copyModule, { ...args(dir, src), remote_src: true }, ctx, dir);
    expect(run.failed).toBe(true);
    const msg = typeof expected.msg === 'string' ? expected.msg.replace('DIR', dir) : expected.msg;
    expect(run.plan).toMatchObject({ ...expected, msg });
    expect(readdirSync(dir).sort()).toEqual(['fifo', 'src.conf']);
  });

  it('passes a right checksum, keeps an existing dest with force: false, and predicts in check mode', async () => {
    const { dir, src } = setup();
    const dest = join(dir, 'd');
    const check = await runLocally(copyModule, { src, dest, remote_src: true }, makeContext({ check: true }), dir);
    expect(check.plan).toMatchObject({ changed: true, returns: { state: 'absent', checksum: sha1('hello\n') } });
    expect(existsSync(dest)).toBe(false);
    expect((await runLocally(copyModule, { src, dest, remote_src: true, checksum: sha1('hello\n') }, ctx, dir)).failed).toBe(false);
    writeFileSync(dest, 'mine\n');
    const kept = await runLocally(copyModule, { src, dest, remote_src: true, force: false }, ctx, dir);
    expect(kept.plan).toMatchObject({ changed: false, msg: 'file already exists', returns: { src, dest } });
    expect(readFileSync(dest, 'utf8')).toBe('mine\n');
  });

  it('does not replace dest with a file validate refuses', async () => {
    const { dir, src } = setup();
    const dest = join(dir, 'd');
    writeFileSync(dest, 'old\n');
    const bad = await runLocally(copyModule, { src, dest, remote_src: true, validate: 'grep -q nothing-like-this %s' }, ctx, dir);
    expect(bad.failed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).sort()).toEqual(['d', 'src.conf']);
    expect((await runLocally(copyModule, { src, dest, remote_src: true, validate: 'grep -q hello %s' }, ctx, dir)).failed).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
  });
});

describe.skipIf(!asRoot)('copy remote_src: another local user on the host (security review)', () => {
  it("does not read a source through another user's link in a world-writable directory", async () => {
    const secret = join(makeTempDir(), 'shadow');
    writeFileSync(secret, 'root:secret\n', { mode: 0o600 });
    const tmp = makeTempDir();
    chmodSync(tmp, 0o1777);
    execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'ln', '-s', secret, join(tmp, 'report.txt')]);
    const out = makeTempDir();
    const run = await runLocally(copyModule, { src: join(tmp, 'report.txt'), dest: join(out, 'r'), remote_src: true }, makeContext({ become: true }), out);
    expect(run.failed).toBe(true);
    expect(run.msg).toContain('belongs to uid 65534 in a world-writable directory');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe.skipIf(!asRoot)('copy remote_src: another local user at dest (security review)', () => {
  it.each(['same content', 'other content'])("does not change another user's file in a world-writable directory (%s)", async (which) => {
    const { src } = setup();
    const tmp = makeTempDir();
    chmodSync(tmp, 0o1777);
    const dest = join(tmp, 'planted');
    execFileSync('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'sh',
      '-c',
      `printf '${which === 'same content' ? 'hello' : 'evil'}\\n' > ${dest}; chmod 0666 ${dest}`,
    ]);
    const run = await runLocally(copyModule, { src, dest, remote_src: true, mode: '0644' }, makeContext({ become: true }), tmp);
    expect(run.failed).toBe(true);
    expect(run.msg).toContain('belongs to uid 65534 in a world-writable directory');
    expect(statSync(dest)).toMatchObject({ uid: 65534 });
    expect(statSync(dest).mode & 0o777).toBe(0o666);
  });
});

describe('copy checksum with a local src', () => {
  it('fails when the file it would write has another sha1, and passes with the right one', async () => {
    const book = makeTempDir();
    writeFileSync(join(book, 'a.conf'), 'hello\n');
    const dir = makeTempDir();
    const bookCtx = makeContext({ playbookDir: book });
    const bad = await runLocally(copyModule, { src: 'a.conf', dest: join(dir, 'a'), checksum: '0'.repeat(40) }, bookCtx, dir);
    expect(bad).toMatchObject({ failed: true, msg: 'Copied file does not match the expected checksum. Transfer failed.' });
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect((await runLocally(copyModule, { src: 'a.conf', dest: join(dir, 'a'), checksum: sha1('hello\n') }, bookCtx, dir)).failed).toBe(false);
  });
});

describe('copy mode: preserve with a local src', () => {
  it('is valid in the published schema', async () => {
    const { copyParams } = await import('../../src/modules/params/copy.js');
    const mode = (copyParams.schema.properties as Record<string, { pattern: string }>).mode;
    expect(new RegExp(mode.pattern).test('preserve')).toBe(true);
    expect(new RegExp(mode.pattern).test('0644')).toBe(true);
  });
});

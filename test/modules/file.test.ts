import { existsSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileFactCommand, fileModule, normaliseFile } from '../../src/modules/file.js';
import type { FactResults } from '../../src/modules/module.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const ctx = makeContext();
const fact = (line: string, payload = ''): FactResults => ({ path: execResult(`tpx-stat ${line}\n${payload}`) });
const ABSENT = fact('absent');
const DIR = fact('directory 755 0 root 0 root 4096 -');
const FILE = fact('file 644 0 root 0 root 3 -');

describe('file: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ path: '/x' }, { path: '/x', state: 'file', force: false, follow: true }],
    [
      { dest: '/x', state: 'directory', mode: '0750' },
      { path: '/x', state: 'directory', mode: 0o750 },
    ],
    [
      { name: '/x', state: 'link', src: '/y', force: 'yes' },
      { path: '/x', src: '/y', force: true },
    ],
    [
      { path: '/x', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
      { modificationTime: 'preserve', accessTime: 'preserve' },
    ],
  ])('%j', (args, expected) => {
    expect(normaliseFile(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'path' is required/],
    [{ path: '/x', state: 'present' }, /'state' must be one of file, directory, link, absent, touch, not 'present'/],
    [{ path: '/x', state: 'link' }, /state 'link' needs 'src'/],
    [{ path: '/x', state: 'directory', src: '/y' }, /'src' is only used with state 'link'/],
    [{ path: '/x', dest: '/y' }, /'path' and 'dest' are the same parameter/],
    [{ path: '/x', recurse: true }, /'recurse' is only used with state 'directory'/],
    [{ path: '/x', stat: 'directory' }, /did you mean 'state'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseFile(args)).toThrow(ModuleArgsError);
    expect(() => normaliseFile(args)).toThrow(message);
  });
});

describe('file: facts', () => {
  it('follows links for directory/file/touch but not for link/absent', () => {
    expect(fileFactCommand(normaliseFile({ path: '/a b', state: 'directory' }))).toContain('stat $L');
    expect(fileFactCommand(normaliseFile({ path: '/a b', state: 'directory' }))).toContain(`if [ -d "$p" ]; then t=directory`);
    expect(fileFactCommand(normaliseFile({ path: '/a b', state: 'link', src: '/c' }))).toMatch(/^p='\/a b'; if \[ -L "\$p" \]; then t=link.*readlink -- "\$p"/);
    expect(fileFactCommand(normaliseFile({ path: '/a', state: 'absent' }))).toMatch(/^p=\/a; if \[ -L "\$p" \]/);
  });
});

describe('file: plan', () => {
  it.each<[string, Record<string, unknown>, FactResults, Record<string, unknown>]>([
    [
      'creates a directory with its mode and owner',
      { path: '/d x', state: 'directory', mode: '0750', owner: 'kuma' },
      ABSENT,
      {
        changed: true,
        actions: [{ kind: 'exec', command: `mkdir -p -- '/d x' && chmod 0750 -- '/d x' && chown -- kuma '/d x'`, become: false }],
      },
    ],
    ['leaves a matching directory alone', { path: '/d', state: 'directory', mode: '0755', owner: 'root' }, DIR, { changed: false, actions: [] }],
    ['fixes a directory mode', { path: '/d', state: 'directory', mode: '0700' }, DIR, { changed: true, actions: [{ display: 'chmod 0700 -- /d' }] }],
    ['refuses a file where a directory should be', { path: '/d', state: 'directory' }, FILE, { failed: true, msg: '/d exists and is a file, not a directory' }],
    ['removes an existing path', { path: '/-rf *', state: 'absent' }, DIR, { changed: true, actions: [{ command: `rm -rf -- '/-rf *'` }] }],
    ['changes nothing for an absent path', { path: '/x', state: 'absent' }, ABSENT, { changed: false, actions: [] }],
    ['creates a link', { path: '/cur', state: 'link', src: '/opt/2.10' }, ABSENT, { changed: true, actions: [{ command: 'ln -sfn -- /opt/2.10 /cur' }] }],
    [
      'keeps a link with the right target',
      { path: '/cur', state: 'link', src: '/opt/2.10' },
      fact('link 777 0 root 0 root 9 -', '/opt/2.10\n'),
      { changed: false },
    ],
    [
      'retargets a link',
      { path: '/cur', state: 'link', src: '/opt/2.10' },
      fact('link 777 0 root 0 root 8 -', '/opt/2.9\n'),
      {
        changed: true,
        msg: 'link retargeted from /opt/2.9 to /opt/2.10',
        actions: [{ command: 'ln -sfn -- /opt/2.10 /cur' }],
      },
    ],
    [
      'refuses to turn a file into a link without force',
      { path: '/cur', state: 'link', src: '/y' },
      FILE,
      { failed: true, msg: expect.stringMatching(/set force: true/) },
    ],
    ['turns a file into a link with force', { path: '/cur', state: 'link', src: '/y', force: true }, FILE, { changed: true }],
    ['refuses to replace a directory with a link', { path: '/cur', state: 'link', src: '/y', force: true }, DIR, { failed: true }],
    [
      'sets a link owner with chown -h',
      { path: '/cur', state: 'link', src: '/y', owner: 'kuma' },
      fact('link 777 0 root 0 root 2 -', '/y\n'),
      {
        changed: true,
        actions: [{ command: 'chown -h -- kuma /cur' }],
      },
    ],
    ['fails for a missing file with state file', { path: '/x' }, ABSENT, { failed: true, msg: expect.stringMatching(/file \/x is absent, cannot continue/) }],
    [
      'fixes a file owner with state file',
      { path: '/x', owner: 'nobody', group: 'daemon' },
      FILE,
      { changed: true, actions: [{ display: 'chown -- nobody:daemon /x' }] },
    ],
    [
      'touch creates a missing file',
      { path: '/x', state: 'touch', mode: '0600' },
      ABSENT,
      { changed: true, actions: [{ command: 'touch -- /x && chmod 0600 -- /x' }] },
    ],
    [
      'touch updates the times of an existing file (as Ansible)',
      { path: '/x', state: 'touch' },
      FILE,
      { changed: true, actions: [{ command: 'touch -c -- /x' }] },
    ],
    [
      'touch with preserved times is idempotent',
      { path: '/x', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
      FILE,
      { changed: false },
    ],
  ])('%s', async (_name, args, facts, expected) => {
    expect(await fileModule.plan(normaliseFile(args), facts, ctx)).toMatchObject(expected);
  });

  it('describes state changes as a diff', async () => {
    const plan = await fileModule.plan(normaliseFile({ path: '/d', state: 'directory', mode: '0700' }), ABSENT, makeContext({ diff: true }));
    expect(plan.diff).toBe('--- before: /d\n+++ after: /d\n@@ -1 +1,2 @@\n-state: absent\n+state: directory\n+mode: 0700\n');
  });
});

describe('file: for real', () => {
  it('creates, fixes and removes directories with hostile names, idempotently', async () => {
    const root = makeTempDir();
    for (const name of HOSTILE_NAMES) {
      const path = join(root, name, 'sub');
      const args = { path, state: 'directory', mode: '0710', owner: 'nobody' };
      const first = await runLocally(fileModule, args, ctx, root);
      expect(first.failed, first.msg).toBe(false);
      expect(statSync(path)).toMatchObject({ uid: 65534 });
      expect(statSync(path).mode & 0o777).toBe(0o710);
      expect((await runLocally(fileModule, args, ctx, root)).plan).toMatchObject({ changed: false, actions: [] });
      const gone = await runLocally(fileModule, { path: join(root, name), state: 'absent' }, ctx, root);
      expect(gone.plan.changed).toBe(true);
      expect(existsSync(join(root, name))).toBe(false);
      expect((await runLocally(fileModule, { path: join(root, name), state: 'absent' }, ctx, root)).plan.changed).toBe(false);
    }
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });

  it('creates and retargets links, idempotently', async () => {
    const root = makeTempDir();
    mkdirSync(join(root, '2.9'));
    mkdirSync(join(root, '2.10 $(x)'));
    const link = join(root, 'current');
    const to = async (src: string) => runLocally(fileModule, { path: link, state: 'link', src }, ctx, root);
    expect((await to(join(root, '2.9'))).plan.changed).toBe(true);
    expect((await to(join(root, '2.9'))).plan.changed).toBe(false);
    // The old target is a directory: ln -n must replace the link, not create one inside it.
    expect((await to(join(root, '2.10 $(x)'))).plan.changed).toBe(true);
    expect(readlinkSync(link)).toBe(join(root, '2.10 $(x)'));
    expect(existsSync(join(root, '2.9', '2.10 $(x)'))).toBe(false);
    expect((await to(join(root, '2.10 $(x)'))).plan.changed).toBe(false);
    const rel = await runLocally(fileModule, { path: join(root, 'rel'), state: 'link', src: '2.9' }, ctx, root);
    expect(rel.plan.changed).toBe(true);
    expect(readlinkSync(join(root, 'rel'))).toBe('2.9');
    expect(lstatSync(join(root, 'rel')).isSymbolicLink()).toBe(true);
  });

  it('fixes a file mode and owner, touches and preserves times', async () => {
    const root = makeTempDir();
    const path = join(root, 'f');
    writeFileSync(path, 'x', { mode: 0o644 });
    const args = { path, mode: '0600', owner: 'nobody' };
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(false);
    utimesSync(path, 1000, 1000);
    const touched = await runLocally(fileModule, { path, state: 'touch' }, ctx, root);
    expect(touched.plan.changed).toBe(true);
    expect(statSync(path).mtimeMs).toBeGreaterThan(1_000_000);
    const preserve = { path: join(root, 'new'), state: 'touch', modification_time: 'preserve', access_time: 'preserve' };
    expect((await runLocally(fileModule, preserve, ctx, root)).plan.changed).toBe(true);
    expect((await runLocally(fileModule, preserve, ctx, root)).plan.changed).toBe(false);
  });

  it('changes nothing in check mode', async () => {
    const root = makeTempDir();
    const check = makeContext({ check: true });
    expect((await runLocally(fileModule, { path: join(root, 'd'), state: 'directory' }, check, root)).plan.changed).toBe(true);
    expect(existsSync(join(root, 'd'))).toBe(false);
    writeFileSync(join(root, 'keep'), 'x');
    symlinkSync('keep', join(root, 'l'));
    expect((await runLocally(fileModule, { path: join(root, 'keep'), state: 'absent' }, check, root)).plan.changed).toBe(true);
    expect((await runLocally(fileModule, { path: join(root, 'l'), state: 'link', src: 'other' }, check, root)).plan.changed).toBe(true);
    expect(existsSync(join(root, 'keep'))).toBe(true);
    expect(readlinkSync(join(root, 'l'))).toBe('keep');
  });
});

describe('file: recurse', () => {
  it('rejects recurse outside state directory', () => {
    expect(() => normaliseFile({ path: '/x', state: 'file', recurse: true })).toThrow(/'recurse' is only used with state 'directory'/);
  });

  it('checks the tree with find in the same fact and fixes it with -R', async () => {
    const p = normaliseFile({ path: '/d x', state: 'directory', recurse: true, owner: 'kuma', mode: '0750' });
    const facts = fileModule.facts!(p, ctx);
    expect(facts).toHaveLength(1);
    expect(facts[0].command).toBe(
      `${fileFactCommand(p)}; if [ -d "$p" ]; then echo tpx-tree; find "$p" \\( ! -user kuma -o ! -perm 0750 \\) -print -quit; echo "tpx-tree-rc $?"; fi`,
    );
    const drift = await fileModule.plan(p, fact('directory 755 0 root 0 root 4096 -', 'tpx-tree\n/d x/f\ntpx-tree-rc 0\n'), ctx);
    expect(drift).toMatchObject({ changed: true, actions: [{ command: `chmod -R 0750 -- '/d x' && chown -R -- kuma '/d x'` }] });
    const clean = await fileModule.plan(p, fact('directory 750 1 kuma 0 root 1 -', 'tpx-tree\ntpx-tree-rc 0\n'), ctx);
    expect(clean).toMatchObject({ changed: false, actions: [] });
    const denied = await fileModule.plan(
      p,
      { path: execResult('tpx-stat directory 750 1 kuma 0 root 1 -\ntpx-tree\ntpx-tree-rc 1\n', 0, 'find: denied\n') },
      ctx,
    );
    expect(denied).toMatchObject({ failed: true, msg: `could not check the tree under /d x: find: denied` });
  });

  it('fixes a whole tree for real, then changes nothing', async () => {
    const root = makeTempDir();
    mkdirSync(join(root, 't', 'sub'), { recursive: true });
    writeFileSync(join(root, 't', 'sub', 'f'), 'x');
    const args = { path: join(root, 't'), state: 'directory', recurse: true, owner: 'nobody', group: 'daemon' };
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(true);
    expect(statSync(join(root, 't', 'sub', 'f'))).toMatchObject({ uid: 65534, gid: 1 });
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(false);
    writeFileSync(join(root, 't', 'sub', 'g'), 'new, owned by root');
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(true);
    expect((await runLocally(fileModule, args, ctx, root)).plan.changed).toBe(false);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFactCommand, copyModule, normaliseCopy } from '../../src/modules/copy.js';
import type { FactResults } from '../../src/modules/module.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { writeFileCommand } from '../../src/modules/write-file-command.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const ctx = makeContext();
/** The fact output for an existing regular file. */
const fileFact = (content: string, mode = '644', user = 'root', extra = ''): FactResults => ({
  dest: execResult(`${extra}tpx-stat file ${mode} 0 ${user} 0 root ${Buffer.byteLength(content)} ${sha(content)}\n`),
});
const absent: FactResults = { dest: execResult('tpx-stat absent\n') };

describe('copy: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [
      { content: 'x', dest: '/etc/x' },
      { content: 'x', dest: '/etc/x', backup: false, force: true },
    ],
    [{ content: 'x', dest: '/etc/x', mode: '0640' }, { mode: 0o640 }],
    [{ content: 'x', dest: '/etc/x', mode: '644' }, { mode: 0o644 }],
    [{ content: 'x', dest: '/etc/x', mode: 0o600 }, { mode: 0o600 }],
    [{ content: { a: 1 }, dest: '/etc/x.json' }, { content: '{"a":1}' }],
    [{ content: 42, dest: '/etc/x' }, { content: '42' }],
    [{ src: 'files/app.conf', dest: '/etc/' }, { dest: '/etc/app.conf' }],
    [
      { src: 'a', dest: '/b', mode: 'preserve', backup: 'yes', force: 'no' },
      { mode: 'preserve', backup: true, force: false },
    ],
  ])('%j', (args, expected) => {
    expect(normaliseCopy(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ dest: '/x' }, /exactly one of 'content' or 'src'/],
    [{ content: 'a', src: 'b', dest: '/x' }, /exactly one of 'content' or 'src'/],
    [{ content: 'a' }, /'dest' is required/],
    [{ content: 'a', dest: '/d/' }, /'content' needs a file name/],
    [{ content: 'a', dest: '/x', mode: 'u+rwx' }, /symbolic mode 'u\+rwx' is not supported/],
    [{ content: 'a', dest: '/x', mode: '0999' }, /not a file mode/],
    [{ content: 'a', dest: '/x', mode: 'preserve' }, /'preserve' needs 'src'/],
    [{ content: 'a', dest: '/x', validate: 'visudo -cf' }, /validate must contain %s/],
    [{ content: 'a', dset: '/x' }, /did you mean 'dest'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseCopy(args)).toThrow(ModuleArgsError);
    expect(() => normaliseCopy(args)).toThrow(message);
  });
});

describe('copy: facts', () => {
  it('reads type, mode, owner and sha256 of dest in one command, quoting the path', () => {
    const facts = copyModule.facts!(normaliseCopy({ content: 'x', dest: "/etc/it's $(x)" }), ctx);
    expect(facts).toHaveLength(1);
    // By the walk (editedPathRead), the path quoted.
    expect(facts[0].command.startsWith(`set -f; o=; cd -P . 2>/dev/null && o=$PWD; r=; w='/etc/it'\\''s $(x)'; `)).toBe(true);
    expect(facts[0].command).toContain('[ -d "${r%/*}/" ] || echo tpx-no-parent; ');
    expect(facts[0].command).toContain('sha256sum');
    expect(facts[0].command).not.toContain('cat < "$p"');
  });

  it('reads the old text only with --diff, and looks inside a directory dest with src', () => {
    expect(copyFactCommand(normaliseCopy({ content: 'x', dest: '/x' }), true)).toContain('cat < "$p"');
    const into = copyFactCommand(normaliseCopy({ src: 'a b.conf', dest: '/etc' }), false);
    expect(into.startsWith(`if [ -d /etc ]; then echo tpx-into-dir; set -f; `)).toBe(true);
    expect(into).toContain(`w='/etc/a b.conf'; `);
  });
});

describe('copy: plan', () => {
  it.each<[string, Record<string, unknown>, FactResults, Record<string, unknown>]>([
    [
      'creates a missing file',
      { content: 'hi\n', dest: '/etc/x' },
      absent,
      {
        changed: true,
        msg: 'created',
        actions: [
          {
            kind: 'exec',
            command: writeFileCommand('/etc/x', { mode: 0o644 }),
            stdin: Buffer.from('hi\n'),
            become: false,
          },
        ],
      },
    ],
    [
      'creates with mode and owner:group',
      { content: 'hi\n', dest: '/etc/x', mode: '0600', owner: 'kuma', group: 'kuma' },
      absent,
      {
        actions: [{ kind: 'exec', command: expect.stringContaining(`cat >&3 && chown -- kuma:kuma "$f" && chmod 0600 "$f" && { mv -fT -- "$t" ./x`) }],
      },
    ],
    [
      'changes nothing when sha256, mode and owner match',
      { content: 'hi\n', dest: '/etc/x', mode: '0644', owner: 'root' },
      fileFact('hi\n'),
      {
        changed: false,
        actions: [],
      },
    ],
    ['accepts a numeric owner that matches the uid', { content: 'hi\n', dest: '/etc/x', owner: '0' }, fileFact('hi\n'), { changed: false }],
    [
      'fixes only the mode when the content matches',
      { content: 'hi\n', dest: '/etc/x', mode: '0600' },
      fileFact('hi\n'),
      {
        changed: true,
        msg: 'mode 0644 → 0600',
        // In /etc entered by the walk, through the file opened there; shown as the chmod it is.
        actions: [
          { kind: 'exec', display: 'chmod 0600 -- /etc/x', command: expect.stringMatching(/^\(set -f; .*; x=\.\/\$\{r##\*\/\}; .*chmod 0600 -- "\$f"\)$/) },
        ],
      },
    ],
    [
      'fixes only the owner when the content matches',
      { content: 'hi\n', dest: '/etc/x', owner: 'kuma' },
      fileFact('hi\n'),
      {
        changed: true,
        actions: [{ kind: 'exec', display: 'chown -- kuma /etc/x', command: expect.stringMatching(/^\(set -f; .*; chown -- kuma "\$f"\)$/) }],
      },
    ],
    [
      'replaces changed content keeping the current mode',
      { content: 'new\n', dest: '/etc/x' },
      fileFact('old\n', '600'),
      {
        changed: true,
        msg: 'content changed',
        actions: [{ kind: 'exec', command: expect.stringContaining(`cat >&3 && chmod 0600 "$f" && { mv -fT`), stdin: Buffer.from('new\n') }],
      },
    ],
    [
      'sets only the group with chgrp before the rename',
      { content: 'new\n', dest: '/etc/x', group: 'adm' },
      absent,
      {
        actions: [{ kind: 'exec', command: expect.stringContaining(`cat >&3 && chgrp -- adm "$f" && chmod 0644 "$f" && { mv -fT`) }],
      },
    ],
    ['keeps an existing file (force: false)', { content: 'new\n', dest: '/etc/x', force: false }, fileFact('old\n'), { changed: false, actions: [] }],
    [
      'fails when the parent directory is missing',
      { content: 'x', dest: '/no/x' },
      { dest: execResult('tpx-no-parent\ntpx-stat absent\n') },
      {
        failed: true,
        msg: 'destination directory /no does not exist',
      },
    ],
    [
      'fails when dest is a directory',
      { content: 'x', dest: '/etc' },
      { dest: execResult('tpx-stat directory 755 0 root 0 root 4096 -\n') },
      {
        failed: true,
        msg: expect.stringMatching(/not a regular file/),
      },
    ],
    [
      'fails when dest cannot be read',
      { content: 'x', dest: '/etc/shadow' },
      { dest: execResult('tpx-stat file 640 0 root 42 shadow 10 unreadable\n') },
      {
        failed: true,
        msg: expect.stringMatching(/cannot read \/etc\/shadow/),
      },
    ],
    [
      'fails with the fact error',
      { content: 'x', dest: '/x' },
      { dest: execResult('', 1, 'stat: boom') },
      { failed: true, msg: expect.stringMatching(/stat: boom/) },
    ],
    ['skips a shell banner before the fact line', { content: 'hi\n', dest: '/etc/x' }, fileFact('hi\n', '644', 'root', 'Welcome!\n'), { changed: false }],
  ])('%s', async (_name, args, facts, expected) => {
    expect(await copyModule.plan(normaliseCopy(args), facts, ctx)).toMatchObject(expected);
  });

  it('keeps the current owner when replacing a file through become', async () => {
    const plan = await copyModule.plan(
      normaliseCopy({ content: 'new', dest: '/etc/x' }),
      { dest: execResult(`tpx-stat file 640 999 kuma 998 kuma 3 ${sha('old')}\n`) },
      makeContext({ become: true }),
    );
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      kind: 'exec',
      stdin: Buffer.from('new'),
      become: true,
      command: expect.stringContaining(`chown -- 999:998 "$f" && chmod 0640 "$f" && { mv -fT -- "$t" ./x`),
    });
  });

  it('backs up the old file first when asked', async () => {
    const plan = await copyModule.plan(normaliseCopy({ content: 'new', dest: '/etc/x y', backup: true }), fileFact('old'), ctx);
    const backup = plan.returns?.backup_file as string;
    expect(backup).toMatch(/^\/etc\/x y\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      kind: 'exec',
      command: expect.stringContaining(
        `; umask 077; set -C; t=; read -r t 2>/dev/null < /proc/sys/kernel/random/uuid; case $t in ?*-*) t=./.tpx-$t ;; *) t=$(mktemp -u ./.tpx-XXXXXXXXXX) ;; esac && exec 3>"$t"`,
      ),
      become: false,
    });
    expect((plan.actions[0] as { command: string }).command).toMatch(
      // In dest's directory, entered by the walk, by relative names.
      new RegExp(
        `^\\(.*; exec 5< "\\$x"; .*; cd -P -- /etc \\|\\| .*; cp -p -- "\\$f" "\\$bf" && \\{ mv -fT -- "\\$b" '\\./${backup.slice('/etc/'.length).replace(/[.*+?^$()|[\]\\]/g, '\\$&')}' 2>/dev/null \\|\\| .*\\) && `,
      ),
    );
  });

  it('shows a unified diff of the text with --diff', async () => {
    const facts = { dest: execResult(`tpx-stat file 644 0 root 0 root 6 ${sha('a\nb\nc\n')}\na\nb\nc\n`) };
    const plan = await copyModule.plan(normaliseCopy({ content: 'a\nB\nc\n', dest: '/x' }), facts, makeContext({ diff: true }));
    expect(plan.diff).toBe('--- before: /x\n+++ after: /x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });

  it('notes binary content instead of diffing it', async () => {
    const plan = await copyModule.plan(normaliseCopy({ content: 'bin\0ary', dest: '/x' }), absent, makeContext({ diff: true }));
    expect(plan.diff).toMatch(/Binary or large content differs/);
  });

  it('diffs the mode when only the mode changes', async () => {
    const plan = await copyModule.plan(normaliseCopy({ content: 'hi\n', dest: '/x', mode: '0600' }), fileFact('hi\n'), makeContext({ diff: true }));
    expect(plan.diff).toBe('--- before: /x\n+++ after: /x\n@@ -1 +1 @@\n-mode: 0644\n+mode: 0600\n');
  });

  it('copies a local src into a directory dest', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'app.conf'), 'conf\n');
    const facts = { dest: execResult('tpx-into-dir\ntpx-stat absent\n') };
    const plan = await copyModule.plan(normaliseCopy({ src: 'app.conf', dest: '/etc/app' }), facts, makeContext({ playbookDir: dir }));
    expect(plan).toMatchObject({
      changed: true,
      actions: [{ kind: 'exec', command: expect.stringContaining('cd -P -- /etc/app ||'), stdin: Buffer.from('conf\n') }],
    });
    expect((plan.actions[0] as { command: string }).command).toContain('else mv -f -- "$t" ./app.conf; fi; } ||');
  });
});

describe('copy: for real', () => {
  it('writes hostile paths, then changes nothing on a second run', async () => {
    const dir = makeTempDir();
    for (const name of HOSTILE_NAMES) {
      const args = { content: `secret for ${name}\n`, dest: join(dir, name), mode: '0600' };
      const first = await runLocally(copyModule, args, ctx, dir);
      expect(first.failed, first.msg).toBe(false);
      expect(first.plan.changed).toBe(true);
      expect(readFileSync(join(dir, name), 'utf8')).toBe(`secret for ${name}\n`);
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      const second = await runLocally(copyModule, args, ctx, dir);
      expect(second.plan).toMatchObject({ changed: false, actions: [] });
    }
    expect(readdirSync(dir).sort()).toEqual([...HOSTILE_NAMES].sort());
  });

  it('detects content, mode and owner drift, and fixes each', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'conf');
    const args = { content: 'v1\n', dest, mode: '0640', owner: 'nobody', group: 'daemon' };
    expect((await runLocally(copyModule, args, ctx, dir)).plan.changed).toBe(true);
    expect(statSync(dest)).toMatchObject({ uid: 65534, gid: 1 });
    expect((await runLocally(copyModule, args, ctx, dir)).plan.changed).toBe(false);
    writeFileSync(dest, 'tampered\n');
    expect((await runLocally(copyModule, args, ctx, dir)).plan).toMatchObject({ changed: true, msg: 'content changed' });
    expect(readFileSync(dest, 'utf8')).toBe('v1\n');
    const { chmodSync, chownSync } = await import('node:fs');
    chmodSync(dest, 0o666);
    chownSync(dest, 0, 0);
    const fix = await runLocally(copyModule, args, ctx, dir);
    expect(fix.plan.msg).toBe('mode 0666 → 0640, owner root → nobody, group root → daemon');
    expect(statSync(dest)).toMatchObject({ uid: 65534, gid: 1 });
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    expect((await runLocally(copyModule, args, ctx, dir)).plan.changed).toBe(false);
  });

  it('shows a real --diff and keeps a backup', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'hosts');
    writeFileSync(dest, 'a\nb\n');
    const run = await runLocally(copyModule, { content: 'a\nc\n', dest, backup: true }, makeContext({ diff: true }), dir);
    expect(run.plan.diff).toBe(`--- before: ${dest}\n+++ after: ${dest}\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n`);
    expect(readFileSync(run.plan.returns!.backup_file as string, 'utf8')).toBe('a\nb\n');
  });

  it('copies a binary src into an existing directory, preserving its mode', async () => {
    const book = makeTempDir();
    const dir = makeTempDir();
    mkdirSync(join(book, 'files'));
    writeFileSync(join(book, 'files', 'tool'), Buffer.from([0, 1, 2, 255]), { mode: 0o751 });
    const args = { src: 'tool', dest: dir, mode: 'preserve' };
    const first = await runLocally(copyModule, args, makeContext({ playbookDir: book, diff: true }), dir);
    expect(first.failed, first.msg).toBe(false);
    expect(readFileSync(join(dir, 'tool'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(statSync(join(dir, 'tool')).mode & 0o777).toBe(0o751);
    expect((await runLocally(copyModule, args, makeContext({ playbookDir: book }), dir)).plan.changed).toBe(false);
  });

  it('writes large binary content from stdin intact, in one exec', async () => {
    const dir = makeTempDir();
    const { randomBytes } = await import('node:crypto');
    const book = makeTempDir();
    const data = randomBytes(300 * 1024);
    writeFileSync(join(book, 'blob'), data);
    const args = { src: 'blob', dest: join(dir, 'blob'), mode: '0600' };
    const first = await runLocally(copyModule, args, makeContext({ playbookDir: book }), dir);
    expect(first.failed, first.msg).toBe(false);
    expect(first.plan.actions).toHaveLength(1);
    expect(readFileSync(join(dir, 'blob')).equals(data)).toBe(true);
    expect((await runLocally(copyModule, args, makeContext({ playbookDir: book }), dir)).plan.changed).toBe(false);
  });

  it('leaves dest and no temporary file behind when a step of the write fails', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'conf');
    writeFileSync(dest, 'old\n');
    const run = await runLocally(copyModule, { content: 'new\n', dest, owner: 'no-such-user-tpx' }, ctx, dir);
    expect(run.failed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['conf']);
  });

  it('fails on a missing parent and changes nothing in check mode', async () => {
    const dir = makeTempDir();
    expect(await runLocally(copyModule, { content: 'x', dest: join(dir, 'no', 'x') }, ctx, dir)).toMatchObject({ failed: true });
    const check = await runLocally(copyModule, { content: 'x', dest: join(dir, 'x') }, makeContext({ check: true }), dir);
    expect(check.plan.changed).toBe(true);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

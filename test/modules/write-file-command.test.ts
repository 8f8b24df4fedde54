/**
 * writeFileCommand's way to dest's directory (enterDirectory): links on the way, a directory
 * swapped for a link while the command runs, and what must keep working (relative dests,
 * links of root's, a missing directory). The attacker's side, as another user, is in
 * write-path-security.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lchownSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupStep } from '../../src/modules/backup-file.js';
import { entryAttributeCommand } from '../../src/modules/file-attributes.js';
import { atEntry, editedPathWalk, makeDirectoryCommand, writeFileCommand } from '../../src/modules/write-file-command.js';
import { HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { runShell } from './local-executor.js';

const FILE = { mode: 0o644 } as const;

/** A fresh directory, by its real path (what `pwd -P` prints). */
const realTempDir = (): string => realpathSync(makeTempDir());

describe('writeFileCommand: the way to dest', () => {
  it('is POSIX shell (sh -n, dash -n) for absolute, relative and hostile paths', () => {
    const dests = ['/etc/x', 'x', 'sub/x', '-x/y', '/', ...HOSTILE_NAMES.map((n) => `/tmp/${n}/${n}`)];
    for (const dest of dests) {
      const command = writeFileCommand(dest, { mode: 0o600, owner: 'a b:c' }, 'cat < "$s"', 'true "$t"');
      for (const shell of ['sh', 'dash']) {
        const r = spawnSync(shell, ['-n', '-c', command]);
        expect(r.status, `${shell} ${dest}: ${r.stderr}`).toBe(0);
      }
    }
  });

  it('refuses when the directory, entered, is not the one checked (one on the way swapped for a link meanwhile)', () => {
    // The race, made deterministic: a `cd` function swaps a directory on the way for a link
    // to another directory between the walk and the real cd.
    const base = realTempDir();
    const target = realTempDir();
    writeFileSync(join(target, 'precious'), 'keep\n');
    const dir = join(base, 'home', 'd');
    mkdirSync(dir, { recursive: true });
    const dest = join(dir, 'precious');
    // (Not at the walk's own `cd -P .`, which only learns where the command started.)
    const swap = `cd() { [ "$2" = . ] || [ -L ${dir} ] || { mv ${dir} ${dir}.old && ln -s ${target} ${dir}; }; command cd "$@"; }`;
    const r = runShell(`${swap}\n${writeFileCommand(dest, FILE)}`, '/', 'evil\n');
    expect(r.rc).toBe(1);
    expect(r.stderr).toBe(
      `${dest}: ${dir} led to ${target} when entered, not to ${dir} as checked (a directory on its way was swapped for a link?): another user could choose where root writes; not written: run it again once nobody else can change the directories on its way\n`,
    );
    expect(readFileSync(join(target, 'precious'), 'utf8')).toBe('keep\n');
    expect(readdirSync(target)).toEqual(['precious']);
    expect(readdirSync(`${dir}.old`)).toEqual([]);
  });

  it('writes into the directory it checked, whatever becomes of its path once it is in it', () => {
    // Swapped after the cd (when the temporary file's name is drawn): the write does not follow the new link.
    const base = realTempDir();
    const target = realTempDir();
    writeFileSync(join(target, 'precious'), 'keep\n');
    const dir = join(base, 'd');
    mkdirSync(dir);
    const swap = `read() { [ -L ${dir} ] || { mv ${dir} ${dir}.old && ln -s ${target} ${dir}; }; command read "$@"; }`;
    const r = runShell(`${swap}\n${writeFileCommand(join(dir, 'precious'), FILE)}`, '/', 'new\n');
    expect(r.rc, r.stderr).toBe(0);
    expect(readFileSync(join(target, 'precious'), 'utf8')).toBe('keep\n');
    expect(readdirSync(target)).toEqual(['precious']);
    expect(readFileSync(join(`${dir}.old`, 'precious'), 'utf8')).toBe('new\n');
  });

  it("writes a line of the controller's as it is, printed by the shell", () => {
    const dir = realTempDir();
    const line = "a 'b' $c `d` %s \\n";
    const r = runShell(writeFileCommand(join(dir, 'm'), FILE, { line }), '/', 'not this\n');
    expect(r.rc, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'm'), 'utf8')).toBe(`${line}\n`);
  });

  it("names the temporary file after the kernel's random UUID, or by mktemp where it cannot be read", () => {
    const dir = realTempDir();
    const shown = 'echo "$t" >&2';
    const uuid = runShell(writeFileCommand(join(dir, 'f'), FILE, 'cat', shown), '/', 'x\n');
    expect(uuid.rc, uuid.stderr).toBe(0);
    expect(uuid.stderr).toMatch(/^\.\/\.tpx-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/);
    // No /proc (a `read` that finds nothing stands in for it): mktemp's random name.
    const noProc = runShell(`read() { return 1; }\n${writeFileCommand(join(dir, 'g'), FILE, 'cat', shown)}`, '/', 'y\n');
    expect(noProc.rc, noProc.stderr).toBe(0);
    expect(noProc.stderr).toMatch(/^\.\/\.tpx-[A-Za-z0-9]{10}\n$/);
    expect(readdirSync(dir).sort()).toEqual(['f', 'g']);
    expect(readFileSync(join(dir, 'g'), 'utf8')).toBe('y\n');
  });

  it('follows links of its own on the way, relative, absolute, chained and with `..`, up to 40', () => {
    const base = realTempDir();
    mkdirSync(join(base, 'real', 'sub'), { recursive: true });
    symlinkSync('real', join(base, 'l1'));
    symlinkSync(join(base, 'l1', 'sub'), join(base, 'l2'));
    symlinkSync('../l2/..', join(base, 'real', 'up'));
    for (const dest of [join(base, 'l1', 'f'), `${base}/l2/../sub/f`, join(base, 'l1', 'up', 'sub', 'f')]) {
      const r = runShell(writeFileCommand(dest, FILE), '/', `${dest}\n`);
      expect(r.rc, `${dest}: ${r.stderr}`).toBe(0);
      expect(readFileSync(dest, 'utf8')).toBe(`${dest}\n`);
    }
    expect(readdirSync(join(base, 'real')).sort()).toEqual(['f', 'sub', 'up']);
    // A loop of links ends.
    symlinkSync('b', join(base, 'a'));
    symlinkSync('a', join(base, 'b'));
    const loop = runShell(writeFileCommand(join(base, 'a', 'f'), FILE), '/', 'x\n');
    expect(loop.rc).toBe(1);
    expect(loop.stderr).toBe(`${join(base, 'a', 'f')}: too many levels of symbolic links on its way\n`);
  });

  it("follows the login user's (SUDO_UID) links on the way", () => {
    const base = realTempDir();
    mkdirSync(join(base, 'real'));
    symlinkSync('real', join(base, 'l'));
    // The link is another user's: refused, unless that user is the one who logged in and ran sudo.
    lchownSync(join(base, 'l'), 65534, 65534);
    const other = runShell(writeFileCommand(join(base, 'l', 'f'), FILE), '/', 'x\n');
    expect(other.rc).toBe(1);
    expect(other.stderr).toContain(`the link ${join(base, 'l')} on its way belongs to uid 65534`);
    const r = runShell(`SUDO_UID=65534; export SUDO_UID; ${writeFileCommand(join(base, 'l', 'f'), FILE)}`, '/', 'x\n');
    expect(r.rc, r.stderr).toBe(0);
    expect(readFileSync(join(base, 'real', 'f'), 'utf8')).toBe('x\n');
  });

  it('still writes a relative dest beside the current directory, and reads a relative source there', () => {
    const base = realTempDir();
    mkdirSync(join(base, 'sub'));
    writeFileSync(join(base, 'src'), 'from src\n');
    for (const dest of ['f', 'sub/f', './sub/../g']) {
      const r = runShell(`s=src; ${writeFileCommand(dest, { mode: 0o600 }, 'cat < "$s"')}`, base);
      expect(r.rc, `${dest}: ${r.stderr}`).toBe(0);
      expect(readFileSync(join(base, dest), 'utf8')).toBe('from src\n');
    }
    // The validation runs where the new file is, which "$t" names.
    const v = runShell(writeFileCommand('sub/v', FILE, 'cat', 'grep -q ok "$t"'), base, 'ok\n');
    expect(v.rc, v.stderr).toBe(0);
    expect(readdirSync(join(base, 'sub')).sort()).toEqual(['f', 'v']);
  });

  it('fails as before, creating nothing, when the directory does not exist', () => {
    const base = realTempDir();
    const r = runShell(writeFileCommand(join(base, 'no', 'such', 'f'), FILE), '/', 'x\n');
    expect(r.rc).toBe(2);
    expect(r.stderr).toMatch(/can't cd to .*\/no\/such|Directory nonexistent/);
    expect(existsSync(join(base, 'no'))).toBe(false);
  });
});

describe('the walk, shared by backups, attribute changes, new directories and the read of in-place edits', () => {
  it('is POSIX shell (sh -n, dash -n) for absolute, relative and hostile paths', () => {
    const paths = ['/etc/x', 'x', 'sub/x', '-x/y', ...HOSTILE_NAMES.map((n) => `/tmp/${n}/${n}`)];
    const changes = { mode: 0o600, owner: 'a b', group: 'c', notes: [] };
    for (const path of paths) {
      const commands = [
        `${editedPathWalk(path, 'a b')}echo "$r"`,
        backupStep(path, new Date(), 'a b').command,
        entryAttributeCommand(path, changes, { asked: 'a b' }) ?? '',
        entryAttributeCommand(path, { group: 'c', notes: [] }, { follow: true }) ?? '',
        makeDirectoryCommand(path, path, 'a b:c'),
        atEntry(path, (e) => `cat ${e}`, { follow: true }),
      ];
      for (const command of commands) {
        for (const shell of ['sh', 'dash']) {
          const r = spawnSync(shell, ['-n', '-c', command]);
          expect(r.status, `${shell} ${path}: ${r.stderr}`).toBe(0);
        }
      }
    }
  });

  it('resolves a path as `realpath -m` does when every link on the way is ours (editedPathWalk)', () => {
    const base = realTempDir();
    mkdirSync(join(base, 'real', 'sub'), { recursive: true });
    writeFileSync(join(base, 'real', 'f'), 'x\n');
    symlinkSync('real', join(base, 'l1'));
    symlinkSync(join(base, 'l1', 'sub'), join(base, 'l2'));
    symlinkSync('../f', join(base, 'real', 'sub', 'up'));
    symlinkSync('l3', join(base, 'l3'));
    const paths = ['l1/f', 'l2/up', `${base}/l2/../f`, `${base}/l1/missing/../f`, `${base}/l1/no/such`, `${base}/l2/`, 'l2/up/', '.', '/'];
    for (const path of paths) {
      const r = runShell(`${editedPathWalk(path)}printf %s "\${r:-/}"`, base);
      const real = spawnSync('realpath', ['-m', '--', path], { cwd: base }).stdout.toString().trim();
      expect({ path, rc: r.rc, stderr: r.stderr, r: r.stdout }).toEqual({ path, rc: 0, stderr: '', r: real });
    }
    const loop = runShell(`${editedPathWalk(join(base, 'l3'))}echo "$r"`, '/');
    expect(loop).toMatchObject({ rc: 1, stdout: '', stderr: `${join(base, 'l3')}: too many levels of symbolic links on its way\n` });
  });

  it('makes missing directories one by one from the last existing one, and refuses one swapped for a link as it is made', () => {
    const base = realTempDir();
    mkdirSync(join(base, 'has'));
    symlinkSync('has', join(base, 'l'));
    for (const dir of [join(base, 'l', 'a', 'b'), 'rel/c', join(base, 'has'), `${base}/has/x/../y`]) {
      const r = runShell(makeDirectoryCommand(dir, dir), base);
      expect(r.rc, `${dir}: ${r.stderr}`).toBe(0);
    }
    // `..` after a missing directory is taken as `realpath -m` takes it: x/.. is nothing to make.
    expect(readdirSync(join(base, 'has')).sort()).toEqual(['a', 'y']);
    expect(readdirSync(join(base, 'has', 'a'))).toEqual(['b']);
    expect(existsSync(join(base, 'rel', 'c'))).toBe(true);
    // A file on the way: mkdir's own failure.
    writeFileSync(join(base, 'file'), '');
    expect(runShell(makeDirectoryCommand(join(base, 'file', 'd'), 'x'), '/').rc).not.toBe(0);
    // Swapped for a link between its mkdir and its cd (the race, made deterministic by a mkdir function).
    const target = realTempDir();
    const dir = join(base, 'new', 'deeper');
    const swap = `mkdir() { command mkdir "$@" && [ ! -e ${join(base, 'new.old')} ] && mv ${join(base, 'new')} ${join(base, 'new.old')} && ln -s ${target} ${join(base, 'new')}; }`;
    const r = runShell(`${swap}\n${makeDirectoryCommand(dir, dir)}`, '/');
    expect(r.rc).toBe(1);
    expect(r.stderr).toBe(
      `${dir}: ${join(base, 'new')} led to ${target} when entered, not to ${join(base, 'new')} as checked (a directory on its way was swapped for a link?): another user could choose where root writes; not written: run it again once nobody else can change the directories on its way\n`,
    );
    expect(readdirSync(target)).toEqual([]);
  });

  it('changes attributes through the file opened in its directory, following a link of ours only when asked to', () => {
    const base = realTempDir();
    writeFileSync(join(base, 'f'), 'x\n', { mode: 0o600 });
    chmodSync(join(base, 'f'), 0o600);
    symlinkSync('f', join(base, 'l'));
    const mode = (m: number) => entryAttributeCommand(join(base, 'l'), { mode: m, notes: [] }, { follow: true }) ?? '';
    expect(runShell(mode(0o640), '/')).toMatchObject({ rc: 0, stderr: '' });
    expect(statSync(join(base, 'f')).mode & 0o777).toBe(0o640);
    const noFollow = runShell(entryAttributeCommand(join(base, 'l'), { mode: 0o604, notes: [] }) ?? '', '/');
    expect(noFollow).toMatchObject({ rc: 1, stderr: `${join(base, 'l')} is a link now; not changed\n` });
    expect(statSync(join(base, 'f')).mode & 0o777).toBe(0o640);
    mkdirSync(join(base, 'd'));
    expect(runShell(entryAttributeCommand(join(base, 'd'), { mode: 0o700, notes: [] }) ?? '', '/')).toMatchObject({
      rc: 1,
      stderr: `${join(base, 'd')} is not a regular file now; not changed\n`,
    });
  });

  it('changes a directory by entering it, so a FIFO swapped in for it fails at once instead of blocking', () => {
    const base = realTempDir();
    const dir = join(base, 'd');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    const command = entryAttributeCommand(dir, { mode: 0o750, notes: [] }, { directory: true }) ?? '';
    expect(runShell(command, '/')).toMatchObject({ rc: 0, stderr: '' });
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    // Swapped for a FIFO after the checks, when it is entered (or opened: the old way blocked here).
    const swap = `cd() { [ "$3" != ./d ] || { rmdir ${dir} && mkfifo ${dir}; }; command cd "$@"; }`;
    const r = runShell(`${swap}\n${command}`, '/');
    expect(r.timedOut).toBe(false);
    expect(r).toMatchObject({ rc: 1, stderr: `${dir} is not a directory now; not changed\n` });
  });
});

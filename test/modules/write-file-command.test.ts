/**
 * writeFileCommand's way to dest's directory (enterDirectory): links on the way, a directory
 * swapped for a link while the command runs, and what must keep working (relative dests,
 * links of root's, a missing directory). The attacker's side, as another user, is in
 * write-path-security.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileCommand } from '../../src/modules/write-file-command.js';
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
    const swap = `cd() { [ -L ${dir} ] || { mv ${dir} ${dir}.old && ln -s ${target} ${dir}; }; command cd "$@"; }`;
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
    // Swapped after the cd (when the temporary file is made): the write does not follow the new link.
    const base = realTempDir();
    const target = realTempDir();
    writeFileSync(join(target, 'precious'), 'keep\n');
    const dir = join(base, 'd');
    mkdirSync(dir);
    const swap = `mktemp() { [ -L ${dir} ] || { mv ${dir} ${dir}.old && ln -s ${target} ${dir}; }; command mktemp "$@"; }`;
    const r = runShell(`${swap}\n${writeFileCommand(join(dir, 'precious'), FILE)}`, '/', 'new\n');
    expect(r.rc, r.stderr).toBe(0);
    expect(readFileSync(join(target, 'precious'), 'utf8')).toBe('keep\n');
    expect(readdirSync(target)).toEqual(['precious']);
    expect(readFileSync(join(`${dir}.old`, 'precious'), 'utf8')).toBe('new\n');
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
    const r = runShell(`SUDO_UID=${process.getuid?.() ?? 0}; export SUDO_UID; ${writeFileCommand(join(base, 'l', 'f'), FILE)}`, '/', 'x\n');
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

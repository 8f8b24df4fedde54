/**
 * The write path shared by copy, template, lineinfile, blockinfile and replace
 * (write-file-command.ts, backup-file.ts), with another local user as the attacker
 * (security review). These run as root, else they are skipped.
 */
import { chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupStep } from '../../src/modules/backup-file.js';
import { blockinfileModule } from '../../src/modules/blockinfile.js';
import { copyModule } from '../../src/modules/copy.js';
import { fileModule } from '../../src/modules/file.js';
import { lineinfileFactCommand, lineinfileModule } from '../../src/modules/lineinfile.js';
import type { ModuleDefinition } from '../../src/modules/module.js';
import type { ExecResult } from '../../src/transport/connection.js';
import { replaceModule, replaceReadCommand } from '../../src/modules/replace.js';
import { slurpModule } from '../../src/modules/slurp.js';
import { replacedFile, writeFileCommand } from '../../src/modules/write-file-command.js';
import { makeTempDir } from './fixtures.js';
import { type LocalRun, makeContext, runLocally, runShell } from './local-executor.js';

const OTHER = 65534;
const asRoot = process.getuid?.() === 0;

/** Runs a shell command as the attacker (uid 65534, no groups). */
function asAttacker(command: string): void {
  execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', command]);
}

/**
 * Runs a module as root (become) with its facts, then `between` (the attacker's move), then its
 * actions; the first failing action's stderr is the message.
 */
async function runRacing(module: ModuleDefinition<unknown>, args: Record<string, unknown>, between: () => void): Promise<{ failed: boolean; msg?: string }> {
  const ctx = makeContext({ become: true });
  const params = module.normalise ? module.normalise(args) : args;
  const facts: Record<string, ExecResult> = {};
  for (const f of module.facts?.(params, ctx) ?? []) facts[f.key] = runShell(f.command, '/', f.stdin);
  const plan = await module.plan(params, facts, ctx);
  if (plan.failed) return { failed: true, msg: `plan: ${plan.msg}` };
  between();
  for (const action of plan.actions) {
    if (action.kind !== 'exec') throw new Error(`unexpected ${action.kind} action`);
    const r = runShell(action.command, '/', action.stdin);
    if (r.rc !== 0) return { failed: true, msg: r.stderr };
  }
  return { failed: false };
}

/** The refusal a run ended with: its failing action's stderr, else its failing fact's (copy's fact walks dest too). */
function refusalOf(r: LocalRun): string {
  return (r.execs.at(-1) ?? Object.values(r.facts).find((f) => f.rc !== 0))?.stderr ?? '';
}

/** What root is said to do at a refusal: write (an action), or read and write (a fact, before anything is written). */
const WRITES = 'where root writes';
const READS_WRITES = 'what root reads and writes';

/**
 * A root-owned directory holding `precious` (0600, root's line) and a sticky world-writable
 * directory `open` in which the attacker linked `a` to it: `open/a/precious` reaches the file.
 */
function attackerLinkOnTheWay(): { target: string; precious: string; open: string } {
  const target = makeTempDir();
  const precious = join(target, 'precious');
  writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
  const open = realpathSync(makeTempDir());
  chmodSync(open, 0o1777);
  asAttacker(`ln -s ${target} ${open}/a`);
  return { target, precious, open };
}

/** The modules that edit a file in place, each with arguments that would change `precious`. */
const IN_PLACE_EDITS = [
  ['lineinfile', lineinfileModule, { line: 'evil::0:0::/root:/bin/sh' }],
  ['blockinfile', blockinfileModule, { block: 'evil::0:0::/root:/bin/sh' }],
  ['replace', replaceModule, { regexp: '^root:', replace: 'evil:' }],
] as const;

describe.skipIf(!asRoot)('the shared write path: another local user on the host (security review)', () => {
  it("does not write a backup through a link another user put at the backup's (predictable) name", async () => {
    const precious = join(makeTempDir(), 'precious');
    writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o644 });
    const home = makeTempDir();
    chownSync(home, OTHER, OTHER);
    const profile = join(home, 'profile');
    writeFileSync(profile, 'evil\n');
    chownSync(profile, OTHER, OTHER);
    // The attacker links every name the next minute's backup may take to the file to overwrite.
    const now = Date.now();
    for (let s = -2; s < 60; s++) {
      const link = backupStep(profile, new Date(now + s * 1000)).file;
      symlinkSync(precious, link);
      lchownSync(link, OTHER, OTHER);
    }
    for (const [module, args] of [
      [lineinfileModule, { line: 'export A=1' }],
      [replaceModule, { regexp: 'evil', replace: 'good' }],
    ] as const) {
      writeFileSync(profile, 'evil\n');
      const run = await runLocally(module as ModuleDefinition<unknown>, { ...args, path: profile, backup: true }, makeContext({ become: true }), home);
      expect(run.failed, run.msg).toBe(false);
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(statSync(precious).uid).toBe(0);
      const backup = (run.plan.returns!.backup_file ?? run.plan.returns!.backup) as string;
      expect(lstatSync(backup).isFile()).toBe(true);
      expect(readFileSync(backup, 'utf8')).toBe('evil\n');
      expect(statSync(backup).uid).toBe(OTHER);
    }
  });

  it('never writes, chowns or chmods through a link another user swaps in for the temporary file in their directory', () => {
    // The attacker owns dest's directory: between mktemp and the writes they can rename the new
    // file away and put a link at its name. Simulated by a source that does the swap itself.
    const precious = join(makeTempDir(), 'precious');
    writeFileSync(precious, 'keep\n', { mode: 0o600 });
    const home = makeTempDir();
    chownSync(home, OTHER, OTHER);
    const dest = join(home, 'authorized_keys');
    const swap = `{ set +f; for x in ${home}/.tpx-*; do mv -f -- "$x" ${home}/moved; ln -s ${precious} "$x"; done; cat; }`;
    const r = runShell(writeFileCommand(dest, { mode: 0o644, owner: `${OTHER}:${OTHER}` }, swap), '/', 'ssh-ed25519 AAAA\n');
    expect(readFileSync(precious, 'utf8')).toBe('keep\n');
    expect(statSync(precious).uid).toBe(0);
    expect(statSync(precious).mode & 0o777).toBe(0o600);
    expect(r.rc === 0 ? readFileSync(join(home, 'moved'), 'utf8') : '').toMatch(/^(ssh-ed25519 AAAA\n)?$/);
  });

  it('does not replace a file another user put in a world-writable directory, keeping their owner and mode', async () => {
    const dir = makeTempDir();
    chmodSync(dir, 0o1777);
    const dest = join(dir, 'app.conf');
    for (const planted of ['file', 'link'] as const) {
      const theirs = join(makeTempDir(), 'theirs');
      writeFileSync(theirs, 'planted\n', { mode: 0o666 });
      chownSync(theirs, OTHER, OTHER);
      runShell(`rm -f ${dest}`, '/');
      if (planted === 'file') {
        writeFileSync(dest, 'planted\n', { mode: 0o666 });
        chmodSync(dest, 0o666);
        chownSync(dest, OTHER, OTHER);
      } else {
        symlinkSync(theirs, dest);
        lchownSync(dest, OTHER, OTHER);
      }
      const r = await runLocally(copyModule, { content: 'password=s3cret\n', dest }, makeContext({ become: true }), dir);
      expect(r.failed, planted).toBe(true);
      expect(r.msg).toMatch(/belongs to uid 65534 in a world-writable directory/);
      expect(readFileSync(dest, 'utf8')).toBe('planted\n');
      expect(readdirSync(dir)).toEqual(['app.conf']);
    }
    // Unless the task asks for that very owner.
    const owned = await runLocally(copyModule, { content: 'password=s3cret\n', dest, owner: String(OTHER) }, makeContext({ become: true }), dir);
    expect(owned.failed, owned.msg).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('password=s3cret\n');
  });

  it('still keeps the owner of a file replaced in a directory nobody else writes, as Ansible does', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'f');
    writeFileSync(dest, 'a\n', { mode: 0o640 });
    chownSync(dest, OTHER, OTHER);
    const r = await runLocally(copyModule, { content: 'b\n', dest }, makeContext({ become: true }), dir);
    expect(r.failed, r.msg).toBe(false);
    expect(statSync(dest)).toMatchObject({ uid: OTHER, gid: OTHER });
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    mkdirSync(join(dir, 'sub'));
    expect(replacedFile({}, { type: 'absent', payload: '' }, true).owner).toBeUndefined();
  });

  it.each(IN_PLACE_EDITS)("does not follow another user's link in a world-writable directory to the file %s edits", async (name, module, args) => {
    const precious = join(makeTempDir(), 'precious');
    const dir = makeTempDir();
    chmodSync(dir, 0o1777);
    for (const way of ['link', 'through a link of ours'] as const) {
      writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
      chmodSync(precious, 0o600);
      runShell(`rm -f ${dir}/app.conf ${dir}/ours`, '/');
      // The attacker plants a link to the file they want root to edit.
      asAttacker(`ln -s ${precious} ${dir}/app.conf`);
      // Or root's own link leads through theirs.
      if (way !== 'link') symlinkSync(join(dir, 'app.conf'), join(dir, 'ours'));
      const path = join(dir, way === 'link' ? 'app.conf' : 'ours');
      const r = await runLocally(module as ModuleDefinition<unknown>, { ...args, path }, makeContext({ become: true }), dir);
      expect(r.failed, `${name} ${way}`).toBe(true);
      expect(r.msg).toBe(
        `${join(dir, 'app.conf')} belongs to uid 65534 in a world-writable directory: another user may have put it there, and it is not followed, replaced or changed; remove it, or choose a directory only trusted users can write`,
      );
      expect(r.execs).toEqual([]);
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(statSync(precious).mode & 0o777).toBe(0o600);
      expect(statSync(precious).uid).toBe(0);
    }
  });

  it("still follows a link in a world-writable directory that is the task user's own, as Ansible does", async () => {
    const precious = join(makeTempDir(), 'precious');
    const dir = makeTempDir();
    chmodSync(dir, 0o1777);
    const link = join(dir, 'app.conf');
    symlinkSync(precious, link);
    for (const [name, module, args] of IN_PLACE_EDITS) {
      writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
      const r = await runLocally(module as ModuleDefinition<unknown>, { ...args, path: link }, makeContext({ become: true }), dir);
      expect(r.failed, `${name}: ${r.msg}`).toBe(false);
      expect(readFileSync(precious, 'utf8'), name).toContain('evil:');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    }
    // Another user's link to root's file is not, even in a directory only root writes (it was
    // made there when the directory was theirs, or their group's: the review's case).
    const shared = makeTempDir();
    const theirs = join(shared, 'theirs');
    symlinkSync(precious, theirs);
    lchownSync(theirs, OTHER, OTHER);
    writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n');
    const r = await runLocally(lineinfileModule, { path: theirs, line: 'evil:' }, makeContext({ become: true }), shared);
    expect(r.failed).toBe(true);
    expect(r.msg).toBe(
      `${theirs}: the link ${realpathSync(shared)}/theirs belongs to uid 65534 and leads to a file that is not theirs: another user could choose what root reads and writes; remove the link, or give the path without it`,
    );
    expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
  });

  it("does not follow another user's link at the file's name to a file not theirs (their .profile linked to a root file)", async () => {
    const precious = join(makeTempDir(), 'precious');
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    const profile = join(home, '.profile');
    asAttacker(`ln -s ${precious} ${profile}`);
    const refusal = (why: string): string =>
      `${profile}: the link ${profile} belongs to uid 65534 and leads to a file that is not theirs: another user could choose ${why}; remove the link, or give the path without it`;
    const untouched = (): void => {
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(statSync(precious)).toMatchObject({ uid: 0, gid: 0 });
      expect(statSync(precious).mode & 0o777).toBe(0o600);
    };
    for (const [name, module, args] of IN_PLACE_EDITS) {
      for (const extra of [{}, { owner: String(OTHER) }]) {
        writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
        const r = await runLocally(module as ModuleDefinition<unknown>, { ...args, ...extra, path: profile }, makeContext({ become: true }), '/');
        expect(r.failed, name).toBe(true);
        expect(r.msg, name).toBe(refusal('what root reads and writes'));
        expect(r.execs).toEqual([]);
        untouched();
      }
    }
    // Nor are its attributes changed through it (file follows a link at path, copy with the same content).
    for (const [module, args] of [
      [fileModule, { path: profile, owner: String(OTHER), mode: '0644' }],
      [copyModule, { content: 'root:x:0:0::/root:/bin/sh\n', dest: profile, owner: String(OTHER) }],
    ] as const) {
      const r = await runLocally(module as ModuleDefinition<unknown>, args, makeContext({ become: true }), '/');
      expect(r.failed, module.name).toBe(true);
      expect(refusalOf(r), module.name).toBe(`${refusal(module === copyModule ? READS_WRITES : WRITES)}\n`);
      untouched();
    }
    // Nor is it read for copy's or template's --diff (their fact walked nothing: third review).
    writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
    const diff = await runLocally(copyModule, { content: 'x\n', dest: profile }, makeContext({ become: true, diff: true }), '/');
    expect(diff.failed).toBe(true);
    expect(JSON.stringify(diff.facts)).not.toContain('root:x');
    expect(diff.plan.diff).toBeUndefined();
    // Their link to a file of their own (a dotfiles checkout) is followed, as Ansible follows it.
    asAttacker(`printf 'a\\n' > ${home}/dotfile && ln -s dotfile ${home}/.bashrc`);
    const r = await runLocally(lineinfileModule, { path: join(home, '.bashrc'), line: 'export A=1' }, makeContext({ become: true }), '/');
    expect(r.failed, r.msg).toBe(false);
    expect(readFileSync(join(home, 'dotfile'), 'utf8')).toBe('a\nexport A=1\n');
    expect(statSync(join(home, 'dotfile')).uid).toBe(OTHER);
    expect(lstatSync(join(home, '.bashrc')).isSymbolicLink()).toBe(true);
  });

  it("does not move the new file into a directory another user's link at dest leads to", () => {
    // Their .profile, swapped for a link to a root directory once the task decided to replace
    // it (here: before the write starts): `mv` would have put the new file inside that directory.
    const rootDir = makeTempDir();
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    const profile = join(home, '.profile');
    asAttacker(`ln -s ${rootDir} ${profile}`);
    const r = runShell(writeFileCommand(profile, { mode: 0o600, owner: String(OTHER) }), '/', 'x\n');
    // GNU mv -T replaces the link itself, as a write replaces any link at dest.
    expect(r.rc, r.stderr).toBe(0);
    expect(readdirSync(rootDir)).toEqual([]);
    expect(readdirSync(home)).toEqual(['.profile']);
    expect(lstatSync(profile).isFile()).toBe(true);
    expect(readFileSync(profile, 'utf8')).toBe('x\n');
    expect(statSync(profile)).toMatchObject({ uid: OTHER, mode: 0o100600 });
    // A real directory at dest is refused, not written into.
    runShell(`rm -f ${profile} && mkdir ${profile}`, '/');
    const dir = runShell(writeFileCommand(profile, { mode: 0o600 }), '/', 'x\n');
    expect(dir.rc).toBe(1);
    // GNU mv's own word for it (where mv has no -T, tpx's: "… is a directory, or a link to one").
    expect(dir.stderr).toBe("mv: cannot overwrite directory './.profile' with non-directory\n");
    // An mv without -T (a stand-in, named so: BusyBox's or BSD's): a directory at dest is refused first.
    const noT = `mv() { case $1 in -fT | --version) echo "mv: unrecognized option" >&2; return 1 ;; esac; command mv "$@"; }`;
    const old = runShell(`${noT}\n${writeFileCommand(profile, { mode: 0o600 })}`, '/', 'x\n');
    expect(old.rc).toBe(1);
    expect(old.stderr).toBe(`${profile} is a directory, or a link to one: not replaced\n`);
    expect(readdirSync(profile)).toEqual([]);
  });

  it('reads the file an edit checked, not one another user swaps in after the walk (lineinfile, blockinfile, replace)', () => {
    // Their .profile, swapped for their link to a root file once the walk has passed: made
    // deterministic by a shell function run at a step after the walk (the review's race).
    const secret = join(makeTempDir(), 'secret');
    writeFileSync(secret, 'root only\n', { mode: 0o600 });
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    const profile = join(home, '.profile');
    const reset = (): void => {
      runShell(`rm -f ${profile}`, '/');
      asAttacker(`printf 'mine\\n' > ${profile}`);
    };
    const swap = `[ -L ${profile} ] || { rm -f ${profile} && ln -s ${secret} ${profile} && chown -h ${OTHER} ${profile}; }`;
    const fact = lineinfileFactCommand({ path: profile });
    // At the step after the file was opened (printf): what was opened is read, their file.
    reset();
    const after = runShell(`printf() { ${swap}; command printf "$@"; }\n${fact}`, '/');
    expect(after.rc, after.stderr).toBe(0);
    expect(after.stdout).toContain('mine');
    expect(after.stdout).not.toContain('root only');
    // At the directory's entry (cd), before it is opened: refused.
    reset();
    const before = runShell(`cd() { [ "$2" = . ] || ${swap}; command cd "$@"; }\n${fact}`, '/');
    expect(before.rc).toBe(1);
    expect(before.stderr).toBe(
      `${profile}: ${profile} was swapped for a link after it was checked: another user could choose what root reads and writes; not read: run it again once nobody else can change it\n`,
    );
    expect(before.stdout).not.toContain('root only');
    // replace's host program, started from / after the walk, reads the file that was opened.
    reset();
    const replaced = runShell(
      `cd() { [ "$1" != / ] || [ -z "\${r+x}" ] || ${swap}; command cd "$@"; }\n${replaceReadCommand({ path: profile })}`,
      '/',
      JSON.stringify({ path: profile, regexp: 'i', replace: 'I', encoding: 'utf-8', max: 1000, diff: true }),
    );
    expect(replaced.rc, replaced.stderr).toBe(0);
    const answer = JSON.parse(replaced.stdout.split('\n')[1]) as { new?: string; old?: string };
    expect(Buffer.from(answer.old ?? '', 'base64').toString()).toBe('mine\n');
    expect(replaced.stdout).not.toContain(Buffer.from('root only\n').toString('base64'));
    expect(readFileSync(secret, 'utf8')).toBe('root only\n');
  });

  it("backs up the file it opened, never what another user's link at the name or on its way points to (third and fourth reviews)", () => {
    // A file readable by mode in a directory only root can enter: a backup in the user's home
    // would hand it to them.
    const closed = makeTempDir();
    chmodSync(closed, 0o700);
    const secret = join(closed, 'secret');
    writeFileSync(secret, 'root only\n', { mode: 0o644 });
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    const f = join(home, 'f');
    const backups = (): string[] => readdirSync(home).filter((n) => n.startsWith('f.'));
    const step = backupStep(f, new Date(2026, 0, 2, 3, 4, 5));
    // Swapped for their link once the checks have passed (when cp starts): the opened file is copied.
    asAttacker(`printf 'mine\\n' > ${f}`);
    const swap = `cp() { rm -f ${f} && ln -s ${secret} ${f} && chown -h ${OTHER} ${f}; command cp "$@"; }`;
    const r = runShell(`${swap}\n${step.command}`, '/');
    expect(r.rc, r.stderr).toBe(0);
    expect(backups()).toHaveLength(1);
    expect(readFileSync(join(home, backups()[0]), 'utf8')).toBe('mine\n');
    // Root's own link at the name, through a directory of theirs (an earlier `file: state=link`
    // made ~/.vimrc -> dotfiles/vimrc): the file it led to when opened is copied, not the link to
    // the closed file they rename over vimrc meanwhile (fourth review).
    const dotfiles = join(home, 'dotfiles');
    asAttacker(`mkdir ${dotfiles} && printf 'set nu\\n' > ${dotfiles}/vimrc && ln -s ${secret} ${dotfiles}/evil`);
    const vimrc = join(home, '.vimrc');
    symlinkSync('dotfiles/vimrc', vimrc);
    const viaRoot = backupStep(vimrc, new Date(2026, 0, 2, 3, 4, 5));
    const rename = `cp() { mv -f ${dotfiles}/evil ${dotfiles}/vimrc; command cp "$@"; }`;
    const through = runShell(`${rename}\n${viaRoot.command}`, '/');
    expect(through.rc, through.stderr).toBe(0);
    expect(readFileSync(viaRoot.file, 'utf8')).toBe('set nu\n');
    runShell(`rm -rf ${viaRoot.file} ${dotfiles} ${vimrc}`, '/');
    // Their link there from the start: refused.
    runShell(`rm -f ${join(home, backups()[0])}`, '/');
    const linked = runShell(step.command, '/');
    expect(linked.rc).toBe(1);
    expect(linked.stderr).toBe(
      `${f}: the link ${f} belongs to uid 65534 and leads to a file that is not theirs: another user could choose where root writes; remove the link, or give the path without it\n`,
    );
    expect(backups()).toEqual([]);
  });

  it('refuses, never reads, when the name changes under the walk or appears after it was opened (second review)', () => {
    const secret = join(makeTempDir(), 'secret');
    writeFileSync(secret, 'root only\n', { mode: 0o600 });
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    const profile = join(home, '.profile');
    const plant = `ln -s ${secret} ${profile} && chown -h ${OTHER} ${profile}`;
    const fact = lineinfileFactCommand({ path: profile });
    // Their link at the name vanishes while the walk asks whose it is, and is back for readlink.
    runShell(`rm -f ${profile} && ${plant}`, '/');
    const vanished = runShell(`ls() { if [ "$3" = ${profile} ]; then rm -f ${profile}; command ls "$@"; ${plant}; else command ls "$@"; fi; }\n${fact}`, '/');
    expect(vanished.rc).toBe(1);
    expect(vanished.stderr).toContain(
      `${profile}: ${profile} changed while it was checked: another user could choose what root reads and writes; run it again once nobody else can change it\n`,
    );
    expect(vanished.stdout).not.toContain('root only');
    // Missing when the name was opened, their link to the secret by the time its state is read.
    runShell(`rm -f ${profile}`, '/');
    const appeared = runShell(`printf() { [ -L ${profile} ] || ${plant}; command printf "$@"; }\n${fact}`, '/');
    expect(appeared.rc).toBe(1);
    expect(appeared.stderr).toBe(
      `${profile}: it became a regular file after it was checked: another user could choose what root reads and writes; not read: run it again once nobody else can change it\n`,
    );
    expect(appeared.stdout).not.toContain('root only');
  });

  it("does not write through another user's link on the way to dest (a link to a root directory in /tmp, or in their home)", async () => {
    // The attacker links a name in /tmp (or their own directory) to a directory of root's; a task writes below that name.
    const target = makeTempDir();
    const precious = join(target, 'precious');
    const open = realpathSync(makeTempDir());
    chmodSync(open, 0o1777);
    const home = realpathSync(makeTempDir());
    chownSync(home, OTHER, OTHER);
    for (const where of [open, home]) {
      asAttacker(`ln -s ${target} ${where}/a`);
      for (const name of ['precious', 'new.conf']) {
        writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
        const dest = join(where, 'a', name);
        const r = await runLocally(copyModule, { content: 'evil::0:0::/root:/bin/sh\n', dest }, makeContext({ become: true }), '/');
        expect(r.failed, dest).toBe(true);
        expect(r.execs).toEqual([]);
        expect(refusalOf(r)).toBe(
          `${dest}: the link ${where}/a on its way belongs to uid 65534: another user could choose ${READS_WRITES}; remove the link, or give the path without it\n`,
        );
        expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
        expect(statSync(precious).uid).toBe(0);
        expect(statSync(precious).mode & 0o777).toBe(0o600);
        expect(readdirSync(target)).toEqual(['precious']);
      }
    }
  });

  // Was a KNOWN GAP: these modules' fact resolved the path with `realpath -m` (through any
  // link) and handed writeFileCommand a path with no link left on it. Now the fact walks the
  // path as writeFileCommand does (editedPathWalk), before anything is read.
  it.each(IN_PLACE_EDITS)("does not write through another user's link on the way to the file %s edits", async (name, module, args) => {
    const { target, precious, open } = attackerLinkOnTheWay();
    // Given through the link, or through a link of root's that leads through it.
    symlinkSync(join(open, 'a', 'precious'), join(open, 'ours'));
    for (const path of [join(open, 'a', 'precious'), join(open, 'ours')]) {
      for (const extra of [{}, { backup: true }, { mode: '0666' }]) {
        const r = await runLocally(module as ModuleDefinition<unknown>, { ...args, ...extra, path }, makeContext({ become: true }), '/');
        expect(r.failed, `${name} ${path}`).toBe(true);
        expect(r.msg).toBe(
          `${path}: the link ${open}/a on its way belongs to uid 65534: another user could choose what root reads and writes; remove the link, or give the path without it`,
        );
        expect(r.execs).toEqual([]);
        // Nor was it read on the way (replace's host program used to read it before the walk refused).
        for (const [key, fact] of Object.entries(r.facts)) {
          expect(fact.rc, `${name} ${key}`).toBe(1);
          expect(fact.stdout, `${name} ${key}`).not.toMatch(/root:x|cm9vdDp4/);
        }
        expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
        expect(statSync(precious).uid).toBe(0);
        expect(statSync(precious).mode & 0o777).toBe(0o600);
        expect(readdirSync(target)).toEqual(['precious']);
      }
    }
  });

  it("does not chmod or chown through another user's link on the way when only the attributes differ (copy, copy remote_src)", async () => {
    const { target, precious, open } = attackerLinkOnTheWay();
    const src = join(makeTempDir(), 'src');
    writeFileSync(src, 'root:x:0:0::/root:/bin/sh\n');
    const dest = join(open, 'a', 'precious');
    for (const args of [
      { content: 'root:x:0:0::/root:/bin/sh\n', dest, mode: '0666' },
      { content: 'root:x:0:0::/root:/bin/sh\n', dest, owner: String(OTHER) },
      { src, remote_src: true, dest, mode: '0666' },
      { src, remote_src: true, dest, group: String(OTHER) },
    ]) {
      writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
      const r = await runLocally(copyModule, args, makeContext({ become: true }), '/');
      expect(r.failed, JSON.stringify(args)).toBe(true);
      // remote_src's fact reads the source; copy's walks dest and refuses before any action.
      expect(r.plan.actions).toHaveLength('remote_src' in args ? 1 : 0);
      expect(refusalOf(r)).toBe(
        `${dest}: the link ${open}/a on its way belongs to uid 65534: another user could choose ${'remote_src' in args ? WRITES : READS_WRITES}; remove the link, or give the path without it\n`,
      );
      expect(statSync(precious).mode & 0o777).toBe(0o600);
      expect(statSync(precious)).toMatchObject({ uid: 0, gid: 0 });
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(readdirSync(target)).toEqual(['precious']);
    }
  });

  it("does not chmod or chown a file or directory through another user's link on the way (file)", async () => {
    const { target, precious, open } = attackerLinkOnTheWay();
    const dir = join(target, 'dir');
    mkdirSync(dir, { mode: 0o700 });
    for (const args of [
      { path: join(open, 'a', 'precious'), mode: '0666' },
      { path: join(open, 'a', 'precious'), state: 'file', owner: String(OTHER) },
      { path: join(open, 'a', 'dir'), state: 'directory', mode: '0777' },
      { path: join(open, 'a', 'dir'), state: 'directory', group: String(OTHER) },
    ]) {
      const r = await runLocally(fileModule, args, makeContext({ become: true }), '/');
      expect(r.failed, JSON.stringify(args)).toBe(true);
      expect(r.execs.at(-1)?.stderr).toBe(
        `${args.path}: the link ${open}/a on its way belongs to uid 65534: another user could choose where root writes; remove the link, or give the path without it\n`,
      );
    }
    expect(statSync(precious).mode & 0o777).toBe(0o600);
    expect(statSync(precious)).toMatchObject({ uid: 0, gid: 0 });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dir)).toMatchObject({ uid: 0, gid: 0 });
    // The same change by a path of root's own is made, on the file and on the directory.
    const own = await runLocally(fileModule, { path: precious, mode: '0640', owner: String(OTHER) }, makeContext({ become: true }), '/');
    expect(own.failed).toBe(false);
    expect(statSync(precious)).toMatchObject({ uid: OTHER, mode: 0o100640 });
    const ownDir = await runLocally(fileModule, { path: dir, state: 'directory', mode: '0750' }, makeContext({ become: true }), '/');
    expect(ownDir.failed).toBe(false);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
  });

  it("makes no backup through another user's link on the way (copy, copy remote_src)", async () => {
    const { target, precious, open } = attackerLinkOnTheWay();
    const src = join(makeTempDir(), 'src');
    writeFileSync(src, 'evil::0:0::/root:/bin/sh\n');
    const dest = join(open, 'a', 'precious');
    for (const args of [
      { content: 'evil::0:0::/root:/bin/sh\n', dest, backup: true },
      { src, remote_src: true, dest, backup: true },
    ]) {
      const r = await runLocally(copyModule, args, makeContext({ become: true }), '/');
      expect(r.failed, JSON.stringify(args)).toBe(true);
      expect(refusalOf(r)).toBe(
        `${dest}: the link ${open}/a on its way belongs to uid 65534: another user could choose ${'remote_src' in args ? WRITES : READS_WRITES}; remove the link, or give the path without it\n`,
      );
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(statSync(precious).mode & 0o777).toBe(0o600);
      expect(statSync(precious).uid).toBe(0);
      expect(readdirSync(target)).toEqual(['precious']);
    }
  });

  it.each(IN_PLACE_EDITS.slice(0, 2))(
    "makes no directory through another user's link that takes a missing directory's name after the fact (%s, create: true)",
    async (name, module, args) => {
      const target = makeTempDir();
      const open = realpathSync(makeTempDir());
      chmodSync(open, 0o1777);
      const path = join(open, 'a', 'sub', 'new.conf');
      // The fact finds no `a`; the attacker puts their link there before the write.
      const r = await runRacing(module as ModuleDefinition<unknown>, { ...args, path, create: true }, () => asAttacker(`ln -s ${target} ${open}/a`));
      expect(r.failed, name).toBe(true);
      expect(r.msg).toBe(
        `${path}: the link ${open}/a on its way belongs to uid 65534: another user could choose where root writes; remove the link, or give the path without it\n`,
      );
      expect(readdirSync(target)).toEqual([]);
    },
  );

  it.each(IN_PLACE_EDITS)(
    'changes no mode through a link another user swaps in for the file %s edits, in their directory, after the fact',
    async (name, module, args) => {
      const precious = join(makeTempDir(), 'precious');
      writeFileSync(precious, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
      const home = realpathSync(makeTempDir());
      chownSync(home, OTHER, OTHER);
      const path = join(home, 'profile');
      // Content the edit leaves as it is: only the mode is changed.
      const content =
        name === 'lineinfile'
          ? 'evil::0:0::/root:/bin/sh\n'
          : name === 'blockinfile'
            ? '# BEGIN ANSIBLE MANAGED BLOCK\nevil::0:0::/root:/bin/sh\n# END ANSIBLE MANAGED BLOCK\n'
            : 'evil:\n';
      writeFileSync(path, content, { mode: 0o644 });
      chownSync(path, OTHER, OTHER);
      const swap = () => asAttacker(`mv ${path} ${home}/moved && ln -s ${precious} ${path}`);
      const r = await runRacing(module as ModuleDefinition<unknown>, { ...args, path, mode: '0666' }, swap);
      expect(r.failed, `${name}: ${r.msg}`).toBe(true);
      expect(r.msg).toBe(`${path} is a link now; not changed\n`);
      expect(statSync(precious).mode & 0o777).toBe(0o600);
      expect(readFileSync(precious, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect(statSync(join(home, 'moved')).mode & 0o777).toBe(0o644);
    },
  );

  it("still follows root's links on the way for every module: edits, backups, new files and their directories, attributes", async () => {
    const target = makeTempDir();
    const open = realpathSync(makeTempDir());
    chmodSync(open, 0o1777);
    symlinkSync(target, join(open, 'a'));
    const file = join(target, 'f');
    const via = join(open, 'a', 'f');
    const become = makeContext({ become: true });
    const ok = async (module: ModuleDefinition<unknown>, args: Record<string, unknown>): Promise<LocalRun> => {
      const r = await runLocally(module, args, become, '/');
      expect(r.failed, `${module.name} ${JSON.stringify(args)}: ${r.msg}`).toBe(false);
      expect(r.plan.changed, `${module.name} ${JSON.stringify(args)}`).toBe(true);
      return r;
    };
    for (const [name, module, args] of IN_PLACE_EDITS) {
      writeFileSync(file, 'root:x:0:0::/root:/bin/sh\n', { mode: 0o600 });
      chmodSync(file, 0o600);
      const edited = await ok(module as ModuleDefinition<unknown>, { ...args, path: via, backup: true });
      expect(readFileSync(file, 'utf8'), name).toContain('evil:');
      const backup = (edited.plan.returns?.backup_file ?? edited.plan.returns?.backup) as string;
      expect(backup.startsWith(`${target}/f.`), name).toBe(true);
      expect(readFileSync(backup, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      await ok(module as ModuleDefinition<unknown>, { ...args, path: via, mode: '0640' });
      expect(statSync(file).mode & 0o777, name).toBe(0o640);
      runShell(`rm -rf ${target}/*`, '/');
      if (name !== 'replace') {
        await ok(module as ModuleDefinition<unknown>, { ...args, path: join(open, 'a', 'new', 'sub', 'f'), create: true });
        expect(readFileSync(join(target, 'new', 'sub', 'f'), 'utf8'), name).toContain('evil:');
        runShell(`rm -rf ${target}/*`, '/');
      }
    }
    const src = join(makeTempDir(), 'src');
    writeFileSync(src, 'new\n');
    for (const args of [{ content: 'new\n' }, { src, remote_src: true }]) {
      writeFileSync(file, 'old\n', { mode: 0o600 });
      chmodSync(file, 0o600);
      const copied = await ok(copyModule, { ...args, dest: via, backup: true });
      expect(readFileSync(file, 'utf8')).toBe('new\n');
      expect(readFileSync(copied.plan.returns?.backup_file as string, 'utf8')).toBe('old\n');
      await ok(copyModule, { ...args, dest: via, mode: '0640' });
      expect(statSync(file).mode & 0o777).toBe(0o640);
      runShell(`rm -rf ${target}/*`, '/');
    }
    // copy remote_src makes dest's missing directories through it too.
    await ok(copyModule, { src, remote_src: true, dest: `${join(open, 'a', 'new', 'sub')}/`, group: 'daemon' });
    expect(readFileSync(join(target, 'new', 'sub', 'src'), 'utf8')).toBe('new\n');
    // And copy follows a link of ours at dest to set the attributes of the file it leads to.
    writeFileSync(file, 'new\n', { mode: 0o600 });
    symlinkSync(via, join(open, 'ours'));
    await ok(copyModule, { content: 'new\n', dest: join(open, 'ours'), mode: '0604' });
    expect(statSync(file).mode & 0o777).toBe(0o604);
    expect(lstatSync(join(open, 'ours')).isSymbolicLink()).toBe(true);
  });

  it("still follows a link of root's on the way to dest, in /tmp as elsewhere (/var/run -> /run)", async () => {
    const target = makeTempDir();
    const open = makeTempDir();
    chmodSync(open, 0o1777);
    symlinkSync(target, join(open, 'a'));
    symlinkSync('a', join(open, 'b'));
    for (const dest of [join(open, 'a', 'app.conf'), join(open, 'b', 'app.conf')]) {
      const r = await runLocally(copyModule, { content: `${dest}\n`, dest, mode: '0640' }, makeContext({ become: true }), '/');
      expect(r.failed, r.msg).toBe(false);
      expect(readFileSync(join(target, 'app.conf'), 'utf8')).toBe(`${dest}\n`);
      expect(statSync(join(target, 'app.conf')).mode & 0o777).toBe(0o640);
    }
    expect(lstatSync(join(open, 'a')).isSymbolicLink()).toBe(true);
    expect(readdirSync(target)).toEqual(['app.conf']);
  });

  it("does not hang on a FIFO another user put at slurp's src", async () => {
    const dir = makeTempDir();
    chmodSync(dir, 0o1777);
    asAttacker(`mkfifo ${dir}/data`);
    const started = Date.now();
    const r = await runLocally(slurpModule, { src: join(dir, 'data') }, makeContext({ become: true }), dir);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.failed).toBe(true);
    expect(r.msg).toBe(`source is a fifo and must be a regular file: ${join(dir, 'data')}`);
  });
});

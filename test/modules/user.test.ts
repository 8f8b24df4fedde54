import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { normaliseUser, type UserParams, userModule } from '../../src/modules/user.js';
import { expiryDate, referencedGroups, useraddArgv, userdelArgv, userFactScript } from '../../src/modules/user-facts.js';
import { createHomeCommand, planUser } from '../../src/modules/user-plan.js';
import { execResult, HOSTILE_NAMES } from './fixtures.js';
import { makeContext } from './local-executor.js';

/** The command parses as POSIX sh (dash -n) and passes shellcheck where it is installed (CI installs it). */
function expectValidSh(script: string): void {
  expect(spawnSync('dash', ['-n'], { input: script }).status).toBe(0);
  const sc = spawnSync('shellcheck', ['-s', 'dash', '-S', 'warning', '-'], { input: script, encoding: 'utf8' });
  if (sc.error === undefined) expect(sc.stdout).toBe('');
}

const HASH = '$6$salt$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ./abcdefghijklmnopqrstuvwxyz01234567';
const base = normaliseUser({ name: 'tpxu' });

describe('user: parameters', () => {
  it("reads Ansible's names, aliases, types and defaults", () => {
    expect(base).toEqual({
      name: 'tpxu',
      state: 'present',
      uid: undefined,
      nonUnique: false,
      group: undefined,
      groups: undefined,
      append: false,
      comment: undefined,
      home: undefined,
      createHome: true,
      moveHome: false,
      skeleton: undefined,
      shell: undefined,
      system: false,
      password: undefined,
      updatePassword: 'always',
      expires: undefined,
      remove: false,
      force: false,
    });
    expect(
      normaliseUser({ user: 'tpxu', uid: '1500', groups: 'adm, sudo', createhome: 'no', expires: '-1', update_password: 'on_create', group: 100 }),
    ).toMatchObject({ name: 'tpxu', uid: 1500, groups: ['adm', 'sudo'], createHome: false, expires: -1, updatePassword: 'on_create', group: '100' });
    expect(normaliseUser({ name: 'tpxu', groups: [] }).groups).toEqual([]);
    expect(normaliseUser({ name: 'tpxu', groups: '' }).groups).toEqual([]);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'name' is required/],
    [{ name: 'tpxu', user: 'other' }, /same parameter/],
    [{ name: 'tpxu', home: 'relative' }, /'home' must be an absolute path/],
    [{ name: 'tpxu', home: '/a:b' }, /'home' must be an absolute path without ':'/],
    [{ name: 'tpxu', comment: 'a:b' }, /'comment' cannot hold ':'/],
    [{ name: 'tpxu', shell: '/bin/sh\n' }, /'shell' cannot hold ':' or a newline/],
    [{ name: 'tpxu', password: 'a\nb' }, /'password' must be a crypted hash/],
    [{ name: 'tpxu', expires: 'soon' }, /'expires' must be a number/],
    [{ name: 'tpxu', groups: ['ok', '$(x)'] }, /'groups' must be a user or group name/],
    [{ name: 'tpxu', local: true }, /'local: true' .* is not supported/],
    [{ name: 'tpxu', generate_ssh_key: true }, /'generate_ssh_key' is not supported by tpx yet/],
    [{ name: 'tpxu', password_lock: true }, /'password_lock' is not supported by tpx yet/],
    [{ name: 'tpxu', shel: '/bin/sh' }, /unsupported parameter 'shel' \(did you mean 'shell'\?\)/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseUser(args)).toThrow(message);
  });

  it.each(HOSTILE_NAMES)('refuses the name %j', (name) => {
    expect(() => normaliseUser({ name })).toThrow(/'name' must be a user or group name/);
  });
});

describe('user: the host program', () => {
  const full: UserParams = {
    ...base,
    uid: 1500,
    nonUnique: true,
    group: 'staff',
    groups: ['adm', '', 'adm', 'sudo'],
    comment: 'Tee Px',
    home: '/srv/tpxu',
    shell: '/bin/bash',
    expires: 1893456000,
    system: true,
    skeleton: '/etc/skel2',
  };

  it("builds useradd's and userdel's arguments in Ansible's order", () => {
    expect(useraddArgv(full)).toEqual([
      'useradd',
      '-u',
      '1500',
      '-o',
      '-g',
      'staff',
      '-G',
      'adm,sudo',
      '-c',
      'Tee Px',
      '-d',
      '/srv/tpxu',
      '-s',
      '/bin/bash',
      '-e',
      '2030-01-01',
      '-m',
      '-k',
      '/etc/skel2',
      '-r',
    ]);
    expect(useraddArgv({ ...base, createHome: false, expires: -5 })).toEqual(['useradd', '-e', '', '-M']);
    expect(userdelArgv({ ...base, force: true, remove: true })).toEqual(['userdel', '-f', '-r', 'tpxu']);
    expect(referencedGroups(full)).toEqual(['staff', 'adm', 'sudo']);
    expect(expiryDate(0)).toBe('1970-01-01');
  });

  it('keeps the hash off the command line: it is stdin, read by the shell and given to chpasswd by printf', () => {
    const p = { ...base, password: HASH };
    const fact = userFacts(p, false);
    expect(fact.command).not.toContain(HASH);
    expect(fact.command).not.toContain('abcdefghijklmnop');
    expect(fact.stdin).toBe(`${HASH}\n`);
    expect(fact.command).toContain('printf \'%s:%s\\n\' tpxu "$pw" | chpasswd -e');
    const plan = planUser(p, { user: execResult(`had tpxu:x:1500:1500::/home/tpxu:/bin/sh\npw differs\nexpire \nhome yes\n`) }, { check: false, become: true });
    const commands = plan.actions.map((a) => (a.kind === 'exec' ? a.command + (a.display ?? '') : ''));
    expect(commands.join(' ')).not.toContain('abcdefghijklmnop');
    expect(plan.actions).toContainEqual(expect.objectContaining({ command: 'chpasswd -e', stdin: `tpxu:${HASH}\n` }));
    expect(JSON.stringify(plan.returns)).not.toContain('abcdefghijklmnop');
    expect(plan.returns).toMatchObject({ password: 'NOT_LOGGING_PASSWORD' });
  });

  it('registers the hash as a secret: it shows as ******** in any output', () => {
    normaliseUser({ name: 'tpxu', password: HASH });
    expect(secretMasker.mask(`msg: ${HASH}`)).toBe('msg: ********');
  });

  it('adds and removes only outside check mode, and parses as sh (dash -n)', () => {
    expect(userFactScript(base, false)).toContain('useradd -m $n tpxu');
    expect(userFactScript(base, true)).not.toContain('useradd');
    expect(userFactScript({ ...base, state: 'absent' }, false)).toContain('userdel tpxu >/dev/null; echo "gone $?"');
    expect(userFactScript({ ...base, state: 'absent' }, true)).not.toContain('userdel');
    for (const p of [base, full, { ...base, password: HASH }, { ...base, state: 'absent' as const }]) {
      for (const check of [true, false]) expectValidSh(userFactScript(p, check));
    }
  });

  it('reads an account on this machine without changing anything (check mode)', () => {
    const r = spawnSync('sh', ['-c', userFactScript({ ...base, name: 'root', groups: ['root'] }, true)], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^grp root root:x:0:.*\nhad root:x:0:0:/);
    expect(r.stdout).toContain('home yes\n');
  });

  it('a missing home is made from the skeleton, owned by the user, without following links (dash -n)', () => {
    const cmd = createHomeCommand('/home/it s', '/etc/skel', { name: 'u', uid: 7, gid: 8, comment: '', home: '/home/it s', shell: '' });
    expect(cmd).toContain("h='/home/it s'; s=/etc/skel");
    expect(cmd).toContain('cp -R -P -p -- "$s/." "./$b"');
    expect(cmd).toContain('chown -R -h 7:8 -- .');
    expectValidSh(cmd);
  });
});

/** A directory below /run (root's, 0755: a trusted way down, unlike /tmp), removed afterwards. */
function trustedScratch(): string {
  const dir = mkdtempSync('/run/tpx-user-home-');
  chmodSync(dir, 0o755);
  scratch.push(dir);
  return dir;
}
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('user: a missing home, with other users on the host (security review)', () => {
  const nobody = { name: 'nobody', uid: 65534, gid: 65534, comment: '', home: '', shell: '' };
  const make = (home: string, skeleton: string) => spawnSync('sh', ['-c', createHomeCommand(home, skeleton, nobody)], { cwd: '/', encoding: 'utf8' });

  it('is made under root-owned directories: the skeleton copied, missing parents made, all owned by the user, links kept as links', () => {
    const root = trustedScratch();
    mkdirSync(join(root, 'skel'));
    writeFileSync(join(root, 'skel', '.profile'), 'x\n');
    symlinkSync('/etc/shadow', join(root, 'skel', 'link'));
    const r = make(join(root, 'a', 'b', 'home'), join(root, 'skel'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const home = join(root, 'a', 'b', 'home');
    expect(statSync(home).uid).toBe(65534);
    expect(statSync(join(home, '.profile')).uid).toBe(65534);
    expect(lstatSync(join(home, 'link')).uid).toBe(65534);
    expect(statSync('/etc/shadow').uid).toBe(0);
    expect(statSync(join(root, 'a', 'b')).uid).toBe(0);
  });

  it.each<[string, (dir: string) => void]>([
    ['writable by others', (dir) => chmodSync(dir, 0o777)],
    ['writable by its group', (dir) => chmodSync(dir, 0o775)],
    ['owned by another user', (dir) => chownSync(dir, 65534, 65534)],
  ])('is refused, with what to do, when its parent is %s (the user could swap the new home for a link to /etc/shadow)', (_, loosen) => {
    const root = trustedScratch();
    const parent = join(root, 'open');
    mkdirSync(parent, { mode: 0o755 });
    loosen(parent);
    const r = make(join(parent, 'home'), '/nonexistent-skel');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `cannot create the home ${parent}/home: ${parent} is not owned by root or is writable by its group or others: another user could put a link where the new home goes, and root would then change what it leads to; make it root-owned and not group- or other-writable (chmod go-w), or create the home first\n`,
    );
    expect(existsSync(join(parent, 'home'))).toBe(false);
  });

  it('is refused when a directory further up is not root-only (it could lead the walk elsewhere)', () => {
    const root = trustedScratch();
    mkdirSync(join(root, 'open', 'inner'), { recursive: true });
    chmodSync(join(root, 'open'), 0o777);
    const r = make(join(root, 'open', 'inner', 'home'), '/nonexistent-skel');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${root}/open is not owned by root`);
    expect(existsSync(join(root, 'open', 'inner', 'home'))).toBe(false);
  });

  it('useradd is not run for a new user whose home would go where another user can write (a stand-in useradd)', () => {
    const root = trustedScratch();
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const standIn = 'useradd() { echo "useradd $*" >&2; return 0; }\n';
    const add = (home: string) =>
      spawnSync('sh', ['-c', standIn + userFactScript({ ...base, name: 'tpx-no-such-user', home }, false)], { cwd: '/', encoding: 'utf8' });
    const refused = add(join(open, 'u'));
    expect(refused.stdout).toContain('none\nmade 1\n');
    expect(refused.stderr).toContain(`cannot create the home ${open}/u: ${open} is not owned by root or is writable by its group or others`);
    expect(refused.stderr).not.toContain('useradd ');
    const fine = add(join(root, 'homes', 'u'));
    expect(fine.stderr).toBe(`useradd -d ${root}/homes/u -m tpx-no-such-user\n`);
    expect(fine.stdout).toContain('none\nmade 0\n');
    expect(statSync(join(root, 'homes')).uid).toBe(0);
  });

  it('leaves a home that appeared meanwhile (or a link there) alone', () => {
    const root = trustedScratch();
    symlinkSync('/etc/shadow', join(root, 'home'));
    expect(make(join(root, 'home'), '/nonexistent-skel').status).toBe(0);
    expect(statSync('/etc/shadow').uid).toBe(0);
  });
});

const userFacts = (p: UserParams, check: boolean) => {
  const [fact] = userModule.facts?.(p, makeContext({ check, become: true })) ?? [];
  return fact;
};

describe('user: the answer', () => {
  const had = (more = '') => ({
    user: execResult(
      `grp adm adm:x:4:tpxu\ngrp sudo sudo:x:27:\ngrp staff staff:x:50:\nhad tpxu:x:1500:1500:Old:/home/tpxu:/bin/sh\npw same\nexpire \nmember adm\nhome yes\n${more}`,
    ),
  });
  const none = (more = '', stderr = '') => ({ user: execResult(`none\n${more}`, 0, stderr) });
  const present = { name: 'tpxu', state: 'present' };

  it.each<[string, Partial<UserParams>, Parameters<typeof planUser>[1], boolean, Record<string, unknown>]>([
    [
      'unchanged',
      {},
      had(),
      false,
      {
        changed: false,
        actions: [],
        returns: { ...present, uid: 1500, group: 1500, comment: 'Old', home: '/home/tpxu', shell: '/bin/sh', append: false, move_home: false },
      },
    ],
    [
      'changed fields, in usermod',
      { uid: 1501, group: 'staff', comment: 'New', shell: '/bin/bash', groups: ['sudo'] },
      had(),
      false,
      {
        changed: true,
        actions: [{ kind: 'exec', command: 'usermod -u 1501 -g 50 -G sudo -c New -s /bin/bash tpxu' }],
        returns: { uid: 1501, group: 50, comment: 'New', shell: '/bin/bash', groups: 'sudo' },
      },
    ],
    ['append: only missing groups change', { groups: ['adm'], append: true }, had(), false, { changed: false, actions: [] }],
    ['append adds', { groups: ['adm', 'sudo'], append: true }, had(), false, { actions: [{ kind: 'exec', command: 'usermod -a -G adm,sudo tpxu' }] }],
    ['no groups at all', { groups: [] }, had(), false, { actions: [{ kind: 'exec', command: "usermod -G '' tpxu" }], returns: { groups: '' } }],
    ['check mode: current values', { comment: 'New' }, had(), true, { changed: true, returns: { comment: 'Old' } }],
    ['a missing group', { groups: ['nosuch'] }, had('nogrp nosuch\n'), false, { failed: true, msg: 'Group nosuch does not exist' }],
    ['expiry', { expires: 1893456000 }, had(), false, { actions: [{ kind: 'exec', command: 'usermod -e 2030-01-01 tpxu' }] }],
    ['never expires, already', { expires: -1 }, had(), false, { changed: false }],
    ['home moved', { home: '/srv/tpxu', moveHome: true }, had('newhome no\n'), false, { actions: [{ kind: 'exec', command: 'usermod -d /srv/tpxu -m tpxu' }] }],
    [
      'a missing home is made',
      {},
      { user: execResult('had tpxu:x:1500:1500::/home/tpxu:/bin/sh\nhome no\n') },
      false,
      { changed: true, actions: [expect.objectContaining({ display: 'create home /home/tpxu' })] },
    ],
    [
      'added',
      { system: true, groups: ['adm'] },
      { user: execResult('grp adm adm:x:4:\nnone\nmade 0\nnow tpxu:x:999:999::/home/tpxu:/bin/sh\n') },
      false,
      { changed: true, actions: [], returns: { ...present, system: true, create_home: true, uid: 999, group: 999, groups: 'adm' } },
    ],
    ['missing, check mode', {}, none(), true, { changed: true, actions: [] }],
    [
      'useradd failed',
      { uid: 0 },
      none('made 4\n', 'useradd: UID 0 is not unique\n'),
      false,
      { failed: true, msg: 'useradd: UID 0 is not unique\n', returns: { name: 'tpxu', rc: 4 } },
    ],
    [
      'removed',
      { state: 'absent', remove: true },
      had('gone 0\n'),
      false,
      { changed: true, returns: { name: 'tpxu', state: 'absent', force: false, remove: true } },
    ],
    ['absent already', { state: 'absent' }, none(), false, { changed: false, returns: { name: 'tpxu', state: 'absent' } }],
  ])('%s', (_, more, facts, check, expected) => {
    expect(planUser({ ...base, ...more }, facts, { check, become: true })).toMatchObject(expected);
  });

  it('passes what userdel printed on, with stderr_lines', () => {
    const plan = planUser(
      { ...base, state: 'absent', remove: true },
      { user: execResult('had tpxu:x:1:1::/h:/bin/sh\ngone 0\n', 0, 'userdel: no mail spool\n') },
      { check: false, become: true },
    );
    expect(plan.returns).toMatchObject({ stderr: 'userdel: no mail spool\n', stderr_lines: ['userdel: no mail spool'] });
  });
});

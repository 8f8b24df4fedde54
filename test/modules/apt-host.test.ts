/**
 * host/apt.py's decisions without a host: test/fixtures/apt/harness.py runs it with a table
 * of command answers in place of dpkg-query, apt-cache and apt-get, and returns the commands it
 * would have run and its answer. Case by case: request and answers in, commands and result out.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planApt } from '../../src/modules/apt.js';
import { execResult } from './fixtures.js';

const APT_PY = fileURLToPath(new URL('../../host/apt.py', import.meta.url));
const HARNESS = fileURLToPath(new URL('../fixtures/apt/harness.py', import.meta.url));

const BASE = {
  names: [] as string[],
  state: 'present',
  update_cache: null as boolean | null,
  cache_valid_time: 0,
  update_cache_retries: 5,
  update_cache_retry_max_delay: 12,
  purge: false,
  deb: null as string | null,
  install_recommends: null as boolean | null,
  force: false,
  allow_downgrade: false,
  allow_unauthenticated: false,
  allow_change_held_packages: false,
  autoremove: false,
  fail_on_autoremove: false,
  only_upgrade: false,
  dpkg_options: 'force-confdef,force-confold',
  upgrade: null as string | null,
  force_apt_get: false,
  check: false,
  diff: false,
};

type Answers = Record<string, [number, string, string]>;
interface Outcome {
  calls: string[];
  /** What each command would have read of the files it names. */
  reads: { call: string; path: string; content: string }[];
  failed: boolean | null;
  result: Record<string, unknown> | null;
  /** The answer line host/apt.py writes. */
  wire: string | null;
}

/** More of a case: a file replaced after the first command (as another user could), the sudo caller. */
interface More {
  swap?: { path: string; content: string };
  sudoUid?: number;
}

function runCase(request: Partial<typeof BASE>, answers: Answers = {}, cacheMtimes?: number[], aptitude = false, more: More = {}): Outcome {
  const input = JSON.stringify({
    request: { ...BASE, ...request },
    answers,
    aptitude,
    ...(cacheMtimes ? { cache_mtimes: cacheMtimes } : {}),
    ...(more.swap ? { swap: more.swap } : {}),
  });
  const env = { ...process.env, SUDO_UID: more.sudoUid === undefined ? '' : String(more.sudoUid) };
  const r = spawnSync('python3', [HARNESS, APT_PY], { input, env, encoding: 'utf8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Outcome;
}

const STATUS = (name: string): string => `dpkg-query -W -f=\${db:Status-Status}\t\${Version}\t\${Architecture}\n ${name}`;
const policy = (name: string, installed: string | null, candidate: string, versions: string[]): string =>
  [
    `${name}:`,
    `  Installed: ${installed ?? '(none)'}`,
    `  Candidate: ${candidate}`,
    '  Version table:',
    ...versions.flatMap((v) => [`${v === installed ? ' ***' : '    '} ${v} 500`, '        500 file:/srv/repo ./ Packages']),
    '',
  ].join('\n');
const DPKG_OPTS = '-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

const notInstalled: Answers = {
  'apt-cache policy tpx-demo': [0, policy('tpx-demo', null, '2.0', ['2.0', '1.0']), ''],
  [STATUS('tpx-demo')]: [1, '', 'dpkg-query: no packages found matching tpx-demo\n'],
};
const installed1: Answers = {
  'apt-cache policy tpx-demo': [0, policy('tpx-demo', '1.0', '2.0', ['2.0', '1.0']), ''],
  [STATUS('tpx-demo')]: [0, 'installed\t1.0\tall\n', ''],
};
const configFiles: Answers = {
  'apt-cache policy tpx-demo': [0, policy('tpx-demo', null, '2.0', ['2.0', '1.0']), ''],
  [STATUS('tpx-demo')]: [0, 'config-files\t1.0\tall\n', ''],
};

describe('host/apt.py with stand-in commands: installing', () => {
  it.each<[string, Partial<typeof BASE>, Answers, string[], Record<string, unknown>]>([
    [
      'a missing package: its candidate, then marked manual',
      { names: ['tpx-demo'] },
      notInstalled,
      [`apt-get -y ${DPKG_OPTS} install tpx-demo=2.0`, 'apt-mark manual tpx-demo'],
      { changed: true, cache_updated: false },
    ],
    [
      'a pin picks the highest version matching its glob',
      { names: ['tpx-demo=1.*'] },
      notInstalled,
      [`apt-get -y ${DPKG_OPTS} install tpx-demo=1.0`, 'apt-mark manual tpx-demo'],
      { changed: true },
    ],
    ['present leaves an installed package', { names: ['tpx-demo'] }, installed1, ['apt-mark manual tpx-demo'], { changed: false }],
    [
      'latest upgrades, with the options asked for',
      { names: ['tpx-demo'], state: 'latest', install_recommends: false, allow_downgrade: true, autoremove: true },
      installed1,
      [`apt-get -y ${DPKG_OPTS} --auto-remove install tpx-demo=2.0 -o APT::Install-Recommends=no --allow-downgrades`, 'apt-mark manual tpx-demo'],
      { changed: true },
    ],
    [
      'check mode simulates and marks nothing',
      { names: ['tpx-demo'], check: true },
      notInstalled,
      [`apt-get -y ${DPKG_OPTS} --simulate install tpx-demo=2.0`],
      { changed: true },
    ],
  ])('%s', (_what, request, answers, commands, result) => {
    const out = runCase(request, answers);
    expect(out.calls.filter((c) => /^apt-(get|mark)/.test(c))).toEqual(commands);
    expect(out.failed).toBe(false);
    expect(out.result).toMatchObject(result);
  });

  it("a failing apt-get: Ansible's message, with its command line as Ansible writes it", () => {
    const out = runCase(
      { names: ['tpx-demo=1.0'] },
      {
        ...installed1,
        'apt-cache policy tpx-demo': [0, policy('tpx-demo', '2.0', '2.0', ['2.0', '1.0']), ''],
        [STATUS('tpx-demo')]: [0, 'installed\t2.0\tall\n', ''],
        [`apt-get -y ${DPKG_OPTS} install tpx-demo=1.0`]: [100, 'out', 'E: Packages were downgraded and -y was used without --allow-downgrades.\n'],
      },
    );
    expect(out.failed).toBe(true);
    expect(out.result).toMatchObject({
      msg: `'/usr/bin/apt-get -y -o "Dpkg::Options::=--force-confdef" -o "Dpkg::Options::=--force-confold"       install 'tpx-demo=1.0'' failed: E: Packages were downgraded and -y was used without --allow-downgrades.\n`,
      rc: 100,
      stdout: 'out',
      cache_updated: false,
    });
  });

  it.each<[string, string[], Answers, string]>([
    ['an unknown package', ['tpx-nosuch'], {}, "No package matching 'tpx-nosuch' is available"],
    ['a version no source has', ['tpx-demo=9.9'], notInstalled, 'no available installation candidate for tpx-demo=9.9'],
    ['two = in a spec', ['tpx-demo=1=2'], notInstalled, 'invalid package spec: tpx-demo=1=2'],
  ])('%s fails as in Ansible', (_what, names, answers, msg) => {
    const out = runCase({ names }, answers);
    expect(out.failed).toBe(true);
    expect(out.result?.msg).toBe(msg);
    expect(out.calls.some((c) => c.startsWith('apt-get'))).toBe(false);
  });

  it('a virtual package with one provider that is installed is present', () => {
    const out = runCase(
      { names: ['mail-transport-agent'] },
      {
        'apt-cache policy mail-transport-agent': [0, 'mail-transport-agent:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n', ''],
        'apt-cache showpkg mail-transport-agent': [0, 'Package: mail-transport-agent\nReverse Provides: \npostfix 3.7 (= )\npostfix 3.6 (= )\n', ''],
        'apt-cache policy postfix': [0, policy('postfix', '3.7', '3.7', ['3.7']), ''],
        [STATUS('postfix')]: [0, 'installed\t3.7\tamd64\n', ''],
      },
    );
    expect(out.result).toMatchObject({ changed: false });
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual([]);
  });
});

describe('host/apt.py with stand-in commands: removing', () => {
  it.each<[string, Partial<typeof BASE>, Answers, string[], Record<string, unknown>]>([
    ['an installed package', { names: ['tpx-demo'], state: 'absent' }, installed1, [`apt-get -q -y ${DPKG_OPTS} remove tpx-demo`], { changed: true, diff: {} }],
    ['a package left with its configuration, without purge', { names: ['tpx-demo'], state: 'absent' }, configFiles, [], { changed: false }],
    [
      'a package left with its configuration, with purge',
      { names: ['tpx-demo'], state: 'absent', purge: true },
      configFiles,
      [`apt-get -q -y ${DPKG_OPTS} --purge remove tpx-demo`],
      { changed: true },
    ],
    ['an unknown package', { names: ['tpx-nosuch'], state: 'absent', purge: true }, {}, [], { changed: false }],
    ['autoremove alone, nothing to remove', { autoremove: true }, {}, [`apt-get -y ${DPKG_OPTS} autoremove`], { changed: false }],
  ])('%s', (_what, request, answers, commands, result) => {
    const out = runCase(request, answers);
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual(commands);
    expect(out.failed).toBe(false);
    expect(out.result).toMatchObject(result);
  });
});

describe('host/apt.py with stand-in commands: the cache', () => {
  const now = Math.floor(Date.now() / 1000);

  it('updates lists older than cache_valid_time, and says whether they changed', () => {
    const out = runCase({ update_cache: true, cache_valid_time: 3600 }, {}, [now - 7200, now]);
    expect(out.calls).toEqual(['apt-get update -q']);
    expect(out.result).toEqual({ changed: true, cache_updated: true, cache_update_time: now });
  });

  it('leaves fresh lists alone', () => {
    const out = runCase({ update_cache: true, cache_valid_time: 3600 }, {}, [now - 60]);
    expect(out.calls).toEqual([]);
    expect(out.result).toEqual({ changed: false, cache_updated: false, cache_update_time: now - 60 });
  });

  it('in check mode, says it would update, without updating', () => {
    const out = runCase({ update_cache: true, check: true }, {}, [now - 60]);
    expect(out.calls).toEqual([]);
    expect(out.result).toEqual({ changed: true, cache_updated: true, cache_update_time: now - 60 });
  });

  it('tries update_cache_retries times, then fails with what apt said', () => {
    const out = runCase(
      { update_cache: true, update_cache_retries: 2 },
      { 'apt-get update -q': [100, '', 'E: Failed to fetch file:/srv/repo/Packages\n'] },
      [0],
    );
    expect(out.calls).toEqual(['apt-get update -q', 'sleep', 'apt-get update -q', 'sleep']);
    expect(out.failed).toBe(true);
    expect(out.result?.msg).toBe('Failed to update apt cache: E: Failed to fetch file:/srv/repo/Packages');
  });
});

describe('host/apt.py with stand-in commands: upgrading every package', () => {
  const UPGRADED =
    'Reading package lists...\nThe following packages will be upgraded:\n  tpx-demo\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n';
  const NOTHING = 'Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n';

  it.each<[string, Partial<typeof BASE>, string, string, Record<string, unknown>]>([
    [
      'upgrade: yes',
      { upgrade: 'yes' },
      `apt-get -y ${DPKG_OPTS} upgrade --with-new-pkgs`,
      UPGRADED,
      { changed: true, msg: UPGRADED, stdout: UPGRADED, diff: {} },
    ],
    [
      'upgrade: dist with autoremove',
      { upgrade: 'dist', autoremove: true },
      `apt-get -y ${DPKG_OPTS} dist-upgrade --auto-remove`,
      NOTHING,
      { changed: false, msg: NOTHING },
    ],
    [
      "name '*' with latest",
      { names: ['*'], state: 'latest', check: true },
      `apt-get -y ${DPKG_OPTS} --simulate upgrade --with-new-pkgs`,
      NOTHING,
      { changed: false },
    ],
  ])('%s', (_what, request, command, output, result) => {
    const out = runCase(request, { [command]: [0, output, ''] });
    expect(out.calls).toEqual([command]);
    expect(out.failed).toBe(false);
    expect(out.result).toMatchObject(result);
  });

  it("a failing upgrade: Ansible's message", () => {
    const out = runCase({ upgrade: 'yes' }, { [`apt-get -y ${DPKG_OPTS} upgrade --with-new-pkgs`]: [100, 'o', 'E: broken\n'] });
    expect(out).toMatchObject({ failed: true, result: { msg: "'/usr/bin/apt-get upgrade --with-new-pkgs ' failed: E: broken\n", stdout: 'o', rc: 100 } });
  });

  it("'*' with other packages, and aptitude, fail before anything runs", () => {
    expect(runCase({ names: ['*', 'tpx-demo'], state: 'latest' }).result?.msg).toBe(
      'unable to install additional packages when upgrading all installed packages',
    );
    const out = runCase({ upgrade: 'safe' }, {}, undefined, true);
    expect(out.result?.msg).toMatch(/aptitude .* is not supported by tpx yet; set force_apt_get: true/);
    expect(out.calls).toEqual([]);
    expect(runCase({ upgrade: 'safe', force_apt_get: true }, {}, undefined, true).calls).toEqual([`apt-get -y ${DPKG_OPTS} upgrade --with-new-pkgs`]);
  });
});

describe('host/apt.py: multi-arch packages', () => {
  const twoArches: Answers = {
    ...installed1,
    [STATUS('tpx-demo')]: [0, 'installed\t1.0\tamd64\ninstalled\t1.0\ti386\n', ''],
    'dpkg --print-architecture': [0, 'amd64\n', ''],
  };

  it('a package installed for two architectures is installed (the native one), so absent removes it', () => {
    const out = runCase({ names: ['tpx-demo'], state: 'absent' }, twoArches);
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual([`apt-get -q -y ${DPKG_OPTS} remove tpx-demo`]);
    expect(out.result).toMatchObject({ changed: true });
  });

  it('present leaves it, and latest reads the native version', () => {
    expect(runCase({ names: ['tpx-demo'] }, twoArches).calls.filter((c) => c.startsWith('apt-get'))).toEqual([]);
    const out = runCase({ names: ['tpx-demo'], state: 'latest' }, twoArches);
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual([`apt-get -y ${DPKG_OPTS} install tpx-demo=2.0`]);
  });

  it('only a foreign architecture installed: the native package is not', () => {
    const out = runCase(
      { names: ['tpx-demo'], state: 'absent' },
      { ...twoArches, [STATUS('tpx-demo')]: [0, 'not-installed\t\tamd64\ninstalled\t1.0\ti386\n', ''] },
    );
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual([]);
    expect(out.result).toMatchObject({ changed: false });
  });

  it('NAME:ARCH given is asked for as given', () => {
    const out = runCase(
      { names: ['tpx-demo:i386'], state: 'absent' },
      { 'apt-cache policy tpx-demo:i386': installed1['apt-cache policy tpx-demo'], [STATUS('tpx-demo:i386')]: [0, 'installed\t1.0\ti386\n', ''] },
    );
    expect(out.calls.filter((c) => c.startsWith('apt-get'))).toEqual([`apt-get -q -y ${DPKG_OPTS} remove tpx-demo:i386`]);
  });
});

describe('host/apt.py: a large answer stays readable', () => {
  it("apt-get's whole output, msg and stdout alike, is cut to its end, sent once, and reads back", () => {
    const big = `${'Inst tpx-filler-package (1.0 Debian:12/stable [all]) with a long line of text\n'.repeat(40_000)}1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`;
    const out = runCase({ upgrade: 'yes', diff: true }, { [`apt-get -y ${DPKG_OPTS} upgrade --with-new-pkgs`]: [0, big, 'é'.repeat(300_000)] });
    const wire = String(out.wire);
    expect(Buffer.byteLength(wire)).toBeLessThan(1024 * 1024 - 64);
    const plan = planApt(execResult(`tpx-apt-v1\n${wire}\n`), { diff: true });
    expect(plan.changed).toBe(true);
    const stdout = String(plan.returns?.stdout);
    expect(plan.msg).toBe(stdout);
    expect(stdout).toMatch(/^\[tpx: the first \d+ characters were cut, to keep the answer under 192 KiB\]\nInst tpx-filler-package/);
    expect(stdout.endsWith('\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n')).toBe(true);
    expect(String(plan.returns?.stderr)).toMatch(/^\[tpx: the first \d+ characters were cut.*\]\néé/);
    expect(plan.diff).toMatch(/^\[tpx: the first/);
  });

  it('a small answer is sent whole, msg once', () => {
    const out = runCase({ upgrade: 'yes' }, { [`apt-get -y ${DPKG_OPTS} upgrade --with-new-pkgs`]: [0, 'done\n', ''] });
    expect(JSON.parse(String(out.wire))).toEqual({ failed: false, msg_is_stdout: true, result: { changed: true, stdout: 'done\n', stderr: '', diff: {} } });
  });
});

/**
 * The deb files are real files in a temp dir here (this process's own); dpkg is a stand-in: the
 * harness records what each dpkg command would have read of the files it names.
 */
describe('host/apt.py: a deb file is read once, and only from where no other user could put it', () => {
  const isRoot = process.getuid?.() === 0;
  const NOBODY = 65534;
  let dir = '';
  let deb = '';
  const fields = (copy: string): Answers => ({
    [`dpkg --field ${copy} Package`]: [0, 'tpx-local\n', ''],
    [`dpkg --field ${copy} Version`]: [0, '1.0\n', ''],
    [STATUS('tpx-local')]: [1, '', 'dpkg-query: no packages found matching tpx-local\n'],
  });
  const COPY = '{copy}/0/tpx-local_1.0_all.deb';
  const INSTALL = `dpkg --force-confdef --force-confold -i ${COPY}`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpx-aptdeb-test-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'pkgs'), { mode: 0o755 });
    deb = join(dir, 'pkgs', 'tpx-local_1.0_all.deb');
    writeFileSync(deb, 'the real package', { mode: 0o644 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('dpkg reads a private copy, so a swap after the first look changes nothing; the copy is removed', () => {
    const out = runCase({ deb }, fields(COPY), undefined, false, { swap: { path: deb, content: 'a package with a postinst' } });
    expect(out.failed).toBe(false);
    expect(out.calls).toContain(INSTALL);
    expect(out.calls.some((c) => c.includes(deb))).toBe(false);
    const installed = out.reads.find((r) => r.call === INSTALL);
    expect(installed?.content).toBe('the real package');
    for (const r of out.reads) expect(existsSync(r.path), r.path).toBe(false);
    expect(out.result).toMatchObject({ changed: true });
  });

  it("dpkg's texts and Ansible's message name the path as given (whole, or shortened as dpkg shortens it), not the copy", () => {
    const out = runCase(
      { deb },
      { ...fields(COPY), [INSTALL]: [1, 'Preparing to unpack .../0/tpx-local_1.0_all.deb ...\n', `dpkg: error processing archive ${COPY} (--install):\n`] },
    );
    expect(out.result).toMatchObject({
      msg: `dpkg --force-confdef --force-confold -i ${deb} failed`,
      stdout: 'Preparing to unpack .../pkgs/tpx-local_1.0_all.deb ...\n',
      stderr: expect.stringContaining(`archive ${deb} (--install)`),
    });
  });

  it('follows a link only where no other user could have made it; a folder writable by all is fine when sticky', () => {
    symlinkSync(deb, join(dir, 'link.deb'));
    expect(runCase({ deb: join(dir, 'link.deb') }, fields('{copy}/0/link.deb')).result).toMatchObject({ changed: true });
    chmodSync(dir, 0o1777);
    expect(runCase({ deb }, fields(COPY)).result).toMatchObject({ changed: true });
  });

  it.each<[string, () => void, RegExp]>([
    ['a folder writable by others', () => chmodSync(join(dir, 'pkgs'), 0o777), /the folder \S+\/pkgs is writable by others \(mode 0777\)/],
    ['a folder writable by its group', () => chmodSync(dir, 0o775), /the folder \S+ is writable by others \(mode 0775\)/],
    ['a file writable by others', () => chmodSync(deb, 0o666), /the file \S+ is writable by others \(mode 0666\)/],
  ])('refuses %s, and runs nothing', (_what, make, why) => {
    make();
    const out = runCase({ deb }, fields(COPY));
    expect(out.failed).toBe(true);
    expect(String(out.result?.msg)).toMatch(new RegExp(`^deb ${deb}: refused: `));
    expect(String(out.result?.msg)).toMatch(why);
    expect(String(out.result?.msg)).toMatch(/move the file to a folder only root can write/);
    expect(out.calls).toEqual([]);
  });

  it.skipIf(!isRoot)("refuses another user's file, folder, or link (in a sticky folder)", () => {
    chownSync(deb, NOBODY, NOBODY);
    expect(runCase({ deb }, fields(COPY)).result?.msg).toMatch(/the file \S+ is owned by uid 65534, not by root or the login user/);
    expect(runCase({ deb }, fields(COPY), undefined, false, { sudoUid: NOBODY }).result).toMatchObject({ changed: true });
    chownSync(deb, 0, 0);
    chownSync(join(dir, 'pkgs'), NOBODY, NOBODY);
    expect(runCase({ deb }, fields(COPY)).result?.msg).toMatch(/the folder \S+\/pkgs is owned by uid 65534/);
    chownSync(join(dir, 'pkgs'), 0, 0);
    chmodSync(dir, 0o1777);
    symlinkSync(deb, join(dir, 'link.deb'));
    lchownSync(join(dir, 'link.deb'), NOBODY, NOBODY);
    const out = runCase({ deb: join(dir, 'link.deb') }, fields('{copy}/0/link.deb'));
    expect(out.result?.msg).toMatch(/the symbolic link \S+\/link\.deb is owned by uid 65534/);
    expect(out.calls).toEqual([]);
  });

  it('refuses a fifo without waiting on it, and a missing file fails as in Ansible', () => {
    rmSync(deb);
    expect(spawnSync('mkfifo', [deb]).status).toBe(0);
    const out = runCase({ deb }, fields(COPY));
    expect(out.result?.msg).toMatch(/is a fifo/);
    expect(out.calls).toEqual([]);
    rmSync(deb);
    expect(runCase({ deb }).result?.msg).toBe(`Unable to install package: E:Could not open file ${deb} - open (2: No such file or directory)`);
  });
});

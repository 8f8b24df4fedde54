/**
 * Fact gathering: the host script passes shellcheck and dash -n, runs here, and yields the
 * facts ansible-core's `setup` yields on this machine; the parser behaves on hostile output.
 * Under CI a missing ansible or shellcheck fails; elsewhere those tests skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FACTS_OUTPUT } from '../../src/facts/fact-records.js';
import { FACTS_SCRIPT } from '../../src/facts/facts-script.js';
import { FACT_NAMES, injectFacts, isKnownFactName, parseFacts } from '../../src/facts/parse-facts.js';

const hasAnsible = spawnSync('ansible', ['--version'], { stdio: 'ignore' }).status === 0;
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
const inCi = process.env.CI === 'true';

function runScript(env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('sh', ['-c', FACTS_SCRIPT], { encoding: 'utf8', timeout: 30_000, env });
}

/** Runs a callback with a fresh temporary directory, removed afterwards. */
function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-facts-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One record as the script prints it. */
const rec = (key: string, payload: string): string => `${key}\n${payload}\0`;

describe('FACTS_SCRIPT', () => {
  it('parses with dash -n and holds no template interpolation or backquote', () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, 'facts.sh'), FACTS_SCRIPT);
      const r = spawnSync('dash', ['-n', join(dir, 'facts.sh')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    });
    expect(FACTS_SCRIPT).not.toMatch(/\$\{|`/);
    expect(FACTS_SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it.runIf(hasShellcheck || inCi)('passes shellcheck, warnings included', () => {
    expect(hasShellcheck, 'shellcheck is missing (apt-get install shellcheck); in CI this check must run').toBe(true);
    withTempDir((dir) => {
      writeFileSync(join(dir, 'facts.sh'), FACTS_SCRIPT);
      const r = spawnSync('shellcheck', ['-f', 'gcc', 'facts.sh'], { cwd: dir, encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  it('runs here quickly, and its output parses into the main facts', () => {
    const times: number[] = [];
    let out = '';
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      out = runScript();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = (times[4] + times[5]) / 2;
    console.log(`facts script: median ${median.toFixed(1)} ms of 10 runs, output ${Buffer.byteLength(out)} bytes`);
    expect(median).toBeLessThan(3000);
    const facts = parseFacts(out);
    for (const name of ['os_family', 'distribution', 'kernel', 'architecture', 'hostname', 'memtotal_mb', 'processor_vcpus', 'env', 'user_id', 'date_time']) {
      expect(facts[name], name).toBeDefined();
    }
    for (const name of Object.keys(facts)) expect(isKnownFactName(name), name).toBe(true);
  });
});

/** Ansible's facts for this machine, gathered with `python` as the interpreter (so both see the same one). */
function ansibleFacts(python: string | undefined): Record<string, unknown> {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'ansible.cfg'), '');
    const args = ['localhost', '-c', 'local', '-m', 'setup', '-o'];
    if (python !== undefined) args.push('-e', `ansible_python_interpreter=${python}`);
    const out = execFileSync('ansible', args, {
      cwd: dir,
      env: { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_LOCALHOST_WARNING: 'False', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const marker = 'localhost | SUCCESS => ';
    const at = out.indexOf(marker);
    expect(at, out.slice(0, 500)).toBeGreaterThanOrEqual(0);
    const facts = JSON.parse(out.slice(at + marker.length).split('\n')[0]).ansible_facts as Record<string, unknown>;
    return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
  });
}

const EXACT = [
  'os_family',
  'distribution',
  'distribution_version',
  'distribution_major_version',
  'distribution_release',
  'hostname',
  'nodename',
  'fqdn',
  'domain',
  'kernel',
  'kernel_version',
  'architecture',
  'system',
  'machine',
  'machine_id',
  'processor_count',
  'processor_cores',
  'processor_vcpus',
  'processor_threads_per_core',
  'processor_nproc',
  'processor',
  'memtotal_mb',
  'swaptotal_mb',
  'user_id',
  'user_uid',
  'user_gid',
  'user_dir',
  'user_shell',
  'user_gecos',
  'real_user_id',
  'effective_user_id',
  'real_group_id',
  'effective_group_id',
  'service_mgr',
  'pkg_mgr',
  'lsb',
  'apparmor',
  'python_version',
  'python',
];

describe.skipIf(!hasAnsible && !inCi)('facts agree with ansible-core setup', () => {
  it('gives the same values as `ansible -m setup` on this machine', () => {
    expect(hasAnsible, 'ansible is missing (apt-get install ansible-core); in CI this comparison must run').toBe(true);
    // The PATH of an SSH login, so `python3` is the system's, as Ansible's discovery picks on
    // Debian: its distro package (1.8) reads /etc/debian_version (12.11), the copy Ansible
    // bundles for other pythons (1.6) does not (12). tpx follows the system python.
    const ours = parseFacts(runScript({ ...process.env, PATH: `/usr/bin:/bin:${process.env.PATH}` }));
    const python = (ours.python as { executable?: string } | undefined)?.executable;
    const theirs = ansibleFacts(python);

    const exact = EXACT.filter((k) => k in theirs || k in ours);
    expect(Object.fromEntries(exact.map((k) => [k, ours[k]]))).toEqual(Object.fromEntries(exact.map((k) => [k, theirs[k]])));

    // Free memory moves between the two runs.
    expect(Math.abs(Number(ours.memfree_mb) - Number(theirs.memfree_mb))).toBeLessThan(256);
    expect((ours.env as Record<string, unknown>).HOME).toBe((theirs.env as Record<string, unknown>).HOME);
    expect((ours.selinux as Record<string, unknown>).status).toBe((theirs.selinux as Record<string, unknown>).status);

    expect(new Set(ours.interfaces as string[])).toEqual(new Set(theirs.interfaces as string[]));
    for (const name of theirs.interfaces as string[]) expect(ours[name], name).toEqual(pickShared(theirs[name], ours[name]));
    expect(new Set(ours.all_ipv4_addresses as string[])).toEqual(new Set(theirs.all_ipv4_addresses as string[]));
    expect(new Set(ours.all_ipv6_addresses as string[])).toEqual(new Set(theirs.all_ipv6_addresses as string[]));
    expect(ours.default_ipv4).toEqual(theirs.default_ipv4);
    expect(ours.default_ipv6).toEqual(theirs.default_ipv6);

    const ourTime = ours.date_time as Record<string, string>;
    const theirTime = theirs.date_time as Record<string, string>;
    expect(Object.keys(ourTime).sort()).toEqual(Object.keys(theirTime).sort());
    expect(Math.abs(Number(ourTime.epoch) - Number(theirTime.epoch))).toBeLessThanOrEqual(10);
    for (const k of ['tz', 'tz_offset', 'tz_dst']) expect(ourTime[k], k).toBe(theirTime[k]);
    expect(new Date(Number(ourTime.epoch) * 1000).toISOString().replace(/\.\d+Z$/, 'Z')).toBe(ourTime.iso8601);
  }, 150_000);
});

/**
 * Ansible's interface dict without the keys tpx does not gather (ethtool features, driver
 * module, PCI id): the comparison is on what both report.
 */
function pickShared(theirs: unknown, ours: unknown): unknown {
  const t = theirs as Record<string, unknown>;
  const o = (ours ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(t).filter(([k]) => k in o || !['features', 'timestamping', 'hw_timestamp_filters', 'module', 'pciid', 'phc_index'].includes(k)),
  );
}

const DEBIAN_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

const CENTOS7_OS_RELEASE = `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
`;

const ROCKY9_OS_RELEASE = `NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
`;

const ALPINE_OS_RELEASE = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
`;

const UBUNTU_OS_RELEASE = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
`;

type DistCase = [string, string, Record<string, unknown>];

/** os-release text and extra records → the distribution facts Ansible gives on such a host. */
const DIST_CASES: DistCase[] = [
  [
    'Debian 12',
    rec('os_release', DEBIAN_OS_RELEASE) + rec('debian_version', '12.5\n') + rec('pkg', '/usr/bin/apt-get\n'),
    {
      distribution: 'Debian',
      distribution_version: '12.5',
      distribution_major_version: '12',
      distribution_minor_version: '5',
      distribution_release: 'bookworm',
      os_family: 'Debian',
      pkg_mgr: 'apt',
    },
  ],
  [
    'Ubuntu 22.04',
    rec('os_release', UBUNTU_OS_RELEASE) + rec('debian_version', 'bookworm/sid\n'),
    { distribution: 'Ubuntu', distribution_version: '22.04', distribution_major_version: '22', distribution_release: 'jammy', os_family: 'Debian' },
  ],
  [
    'CentOS 7',
    rec('os_release', CENTOS7_OS_RELEASE) +
      rec('centos_release', 'CentOS Linux release 7.9.2009 (Core)\n') +
      rec('redhat_release', 'CentOS Linux release 7.9.2009 (Core)\n') +
      rec('pkg', '/usr/bin/yum\n'),
    { distribution: 'CentOS', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core', os_family: 'RedHat', pkg_mgr: 'yum' },
  ],
  [
    'Rocky 9',
    rec('os_release', ROCKY9_OS_RELEASE) + rec('redhat_release', 'Rocky Linux release 9.3 (Blue Onyx)\n') + rec('pkg', '/usr/bin/yum\n/usr/bin/dnf\n'),
    {
      distribution: 'Rocky',
      distribution_version: '9.3',
      distribution_major_version: '9',
      distribution_release: 'Blue Onyx',
      os_family: 'RedHat',
      pkg_mgr: 'dnf',
    },
  ],
  [
    'Alpine 3.19',
    rec('os_release', ALPINE_OS_RELEASE) + rec('alpine_release', '3.19.1\n') + rec('pkg', '/sbin/apk\n'),
    {
      distribution: 'Alpine',
      distribution_version: '3.19.1',
      distribution_major_version: '3',
      distribution_release: 'NA',
      os_family: 'Alpine',
      pkg_mgr: 'apk',
    },
  ],
  [
    'no /etc/os-release',
    rec('uname_s', 'Linux'),
    { distribution: 'OtherLinux', distribution_version: 'NA', distribution_major_version: 'NA', distribution_release: 'NA', os_family: 'OtherLinux' },
  ],
];

describe('parseFacts', () => {
  it.each(DIST_CASES)('%s: distribution facts', (_, output, expected) => {
    const facts = parseFacts(output);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, facts[k]]))).toEqual(expected);
  });

  it('shapes interfaces, addresses and the default route as Ansible does', () => {
    const output =
      rec('iface', 'path=/sys/class/net/eth0\naddress=52:54:00:12:34:56\nmtu=1500\noperstate=up\ntype=1\nflags=0x1103\nspeed=1000\n') +
      rec('iface', 'path=/sys/class/net/lo\naddress=00:00:00:00:00:00\nmtu=65536\noperstate=unknown\ntype=772\nflags=0x9\nspeed=\n') +
      rec(
        'ip_addr',
        [
          '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
          '1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever',
          '2: eth0    inet 10.1.2.3/24 brd 10.1.2.255 scope global eth0\\       valid_lft forever preferred_lft forever',
          '2: eth0    inet 10.1.2.9/24 brd 10.1.2.255 scope global secondary eth0:1\\       valid_lft forever preferred_lft forever',
          '2: eth0    inet6 fe80::5054:ff:fe12:3456/64 scope link \\       valid_lft forever preferred_lft forever',
        ].join('\n'),
      ) +
      rec('route4', '8.8.8.8 via 10.1.2.1 dev eth0 src 10.1.2.3 uid 1000 \n    cache ') +
      rec('route6', '');
    const facts = parseFacts(output);
    expect(new Set(facts.interfaces as string[])).toEqual(new Set(['eth0', 'lo', 'eth0_1']));
    expect(facts.eth0).toEqual({
      device: 'eth0',
      macaddress: '52:54:00:12:34:56',
      mtu: 1500,
      active: true,
      type: 'ether',
      speed: 1000,
      promisc: true,
      ipv4: { address: '10.1.2.3', broadcast: '10.1.2.255', netmask: '255.255.255.0', network: '10.1.2.0', prefix: '24' },
      ipv4_secondaries: [{ address: '10.1.2.9', broadcast: '10.1.2.255', netmask: '255.255.255.0', network: '10.1.2.0', prefix: '24' }],
      ipv6: [{ address: 'fe80::5054:ff:fe12:3456', prefix: '64', scope: 'link' }],
    });
    expect(facts.eth0_1).toEqual({
      ipv4_secondaries: [{ address: '10.1.2.9', broadcast: '10.1.2.255', netmask: '255.255.255.0', network: '10.1.2.0', prefix: '24' }],
    });
    expect(facts.lo).toMatchObject({
      device: 'lo',
      type: 'loopback',
      ipv4: { address: '127.0.0.1', netmask: '255.0.0.0', network: '127.0.0.0', broadcast: '' },
    });
    expect(facts.default_ipv4).toEqual({
      address: '10.1.2.3',
      interface: 'eth0',
      gateway: '10.1.2.1',
      broadcast: '10.1.2.255',
      netmask: '255.255.255.0',
      network: '10.1.2.0',
      prefix: '24',
      macaddress: '52:54:00:12:34:56',
      mtu: 1500,
      type: 'ether',
      alias: 'eth0',
    });
    expect(facts.default_ipv6).toEqual({});
    expect(facts.all_ipv4_addresses).toEqual(['10.1.2.3', '10.1.2.9']);
    expect(facts.all_ipv6_addresses).toEqual(['fe80::5054:ff:fe12:3456']);
  });

  it('leaves out network facts Ansible would not have without `ip`', () => {
    const facts = parseFacts(rec('iface', 'path=/sys/class/net/eth0\nmtu=1500\n'));
    expect(facts.interfaces).toEqual(['eth0']);
    expect(facts.default_ipv4).toBeUndefined();
    expect(facts.all_ipv4_addresses).toBeUndefined();
  });

  it('an address label naming __proto__ or another interface neither throws nor overwrites it', () => {
    const output =
      rec('iface', 'path=/sys/class/net/eth0\nmtu=1500\n') +
      rec('iface', 'path=/sys/class/net/eth1\nmtu=1500\n') +
      rec(
        'ip_addr',
        [
          '2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\',
          '2: eth0    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary __proto__\\',
          '3: eth1    inet 10.1.0.5/24 brd 10.1.0.255 scope global eth1\\',
          '3: eth1    inet 10.1.0.6/24 brd 10.1.0.255 scope global secondary eth0\\',
        ].join('\n'),
      );
    const facts = parseFacts(output);
    expect((facts.eth0 as { ipv4?: { address: string } }).ipv4?.address).toBe('10.0.0.5');
    expect((facts.eth1 as { ipv4?: { address: string } }).ipv4?.address).toBe('10.1.0.5');
  });

  it('keeps host-chosen names out of the prototype and away from other facts', () => {
    const env = ['__proto__=polluted', 'constructor=x', 'HOME=/home/a', 'MULTI=one%0Atwo%25%0D', 'EMPTY='].join('\n');
    const output =
      rec('env', env) +
      rec('iface', 'path=/sys/class/net/__proto__\nmtu=1\n') +
      rec('iface', 'path=/sys/class/net/env\nmtu=1\n') +
      rec('iface', 'path=/sys/class/net/bad name\nmtu=1\n') +
      rec('iface', 'path=/sys/class/net/eth0\nmtu=1500\n') +
      rec('ip_addr', '7: __proto__    inet 10.9.9.9/8 scope global __proto__\\');
    const facts = parseFacts(output);
    const vars = injectFacts(facts);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(facts)).toBeNull();
    expect(Object.hasOwn(facts, '__proto__')).toBe(false);
    expect(Object.keys(facts.env as object)).toEqual(['constructor', 'HOME', 'MULTI', 'EMPTY']);
    expect((facts.env as Record<string, unknown>).MULTI).toBe('one\ntwo%\r');
    expect(facts.interfaces).toEqual(['env', 'eth0']);
    expect(typeof facts.env).toBe('object');
    expect((facts.env as Record<string, unknown>).HOME).toBe('/home/a');
    expect(vars.ansible_env).toBe(facts.env);
    expect(vars.ansible_facts).toBe(facts);
    expect(vars.ansible_eth0).toEqual({ device: 'eth0', mtu: 1500 });
  });

  it('keeps control characters as data and a cut-off record out', () => {
    const output = rec('uname_n', 'host\x1b[2Jname\r') + rec('uname_r', '6.1.0') + 'uname_m\nx86_';
    const facts = parseFacts(output);
    expect(facts.nodename).toBe('host\x1b[2Jname');
    expect(facts.hostname).toBe('host\x1b[2Jname');
    expect(facts.kernel).toBe('6.1.0');
    expect(facts.machine).toBe('');
  });

  it('reads no more than MAX_FACTS_OUTPUT of a huge output, fast', () => {
    const big = rec('uname_r', '6.1.0') + rec('env', `A=${'x'.repeat(MAX_FACTS_OUTPUT)}`) + rec('uname_m', 'x86_64');
    const start = performance.now();
    const facts = parseFacts(big);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(facts.kernel).toBe('6.1.0');
    expect(facts.machine).toBe('');
    expect(Object.keys(facts.env as object)).toEqual([]);
    // Many small records: bounded too.
    const many = rec('env', 'A=1\n'.repeat(400_000));
    expect(Object.keys(parseFacts(many).env as object)).toEqual([]);
  });

  it('parses hostile release files in linear time (no backtracking over host text)', () => {
    const hostile = [
      rec('redhat_release', `CentOS ${'"'.repeat(200_000)}x`),
      rec('redhat_release', `CentOS release ${'('.repeat(200_000)}`),
      rec('os_release', `ID=debian\nPRETTY_NAME=Debian ${'a '.repeat(200_000)}\n`) + rec('debian_version', '12.1'),
      rec('os_release', `ID=debian\n${'PRETTY_NAME=Debian a a a a a\n'.repeat(20_000)}`),
    ];
    for (const output of hostile) {
      const start = performance.now();
      const facts = parseFacts(output);
      // Generous for a loaded machine: a quadratic pattern takes minutes on these.
      expect(performance.now() - start, output.slice(0, 40)).toBeLessThan(2000);
      expect(facts).toBeTypeOf('object');
    }
    expect(parseFacts(rec('os_release', 'ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).distribution_release).toBe('bookworm');
  });

  it('injects only fact names: an interface named like a connection setting stays out of ansible_*', () => {
    const vars = injectFacts({ os_family: 'Debian', eth0: { device: 'eth0' }, user: { device: 'user' }, port: { device: 'port' } });
    expect(vars.ansible_os_family).toBe('Debian');
    expect(vars.ansible_eth0).toEqual({ device: 'eth0' });
    expect(vars).not.toHaveProperty('ansible_user');
    expect(vars).not.toHaveProperty('ansible_port');
    expect((vars.ansible_facts as Record<string, unknown>).user).toEqual({ device: 'user' });
  });

  it('ignores records it does not know and malformed keys', () => {
    const facts = parseFacts(rec('Bad Key', 'x') + rec('toString', 'x') + rec('uname_s', 'Linux'));
    expect(facts.system).toBe('Linux');
    expect(Object.keys(facts)).not.toContain('toString');
  });

  it('counts processors and memory as Ansible does', () => {
    const cpu = ['processor\t: 0', 'vendor_id\t: GenuineIntel', 'model name\t: Xeon', 'physical id\t: 0', 'siblings\t: 4', 'core id\t\t: 0', 'cpu cores\t: 2'];
    const cpuinfo = [0, 1, 2, 3].flatMap((n) =>
      cpu.map((l) => l.replace('processor\t: 0', `processor\t: ${n}`).replace('core id\t\t: 0', `core id\t\t: ${n >> 1}`)),
    );
    const meminfo =
      'MemTotal:        8049136 kB\nMemFree:         1234567 kB\nBuffers:          102400 kB\nCached:          2048000 kB\nSwapCached:            0 kB\nSwapTotal:       2097148 kB\nSwapFree:        2097148 kB';
    const facts = parseFacts(rec('uname_m', 'x86_64') + rec('cpuinfo', cpuinfo.join('\n')) + rec('nproc', '4') + rec('meminfo', meminfo));
    expect(facts).toMatchObject({ processor_count: 1, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 4, processor_nproc: 4 });
    expect((facts.processor as string[]).slice(0, 3)).toEqual(['0', 'GenuineIntel', 'Xeon']);
    expect(facts).toMatchObject({ memtotal_mb: 7860, memfree_mb: 1205, swaptotal_mb: 2047, swapfree_mb: 2047 });
    expect(facts.memory_mb).toEqual({
      real: { total: 7860, used: 6655, free: 1205 },
      nocache: { free: 3305, used: 4555 },
      swap: { total: 2047, free: 2047, used: 0, cached: 0 },
    });
  });

  it('builds date_time from one date call, with or without %s and %N', () => {
    const withAll = ['2024', '03', '05', '14', '07', '09', 'Tuesday', '2', '10', '1709644029', '+0100', 'CET', '123456789'].join('\n');
    expect(parseFacts(rec('date', withAll)).date_time).toEqual({
      year: '2024',
      month: '03',
      weekday: 'Tuesday',
      weekday_number: '2',
      weeknumber: '10',
      day: '05',
      hour: '14',
      minute: '07',
      second: '09',
      epoch: '1709644029',
      epoch_int: '1709644029',
      date: '2024-03-05',
      time: '14:07:09',
      iso8601_micro: '2024-03-05T13:07:09.123456Z',
      iso8601: '2024-03-05T13:07:09Z',
      iso8601_basic: '20240305T140709123456',
      iso8601_basic_short: '20240305T140709',
      tz: 'CET',
      tz_dst: 'CET',
      tz_offset: '+0100',
    });
    const busybox = ['2024', '03', '05', '14', '07', '09', 'Tuesday', '2', '10', '%s', '+0100', 'CET', '%N'].join('\n');
    expect(parseFacts(rec('date', busybox)).date_time).toMatchObject({ epoch: '1709644029', iso8601_micro: '2024-03-05T13:07:09.000000Z' });
  });

  it('names the service manager from PID 1 or what is installed', () => {
    const svc = (lines: string): unknown => parseFacts(rec('service', lines)).service_mgr;
    expect(svc('proc1=systemd\nsystemctl=1')).toBe('systemd');
    expect(svc('proc1=openrc-init')).toBe('openrc');
    expect(svc('proc1=sh\nsystemctl=1\nsystemd_canary=1')).toBe('systemd');
    expect(svc('proc1=\nsbin_init=/lib/systemd/systemd\nsystemctl=1')).toBe('systemd');
    expect(svc('proc1=init\nopenrc=1\ninitd=1')).toBe('openrc');
    expect(svc('proc1=init\ninitd=1')).toBe('sysvinit');
    expect(svc('proc1=__proto__')).toBe('__proto__');
    expect(svc('')).toBe('service');
  });

  it('reads user facts from the login environment and passwd', () => {
    const facts = parseFacts(
      rec('env', 'USER=deploy') +
        rec('id', 'uid=1001(deploy) gid=1001(deploy) groups=1001(deploy)') +
        rec('passwd', 'deploy:x:1001:1001:Deploy,,,:/home/deploy:/bin/sh'),
    );
    expect(facts).toMatchObject({
      user_id: 'deploy',
      user_uid: 1001,
      user_gid: 1001,
      user_gecos: 'Deploy,,,',
      user_dir: '/home/deploy',
      user_shell: '/bin/sh',
      real_user_id: 1001,
      effective_user_id: 1001,
      real_group_id: 1001,
      effective_group_id: 1001,
    });
  });

  it('reads python facts only when the host has a python', () => {
    expect(parseFacts('').python).toBeUndefined();
    const facts = parseFacts(rec('python', '/usr/bin/python3\n3\n11\n2\nfinal\n0\n3.11.2\ncpython\nTrue\n'));
    expect(facts.python).toEqual({
      executable: '/usr/bin/python3',
      version: { major: 3, minor: 11, micro: 2, releaselevel: 'final', serial: 0 },
      version_info: [3, 11, 2, 'final', 0],
      type: 'cpython',
      has_sslcontext: true,
    });
    expect(facts.python_version).toBe('3.11.2');
  });
});

describe('fact names', () => {
  it.each([
    ['os_family', true],
    ['eth0', true],
    ['enp0s31f6', true],
    ['br-1a2b3c4d5e6f', true],
    ['eth0_1', true],
    ['lo', true],
    ['os_famly', false],
    ['distro', false],
    ['__proto__', false],
  ] as const)('%s is known: %s', (name, known) => {
    expect(isKnownFactName(name)).toBe(known);
  });

  it('lists every fixed-name fact parseFacts yields for a full output', () => {
    const facts = parseFacts(runScript());
    const fixed = Object.keys(facts).filter((k) => !(facts.interfaces as string[]).includes(k));
    expect(fixed.filter((k) => !FACT_NAMES.has(k))).toEqual([]);
  });
});

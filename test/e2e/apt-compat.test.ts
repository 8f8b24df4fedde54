/**
 * Issue 14's `apt` and `package` against Ansible's, with the real apt-get and dpkg of the lab
 * hosts (each host has its own overlays over /etc, /usr, /var/lib, /var/cache and /var/log,
 * so what they install changes only that host). A small local repository (built by
 * test/fixtures/apt/build-repo.sh with dpkg-deb and apt-ftparchive in a dir every host reads)
 * is each host's only apt source, and the package lists are emptied and made old, so
 * `update_cache` has something to do and never reaches for the network (the test checks that
 * the hosts have no route out and no other source). One playbook runs with `tpx run` on one
 * 1-host fleet and `ansible-playbook` on its twin, twice, then with --check; compared after
 * each: the recaps, every task's status and msg, what `register` got (written to a file on the
 * host) and the host's dpkg state (`dpkg-query -W`, `apt-mark showmanual`, the conffile).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { quoteArg } from '../../src/shell/quote.js';
import { ensureBuilt } from '../cli/run-built-tpx.js';
import { useLab } from '../helpers/lab.js';
import { ansibleHome, compareRounds, enabled, expectFencedHost, hasAnsible, stopControlMasters } from './compat-helpers.js';

const BUILD_REPO = new URL('../fixtures/apt/build-repo.sh', import.meta.url).pathname;

/** The registered results, written one a line to /opt/apt-results.txt. */
const RESULTS = [
  'updated',
  'pinned',
  'glob',
  'present',
  'latest',
  'latest_again',
  'downgrade_refused',
  'downgraded',
  'removed',
  'removed_again',
  'purged',
  'deb',
  'deb_again',
  'updated_always',
  'missing',
  'no_candidate',
  'pkg_absent',
  'pkg_present',
  'autoremoved',
  'cleaned',
  'pkg_facts',
  'only_upgrade',
  'pkg_purged',
];

const playbook = (repo: string): string => `---
- name: apt
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: apt update the cache when older than an hour
      apt:
        update_cache: true
        cache_valid_time: 3600
      register: updated

    - name: apt install a pinned version
      apt: name=tpx-demo=1.0
      register: pinned

    - name: apt a version glob the installed version matches
      apt:
        name: tpx-demo=1.*
      register: glob

    - name: apt present leaves the pinned version
      ansible.builtin.apt:
        pkg: [tpx-demo]
        state: present
      register: present

    - name: apt latest upgrades
      apt:
        name: tpx-demo
        state: latest
        install_recommends: false
      register: latest

    - name: apt latest again
      apt: name=tpx-demo state=latest
      register: latest_again

    - name: apt an older version without allow_downgrade
      apt: name=tpx-demo=1.0
      register: downgrade_refused
      ignore_errors: true

    - name: apt an older version with allow_downgrade
      apt:
        name: tpx-demo=1.0
        allow_downgrade: true
      register: downgraded

    - name: upgrade every package
      apt:
        upgrade: dist
      register: upgraded

    - name: upgrade every package again, as name '*'
      apt:
        name: "*"
        state: latest
      register: upgraded_again

    - name: apt absent keeps the conffile
      apt: name=tpx-demo state=absent
      register: removed

    - name: apt absent again
      apt: name=tpx-demo state=absent
      register: removed_again

    - name: apt absent with purge removes what was left
      apt:
        name: tpx-demo
        state: absent
        purge: true
      register: purged

    - name: apt a deb file with a missing dependency
      apt:
        deb: ${repo}/local/tpx-local_1.0_all.deb
      register: deb
      ignore_errors: true

    - name: apt the same deb again
      apt:
        deb: ${repo}/local/tpx-local_1.0_all.deb
      register: deb_again
      ignore_errors: true

    - name: apt update the cache always
      apt:
        update_cache: true
      register: updated_always

    - name: apt a package no source has
      apt: name=tpx-nosuch
      register: missing
      ignore_errors: true

    - name: apt a version no source has
      apt: name=tpx-demo=9.9
      register: no_candidate
      ignore_errors: true

    - name: package removes through apt
      package:
        name: tpx-extra
        state: absent
      register: pkg_absent

    - name: package installs through apt
      ansible.builtin.package:
        name: tpx-extra
        state: present
      register: pkg_present

    - name: apt autoremove
      apt:
        autoremove: true
      register: autoremoved

    - name: apt cleans up for the next run
      apt:
        name: tpx-local,tpx-extra,tpx-demo-lib
        state: absent
        purge: true
      register: cleaned

- name: package with the gathered facts
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: facts
      setup:

    - name: package through the gathered pkg_mgr, with apt's own parameters
      package:
        name: tpx-extra
        state: present
        install_recommends: false
      register: pkg_facts

    - name: apt only_upgrade leaves a missing package missing
      apt:
        name: tpx-demo
        only_upgrade: true
      register: only_upgrade

    - name: package cleans up with apt's purge
      package:
        name: tpx-extra
        state: absent
        purge: true
      register: pkg_purged

    - name: what apt returned
      copy:
        dest: /opt/apt-results.txt
        mode: "0644"
        content: |
${UPGRADES.map((r) => `          ${r}: {{ ${r}.keys() | list | sort | join(',') }} {{ ${r}.changed }} {{ ${r}.msg is search('\\n1 upgraded, 0 newly installed') }} {{ ${r}.msg == ${r}.stdout }}\n`).join('')}${RESULTS.map((r) => `          ${r}: {{ ${r}.keys() | list | sort | join(',') }} {{ ${r}.changed }} {{ ${r}.cache_updated | default('-') }} {{ ${r}.msg | default('-') | to_json }} {{ ${r}.diff | default('-') | to_json }} {{ (${r}.stdout | default('')) is search('tpx-') }}\n`).join('')}`;

/**
 * The registered results of the upgrades, whose msg is apt-get's whole output (with the count
 * of files in dpkg's database, which this machine's own dpkg runs may change between the
 * twins' runs): written without it.
 */
const UPGRADES = ['upgraded', 'upgraded_again'];

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => task.startsWith('apt') || task.startsWith('package');

/**
 * Makes the local repository the host's only apt source, empties its package lists and makes
 * them two days old; checks first that /etc and /var/lib are the host's own overlays and that
 * the host has no route out.
 */
async function useLocalRepository(lab: LabState, repo: string): Promise<void> {
  for (const h of lab.hosts) {
    await expectFencedHost(lab, h, ['/etc', '/var/lib', '/usr']);
    // The host's dpkg state lies over this machine's: wait out a dpkg run here (its journal in updates/).
    const idle = await hostExec(lab, h.name, 'for i in $(seq 180); do [ -z "$(ls -A /var/lib/dpkg/updates)" ] && exit 0; sleep 1; done; exit 1');
    expect(idle.code, 'dpkg is busy on this machine').toBe(0);
    const r = await hostExec(
      lab,
      h.name,
      [
        'set -e',
        ': > /etc/apt/sources.list',
        'rm -f /etc/apt/sources.list.d/*',
        `echo ${quoteArg(`deb [trusted=yes] file:${repo} ./`)} > /etc/apt/sources.list.d/tpx-test.list`,
        'find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -delete',
        'rm -f /var/lib/apt/periodic/update-success-stamp',
        "touch -d '2 days ago' /var/lib/apt/lists",
        'apt-get indextargets --format "\\$(URI)" | grep -v "^file:" || true',
      ].join('\n'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, 'no source but the local repository').toBe('');
  }
}

/** The host's packages of the test, their marks, the conffile and the registered results. */
async function aptState(lab: LabState, host: string): Promise<string> {
  const r = await hostExec(
    lab,
    host,
    [
      "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' 'tpx-*' 2>/dev/null | sort",
      'echo "manual:"; apt-mark showmanual | grep "^tpx-" | sort',
      'echo "conf:"; cat /etc/tpx-demo.conf 2>&1',
      'echo "results:"; cat /opt/apt-results.txt 2>/dev/null',
    ].join('; '),
  );
  return r.stdout;
}

describe.skipIf(!enabled)("apt and package answer as Ansible does, with the hosts' real apt", () => {
  const tpxLab = useLab({ hosts: 1, versions: ['none'] });
  const ansibleLab = useLab({ hosts: 1, versions: ['none'] });
  let work = '';
  let repoDir = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tpx-apt-compat-'));
    // In /var/tmp, which the lab hosts share with this machine (their /tmp is their own), open
    // to all: apt reads a file: source as its _apt user.
    repoDir = mkdtempSync('/var/tmp/tpx-apt-repo-');
    chmodSync(repoDir, 0o755);
    ensureBuilt();
  }, 240_000);
  afterAll(() => {
    if (repoDir) rmSync(repoDir, { recursive: true, force: true });
    if (!work) return;
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });

  it('same recaps, task outcomes, registered results and dpkg state on two runs and with --check', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const repo = join(repoDir, 'repo');
    const built = spawnSync('sh', [BUILD_REPO, repo], { encoding: 'utf8' });
    expect(built.status, `${built.stderr} (apt-ftparchive is in apt-utils)`).toBe(0);
    const file = join(work, 'apt.yml');
    writeFileSync(file, playbook(repo));
    await useLocalRepository(tpxLab.state, repo);
    await useLocalRepository(ansibleLab.state, repo);
    const host = tpxLab.state.hosts[0].name;
    const reports = await compareRounds({
      tpxLab: tpxLab.state,
      ansibleLab: ansibleLab.state,
      work,
      playbook: file,
      state: aptState,
      withMsg,
      checkArgs: ['--check', '--diff'],
    });
    // The playbook did what it says (so equal states cannot pass by doing nothing).
    const state = await aptState(tpxLab.state, host);
    expect(state).toContain('updated: cache_update_time,cache_updated,changed,failed False False "-" "-" False\n');
    expect(state).toContain('pinned: cache_update_time,cache_updated,changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True False');
    expect(state).toContain('glob: cache_update_time,cache_updated,changed,failed False False "-" "-" False\n');
    expect(state).toContain('missing: changed,failed,msg False - "No package matching \'tpx-nosuch\' is available" "-" False\n');
    expect(state).toContain(
      'no_candidate: cache_update_time,cache_updated,changed,failed,msg False False "no available installation candidate for tpx-demo=9.9"',
    );
    expect(state).toContain('deb_again: changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines False - "-" "" False\n');
    expect(state).toContain('autoremoved: changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True - "-" {} True\n');
    expect(state).toContain('removed_again: changed,failed False - "-" "-" False\n');
    expect(state).toMatch(/^purged: changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True - "-" \{\} True$/m);
    expect(state).toMatch(/^deb: changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True - /m);
    expect(state).toContain('conf:\ncat: /etc/tpx-demo.conf: No such file or directory\n');
    expect(state).toContain('pkg_facts: cache_update_time,cache_updated,changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True False');
    expect(state).toContain('only_upgrade: cache_update_time,cache_updated,changed,failed False False "-" "-" False\n');
    expect(state).toMatch(/^pkg_purged: changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True /m);
    expect(state).toContain('upgraded: changed,diff,failed,msg,stderr,stderr_lines,stdout,stdout_lines True True True\n');
    expect(state).toContain('upgraded_again: changed,failed,msg,stderr,stderr_lines,stdout,stdout_lines False False True\n');
    expect(state).toContain(`install 'tpx-demo=1.0'' failed: E: Packages were downgraded and -y was used without --allow-downgrades.`);
    expect(state).toMatch(/^downgraded: cache_update_time,cache_updated,changed,diff,failed,stderr,stderr_lines,stdout,stdout_lines True /m);
    const check = reports.check.hosts[host].tasks.map((t) => `${t.task}: ${t.status}`);
    expect(check).toContain('apt install a pinned version: changed');
    expect(check).toContain('apt absent again: ok');
    const first = reports.first.hosts[host].tasks.map((t) => `${t.task}: ${t.status}`);
    expect(first).toContain('apt update the cache when older than an hour: changed');
    expect(first).toContain('apt latest upgrades: changed');
    expect(reports.second.hosts[host].tasks.map((t) => `${t.task}: ${t.status}`)).toContain('apt update the cache when older than an hour: ok');
  }, 600_000);
});

/**
 * Issue 14's `dnf`, `yum` (its dnf backend) and `package` (use: dnf) against Ansible's, with
 * the real dnf and rpm of the lab hosts (Debian's dnf, python3-dnf and rpm packages; each host
 * has its own overlays over /etc, /usr, /var/lib, /var/cache and /var/log, so what dnf installs
 * changes only that host). A small rpm repository (built by test/fixtures/dnf/build-repo.sh
 * with rpmbuild and createrepo_c in a dir every host reads) is each host's only repository;
 * the rpm database is put in /var/lib/rpm (Debian's rpm keeps it in ~/.rpmdb) and starts
 * empty, dnf's cache is emptied and /etc/dnf/vars names a release version. One playbook runs with `tpx run` on one 1-host fleet and
 * `ansible-playbook` on its twin, twice, then with --check; compared after each: the recaps,
 * every task's status and msg, what `register` got (written to a file on the host) and the
 * host's rpm state (`rpm -qa`).
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

const BUILD_REPO = new URL('../fixtures/dnf/build-repo.sh', import.meta.url).pathname;
const hasDnf = spawnSync('sh', ['-c', 'command -v dnf && command -v rpmbuild && command -v createrepo_c'], { stdio: 'ignore' }).status === 0;

/** The registered results, written one a line to /opt/dnf-results.txt. */
const RESULTS = [
  'cache',
  'pinned',
  'latest_predicted',
  'absent_predicted',
  'present',
  'latest',
  'latest_again',
  'downgrade_refused',
  'downgraded',
  'missing',
  'yum_present',
  'pkg_absent',
  'removed',
  'removed_again',
  'autoremoved',
  'all_latest',
  'no_repo',
  'only_repo',
  'cleaned',
];

const playbook = `---
- name: dnf
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: dnf update the cache alone
      dnf:
        update_cache: true
      register: cache

    - name: dnf install a name-version-release with its dependency
      dnf: name=tpx-demo-1.0-1 state=present
      register: pinned

    - name: dnf latest predicted in check mode
      dnf:
        name: tpx-demo
        state: latest
      check_mode: true
      register: latest_predicted

    - name: dnf absent of a dependency predicted in check mode
      dnf:
        name: tpx-demo-lib
        state: absent
      check_mode: true
      register: absent_predicted

    - name: dnf present leaves the installed version
      ansible.builtin.dnf:
        pkg: [tpx-demo]
        state: installed
      register: present

    - name: dnf latest upgrades
      dnf:
        name: tpx-demo
        state: latest
      register: latest

    - name: dnf latest again
      dnf: name=tpx-demo state=latest
      register: latest_again

    - name: dnf an older version without allow_downgrade
      dnf: name=tpx-demo-1.0-1.noarch
      register: downgrade_refused

    - name: dnf an older version with allow_downgrade
      dnf:
        name: tpx-demo-1.0-1.noarch
        allow_downgrade: true
      register: downgraded

    - name: dnf a package no repository has
      dnf:
        name: tpx-extra,tpx-nosuch
      register: missing
      ignore_errors: true

    - name: yum through its dnf backend
      yum:
        name: tpx-extra
        update_cache: true
        disable_gpg_check: true
        use_backend: dnf
      register: yum_present

    - name: package removes through dnf
      package:
        name: tpx-extra
        state: absent
        use: dnf
      register: pkg_absent

    - name: dnf absent leaves the dependency
      dnf: name=tpx-demo state=absent
      register: removed

    - name: dnf absent again
      dnf: name=tpx-demo state=removed
      register: removed_again

    - name: dnf autoremove alone
      dnf:
        autoremove: true
      register: autoremoved

    - name: dnf installs the old version again
      dnf: name=tpx-demo-1.0-1

    - name: dnf latest for every package
      dnf:
        name: "*"
        state: latest
      register: all_latest

    - name: dnf with every repository disabled
      dnf:
        name: tpx-extra
        disablerepo: "*"
      register: no_repo
      ignore_errors: true

    - name: dnf with only the test repository
      dnf:
        name: tpx-extra
        disablerepo: "*"
        enablerepo: tpx-test
      register: only_repo

    - name: dnf cleans up for the next run
      dnf:
        name:
          - tpx-demo
          - tpx-demo-lib
          - tpx-extra
        state: absent
      register: cleaned

    - name: what dnf returned
      copy:
        dest: /opt/dnf-results.txt
        mode: "0644"
        content: |
${RESULTS.map((r) => `          ${r}: {{ ${r}.keys() | list | sort | join(',') }} {{ ${r}.changed }} {{ ${r}.msg | default('-') | to_json }} {{ ${r}.rc | default('-') }} {{ ${r}.results | default([]) | sort | to_json }} {{ ${r}.failures | default('-') | to_json }}\n`).join('')}`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => /^(dnf|yum|package) /.test(task);

/**
 * Makes the local repository the host's only dnf repository, puts an empty rpm database in
 * /var/lib/rpm and empties dnf's cache and history; checks first that the paths dnf and rpm
 * write are the host's own overlays and that the host has no route out.
 */
async function useLocalRepository(lab: LabState, repo: string): Promise<void> {
  for (const h of lab.hosts) {
    await expectFencedHost(lab, h, ['/etc', '/var/lib', '/usr', '/var/cache', '/var/log']);
    const r = await hostExec(
      lab,
      h.name,
      [
        'set -e',
        'mkdir -p /etc/rpm /etc/yum.repos.d /var/lib/rpm /etc/dnf/vars',
        // A release version, as a Red Hat host's release package gives (else Ansible's dnf warns).
        'echo 12 > /etc/dnf/vars/releasever',
        "echo '%_dbpath /var/lib/rpm' > /etc/rpm/macros.tpx-dbpath",
        'rm -rf /var/lib/rpm/* /var/lib/dnf /var/cache/dnf /etc/yum.repos.d/*',
        'rpm --initdb',
        `printf '%s\\n' '[tpx-test]' 'name=tpx test' ${quoteArg(`baseurl=file://${repo}`)} 'gpgcheck=0' > /etc/yum.repos.d/tpx-test.repo`,
        'rpm --eval %_dbpath',
        'rpm -qa | wc -l',
      ].join('\n'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('/var/lib/rpm\n0\n');
  }
}

/** The host's rpm packages and the registered results. */
async function dnfState(lab: LabState, host: string): Promise<string> {
  const r = await hostExec(
    lab,
    host,
    ["rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n' | sort", 'echo "results:"; cat /opt/dnf-results.txt 2>/dev/null'].join('; '),
  );
  return r.stdout;
}

describe.skipIf(!enabled)("dnf, yum and package answer as Ansible does, with the hosts' real dnf", () => {
  const tpxLab = useLab({ hosts: 1, versions: ['none'] });
  const ansibleLab = useLab({ hosts: 1, versions: ['none'] });
  let work = '';
  let repoDir = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tpx-dnf-compat-'));
    // In /var/tmp, which the lab hosts share with this machine (their /tmp is their own).
    repoDir = mkdtempSync('/var/tmp/tpx-dnf-repo-');
    chmodSync(repoDir, 0o755);
    ensureBuilt();
  }, 240_000);
  afterAll(() => {
    if (repoDir) rmSync(repoDir, { recursive: true, force: true });
    if (!work) return;
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });

  it('same recaps, task outcomes, registered results and rpm state on two runs and with --check', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    expect(hasDnf, 'dnf, rpmbuild or createrepo_c is missing (apt-get install dnf rpm createrepo-c)').toBe(true);
    const repo = join(repoDir, 'repo');
    const built = spawnSync('sh', [BUILD_REPO, repo], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const file = join(work, 'dnf.yml');
    writeFileSync(file, playbook);
    await useLocalRepository(tpxLab.state, repo);
    await useLocalRepository(ansibleLab.state, repo);
    const host = tpxLab.state.hosts[0].name;
    const reports = await compareRounds({
      tpxLab: tpxLab.state,
      ansibleLab: ansibleLab.state,
      work,
      playbook: file,
      state: dnfState,
      withMsg,
      checkArgs: ['--check'],
    });
    // The playbook did what it says (so equal states cannot pass by doing nothing).
    const state = await dnfState(tpxLab.state, host);
    expect(state).toContain('cache: changed,failed,msg,rc,results False "Cache updated" 0 [] "-"\n');
    expect(state).toContain(
      'pinned: changed,failed,msg,rc,results True "" 0 ["Installed: tpx-demo-1.0-1.noarch", "Installed: tpx-demo-lib-1.0-1.noarch"] "-"\n',
    );
    expect(state).toContain('present: changed,failed,msg,rc,results False "Nothing to do" 0 [] "-"\n');
    expect(state).toContain(
      'latest_predicted: changed,failed,msg,rc,results True "Check mode: No changes made, but would have if not in check mode" 0 ["Installed: tpx-demo-2.0-1.noarch", "Removed: tpx-demo-1.0-1.noarch"] "-"\n',
    );
    expect(state).toContain(
      'absent_predicted: changed,failed,msg,rc,results True "Check mode: No changes made, but would have if not in check mode" 0 ["Removed: tpx-demo-1.0-1.noarch", "Removed: tpx-demo-lib-1.0-1.noarch"] "-"\n',
    );
    expect(state).toContain('latest: changed,failed,msg,rc,results True "" 0 ["Installed: tpx-demo-2.0-1.noarch", "Removed: tpx-demo-1.0-1.noarch"] "-"\n');
    expect(state).toContain('downgrade_refused: changed,failed,msg,rc,results False "Nothing to do" 0 [] "-"\n');
    expect(state).toContain(
      'missing: changed,failed,failures,msg,rc,results False "Failed to install some of the specified packages" 1 [] ["No package tpx-nosuch available."]\n',
    );
    expect(state).toContain('autoremoved: changed,failed,msg,rc,results True "" 0 ["Removed: tpx-demo-lib-1.0-1.noarch"] "-"\n');
    expect(state).toMatch(/^cleaned: changed,failed,msg,rc,results True "" 0 \["Removed: tpx-demo-2.0-1.noarch", /m);
    const check = reports.check.hosts[host].tasks.map((t) => `${t.task}: ${t.status}`);
    expect(check).toContain('dnf install a name-version-release with its dependency: changed');
    expect(check).toContain('dnf absent again: ok');
    const first = reports.first.hosts[host].tasks.map((t) => `${t.task}: ${t.status}`);
    expect(first).toContain('dnf latest upgrades: changed');
    expect(first).toContain('dnf latest again: ok');
  }, 600_000);
});

/**
 * Issue 14's host modules against Ansible's: `group`, `user`, `hostname`, `sysctl` and `cron`.
 * One playbook per part (test/fixtures/host-modules/*.yml, plus a task that writes what every
 * task registered to a file on the host) runs with `tpx run` on one lab fleet and with
 * `ansible-playbook` on its twin, twice, then with --check (and --diff). Compared after each
 * run: the recaps, every task's status and msg, the registered results, and the hosts' real
 * state (getent, id, shadow, homes, hostname, sysctl values inside the host, crontabs, /etc/cron.d).
 * Every lab host has its own /etc, /home, /var/spool overlays, UTS and network namespace; what
 * the playbooks create is removed again at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { quoteArg } from '../../src/shell/quote.js';
import { compareRounds, enabled, hasAnsible, type HostState, useTwinFleets } from './compat-helpers.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/host-modules/${name}`, import.meta.url), 'utf8');

/** A last task that writes each registered result (without Ansible's invocation) to /opt/host-modules-results.txt. */
function withResults(playbook: string, registered: readonly string[], presenceOnly: readonly string[] = []): string {
  const hidden = ['invocation', 'warnings', 'diff', ...presenceOnly].map((k) => `'${k}'`).join(', ');
  // Values that differ by nature (a random backup path) are compared by their presence only.
  const present = (r: string): string => presenceOnly.map((k) => ` ${k}={{ '${k}' in ${r} }}`).join('');
  const lines = registered.map(
    (r) => `          ${r}: {{ ${r} | dict2items | rejectattr('key', 'in', [${hidden}]) | items2dict | to_json(sort_keys=true) }}${present(r)}\n`,
  );
  return `${playbook}
    - name: what the tasks returned
      copy:
        dest: /opt/host-modules-results.txt
        mode: "0644"
        content: |
${lines.join('')}`;
}

/** The names a playbook registers, in order. */
const registeredIn = (playbook: string): string[] => [...playbook.matchAll(/^\s+register: (\w+)$/gm)].map((m) => m[1]);

async function sh(lab: LabState, host: string, command: string): Promise<string> {
  const r = await hostExec(lab, host, command);
  return r.stdout;
}

/** Accounts: passwd and group entries, memberships, the shadow fields (the hash as a digest), homes, and the results. */
const accountState: HostState = (lab, host) =>
  sh(
    lab,
    host,
    [
      'getent passwd | grep "^tpxc-" | sort',
      'getent group | grep "^tpxc-" | sort',
      'for u in tpxc-u1 tpxc-u2 tpxc-u3; do id $u 2>&1; done',
      'getent shadow | grep "^tpxc-" | sort | while IFS=: read -r n h c a b d e x r; do echo "$n $(printf %s "$h" | sha256sum | cut -c1-12) $c $a $b $d $e $x"; done',
      "find /home -maxdepth 2 -path '/home/tpxc-*' -printf '%p %y %m %u:%g\\n' | sort",
      'echo "results:"; cat /opt/host-modules-results.txt 2>/dev/null',
    ].join('; '),
  );

/** Removes what the accounts playbook made (lab down would drop the overlays anyway). */
async function removeAccounts(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    await hostExec(
      lab,
      h.name,
      'for u in tpxc-u1 tpxc-u2 tpxc-u3 tpxc-u4; do userdel -r $u 2>/dev/null; done; for g in tpxc-g1 tpxc-g2 tpxc-sys tpxc-gone tpxc-dup tpxc-u2 tpxc-u4; do groupdel $g 2>/dev/null; done; rm -rf /home/tpxc-u2-new /home/tpxc-u3; true',
    );
  }
}

/** The names: the running one, /etc/hostname, the facts the playbook wrote, and the results. */
const hostnameState: HostState = (lab, host) =>
  sh(
    lab,
    host,
    'hostname; echo "file:"; cat /etc/hostname; echo "facts:"; cat /opt/host-modules-facts.txt; echo "results:"; cat /opt/host-modules-results.txt',
  );

/** The net.* keys the sysctl playbook sets (per network namespace: each lab host has its own). */
const SYSCTL_KEYS = 'net.ipv4.tcp_syn_retries net.ipv4.ping_group_range net.ipv4.tcp_fin_timeout';

/** The running values inside the host, the test's sysctl files with their modes, and the results. */
const sysctlState: HostState = (lab, host) =>
  sh(
    lab,
    host,
    `sysctl ${SYSCTL_KEYS}; for f in /etc/sysctl.d/9?-tpx-test*.conf; do echo "== $f $(stat -c '%a %U:%G' "$f")"; cat "$f"; done; echo "results:"; cat /opt/host-modules-results.txt`,
  );

/** This machine's own values of the keys (read only): the lab must never change them. */
const machineSysctl = (): string => execFileSync('sysctl', SYSCTL_KEYS.split(' '), { encoding: 'utf8' });

/** The crontabs (root's, tpxc-cron's) and the test's files in /etc/cron.d, with modes. */
const cronState: HostState = (lab, host) =>
  sh(
    lab,
    host,
    'for u in root tpxc-cron; do echo "== crontab $u"; crontab -l -u $u 2>&1; done; for f in /etc/cron.d/tpxc-*; do echo "== $f $(stat -c \'%a %U:%G\' "$f")"; cat "$f"; done; echo "results:"; cat /opt/host-modules-results.txt',
  );

const withMsg = (task: string): boolean => /^(group|user|hostname|sysctl|cron)\b/.test(task);

describe.skipIf(!enabled)('host modules answer as Ansible does, on real lab hosts', () => {
  // Twin one-host fleets, each with its own /etc, /home and /var/spool.
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-host-modules-', 1);

  it('group and user: same recaps, outcomes, registered results and accounts, on two runs and with --check', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const source = fixture('accounts.yml');
    const playbook = join(dir(), 'accounts.yml');
    writeFileSync(playbook, withResults(source, registeredIn(source)));
    const host = tpxLab.state.hosts[0].name;
    try {
      await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work: dir(), playbook, state: accountState, withMsg, checkArgs: ['--check'] });
      const state = await accountState(tpxLab.state, host);
      expect(state).toContain('tpxc-u1:x:3911:3901:Compat One:/home/tpxc-u1:/bin/sh\n');
      expect(state).toContain('tpxc-g2:x:3902:tpxc-u1\n');
      // The home a user without one gets: the skeleton, the mode from login.defs, owned by the user (since removed).
      expect(state).toMatch(/\/home\/tpxc-u3 d 755 \S+\n\/home\/tpxc-u3\/\.bash_logout f 644 /);
      expect(state).toContain('u_pw_create: {"append": false, "changed": false');
      // The results file is the second run's: tpxc-u1 is there already and gets its groups back.
      expect(state).toContain(
        'u_add: {"append": false, "changed": true, "comment": "Compat One", "failed": false, "group": 3901, "groups": "tpxc-g2,tpxc-sys"',
      );
      expect(state).toContain('g_dup: {"changed": false, "failed": true, "msg": "groupadd: GID \'3901\' already exists\\n", "name": "tpxc-dup"}');
      expect(state).toContain('u_nogroup: {"changed": false, "failed": true, "msg": "Group tpxc-nosuch does not exist"}');
      expect(state).toContain(
        'g_primary: {"changed": false, "failed": true, "msg": "groupdel: cannot remove the primary group of user \'tpxc-u1\'\\n", "name": "tpxc-g1"}',
      );
      expect(state).toContain('"remove": true, "state": "absent", "stderr": "userdel: tpxc-u2 mail spool');
    } finally {
      await removeAccounts(tpxLab.state);
      await removeAccounts(ansibleLab.state);
    }
  }, 400_000);

  it('hostname: same recaps, outcomes, registered results and names, on two runs and with --check --diff', async () => {
    const source = fixture('hostname.yml');
    const playbook = join(dir(), 'hostname.yml');
    writeFileSync(playbook, withResults(source, registeredIn(source)));
    const labs = [tpxLab.state, ansibleLab.state];
    const saved = await Promise.all(labs.map((lab) => sh(lab, lab.hosts[0].name, 'cat /etc/hostname')));
    try {
      await compareRounds({
        tpxLab: tpxLab.state,
        ansibleLab: ansibleLab.state,
        work: dir(),
        playbook,
        state: hostnameState,
        withMsg,
        checkArgs: ['--check', '--diff'],
      });
      const state = await hostnameState(tpxLab.state, tpxLab.state.hosts[0].name);
      expect(state).toContain('file:\ntpxc-host.example.test\n');
      expect(state).toContain('h_again: {"ansible_facts": {"ansible_domain": ');
      expect(state).toContain('facts:\ntpxc-host tpxc-host.example.test ');
      // The lab's hosts run no systemd: hostnamectl fails, and says so as Ansible says it.
      expect(state).toContain('h_systemd: {"changed": false, "failed": true, "msg": "Command failed rc=1, out=, err=');
    } finally {
      for (const [i, lab] of labs.entries()) await hostExec(lab, lab.hosts[0].name, 'cat > /etc/hostname', { input: saved[i] });
    }
  }, 400_000);

  it('sysctl (net.* keys, in files of its own): same recaps, outcomes, results, running values and files, on two runs and with --check --diff', async () => {
    const source = fixture('sysctl.yml');
    const playbook = join(dir(), 'sysctl.yml');
    writeFileSync(playbook, withResults(source, registeredIn(source)));
    const machineBefore = machineSysctl();
    const labs = [tpxLab.state, ansibleLab.state];
    const saved = await Promise.all(labs.map((lab) => sh(lab, lab.hosts[0].name, `sysctl ${SYSCTL_KEYS} | sed 's/ = /=/'`)));
    // A file there already, mode 0600, with a comment and a repeated key: rewritten as Ansible rewrites it, its mode kept.
    for (const lab of labs) {
      await hostExec(
        lab,
        lab.hosts[0].name,
        "umask 077; printf '# tpx test\\n net.ipv4.tcp_fin_timeout = 40\\nnet.ipv4.tcp_fin_timeout=41\\n' > /etc/sysctl.d/90-tpx-test.conf",
      );
    }
    try {
      await compareRounds({
        tpxLab: tpxLab.state,
        ansibleLab: ansibleLab.state,
        work: dir(),
        playbook,
        state: sysctlState,
        withMsg,
        checkArgs: ['--check', '--diff'],
      });
      const state = await sysctlState(tpxLab.state, tpxLab.state.hosts[0].name);
      expect(state).toContain('net.ipv4.tcp_syn_retries = 5\nnet.ipv4.ping_group_range = 0\t0\n');
      expect(state).toContain('== /etc/sysctl.d/90-tpx-test.conf 600 root:root\n# tpx test\nnet.ipv4.tcp_syn_retries=5\nnet.ipv4.ping_group_range=0   0\n==');
      expect(state).toContain('s_fails: {"changed": false, "failed": true, "msg": "Failed to reload sysctl: ');
    } finally {
      for (const [i, lab] of labs.entries()) {
        const restore = saved[i]
          .trim()
          .split('\n')
          .map((kv) => `sysctl -q -w ${quoteArg(kv)}`);
        await hostExec(lab, lab.hosts[0].name, `${restore.join('; ')}; rm -f /etc/sysctl.d/9?-tpx-test*.conf`);
      }
    }
    expect(machineSysctl(), "this machine's own values").toBe(machineBefore);
  }, 400_000);

  it('cron: same recaps, outcomes, registered results, crontabs and cron.d files, on two runs and with --check --diff', async () => {
    const source = fixture('cron.yml');
    const playbook = join(dir(), 'cron.yml');
    writeFileSync(playbook, withResults(source, registeredIn(source), ['backup_file']));
    const labs = [tpxLab.state, ansibleLab.state];
    // A user of its own, and a job root's crontab has already, without Ansible's mark.
    for (const lab of labs) {
      await hostExec(lab, lab.hosts[0].name, "useradd -M tpxc-cron && printf '# kept\\n15 2 * * * /usr/bin/true adopted\\n' | crontab -u root -");
    }
    try {
      await compareRounds({
        tpxLab: tpxLab.state,
        ansibleLab: ansibleLab.state,
        work: dir(),
        playbook,
        state: cronState,
        withMsg,
        checkArgs: ['--check', '--diff'],
      });
      const state = await cronState(tpxLab.state, tpxLab.state.hosts[0].name);
      expect(state).toContain(
        '== crontab root\nMAILTO="ops@example.test"\n# kept\n#Ansible: tpxc adopted\n15 2 * * * /usr/bin/true adopted\n#Ansible: tpxc nightly\n30 3 * * 1-5 /usr/bin/true nightly\n',
      );
      expect(state).toContain('== /etc/cron.d/tpxc-test 644 root:root\n#Ansible: tpxc file job\n* 4 * * * root /usr/bin/true file\n');
      expect(state).not.toContain('== /etc/cron.d/tpxc-test-2');
    } finally {
      for (const lab of labs)
        await hostExec(lab, lab.hosts[0].name, 'crontab -r -u root; crontab -r -u tpxc-cron; userdel tpxc-cron; rm -f /etc/cron.d/tpxc-* /tmp/crontab*; true');
    }
  }, 400_000);
});

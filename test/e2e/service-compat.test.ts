/**
 * Issue 14's `service` against Ansible's: a real LSB init script (test/fixtures/service/tpx-demo.sh,
 * a bounded `sleep` daemon started by start-stop-daemon) is installed in /etc/init.d of every host
 * of two twin lab fleets (each host's /etc is its own overlay), and one playbook runs with
 * `tpx run` on one fleet and `ansible-playbook` on the other, twice, then with --check. The lab's
 * hosts have no systemd, so both tools take the `service` command and `update-rc.d` path.
 * Compared after each run: the recaps, every task's status and msg, what `register` got (written
 * to a file on the host), and the host's real state: `service tpx-demo status`, the rc links in
 * /etc/rc?.d, and the daemon's own log of what it was asked to do (start, stop, reload).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { quoteArg } from '../../src/shell/quote.js';
import { compareRounds, enabled, hasAnsible, useTwinFleets } from './compat-helpers.js';

const INIT_SCRIPT = readFileSync(new URL('../fixtures/service/tpx-demo.sh', import.meta.url), 'utf8');
/** A process the test starts (one, on the machine: every host's `ps` sees it) for `pattern`. */
const MARKER = 'tpx-service-compat-marker';

/** The registered results, written one a line to /opt/service-results.txt. */
const RESULTS = ['started', 'started_again', 'enabled', 'reloaded', 'restarted', 'by_pattern', 'no_pattern', 'missing', 'broken', 'stopped', 'stopped_again'];

const PLAYBOOK = `---
- name: service
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: service start
      service: name=tpx-demo state=started
      register: started

    - name: service start again, with arguments
      ansible.builtin.service:
        name: tpx-demo
        state: started
        args: --verbose
      register: started_again

    - name: service enable
      service:
        name: tpx-demo
        enabled: true
      register: enabled

    - name: service reload
      service: name=tpx-demo state=reloaded
      register: reloaded

    - name: service restart with sleep
      service:
        name: tpx-demo
        state: restarted
        sleep: 1
      register: restarted

    - name: service running by pattern
      service:
        name: tpx-demo
        state: started
        pattern: ${MARKER}
      register: by_pattern

    - name: service pattern that matches nothing
      service:
        name: tpx-demo
        state: stopped
        pattern: tpx-no-such-process-anywhere
      register: no_pattern

    - name: service missing
      service: name=tpx-nosuch state=started
      register: missing
      ignore_errors: true

    - name: service that fails to start
      service: name=tpx-broken state=started enabled=yes
      register: broken
      ignore_errors: true

    - name: service stop and disable
      service: name=tpx-demo state=stopped enabled=no
      register: stopped

    - name: service stop again
      service: name=tpx-demo state=stopped
      register: stopped_again

    - name: what service returned
      copy:
        dest: /opt/service-results.txt
        mode: "0644"
        content: |
${RESULTS.map((r) => `          ${r}: {{ ${r}.keys() | list | sort | join(',') }} {{ ${r}.changed }} {{ ${r}.name | default('-') }} {{ ${r}.state | default('-') }} {{ ${r}.enabled | default('-') }} {{ ${r}.msg | default('-') | to_json }}\n`).join('')}`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => task.startsWith('service');

/** Installs tpx-demo and its failing twin tpx-broken in /etc/init.d (the host's overlay), stopped and not enabled. */
async function installInitScripts(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    // The lab's /etc is an overlay: make sure, before writing, that this one is the host's own.
    const mounts = await hostExec(lab, h.name, 'findmnt -n -o FSTYPE,OPTIONS /etc');
    expect(mounts.stdout, `${h.name}'s /etc`).toMatch(new RegExp(`^overlay .*upperdir=${h.dir}/`));
    const r = await hostExec(
      lab,
      h.name,
      'set -e; umask 022; cat > /etc/init.d/tpx-demo; chmod 755 /etc/init.d/tpx-demo; rm -f /run/tpx-demo.log; cp /etc/init.d/tpx-demo /etc/init.d/tpx-broken',
      { input: INIT_SCRIPT },
    );
    expect(r.code, r.stderr).toBe(0);
  }
}

/** What a host's service looks like: its status, its rc links, its log of actions, the results file. */
async function serviceState(lab: LabState, host: string): Promise<string> {
  const r = await hostExec(
    lab,
    host,
    [
      'service tpx-demo status; echo "status rc=$?"',
      "ls /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d | grep -e '^/' -e tpx-",
      'echo "log:"; cat /run/tpx-demo.log 2>/dev/null',
      'echo "results:"; cat /opt/service-results.txt 2>/dev/null',
    ].join('; '),
  );
  return r.stdout;
}

/** Stops the daemons the runs left, by the PID in their pidfile (lab down would end them too). */
async function stopDaemons(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    await hostExec(lab, h.name, 'p=$(cat /run/tpx-demo.pid 2>/dev/null) && case $p in *[!0-9]* | "") ;; *) kill "$p" ;; esac; true');
  }
}

/** Starts the process `pattern` finds, in the first host of `lab`; returns a function that ends it by its PID. */
async function startMarker(lab: LabState): Promise<() => Promise<void>> {
  const host = lab.hosts[0].name;
  const r = await hostExec(lab, host, `setsid bash -c ${quoteArg(`exec -a ${MARKER} sleep 600`)} >/dev/null 2>&1 </dev/null & echo $!`);
  const pid = r.stdout.trim();
  expect(pid).toMatch(/^\d+$/);
  return async () => {
    await hostExec(lab, host, `kill ${pid}`);
  };
}

describe.skipIf(!enabled)('service answers as Ansible does, on real init scripts', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-service-compat-');

  it('same recaps, task outcomes, registered results and service state on two runs and with --check', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'service.yml');
    writeFileSync(playbook, PLAYBOOK);
    const names = tpxLab.state.hosts.map((h) => h.name);
    await installInitScripts(tpxLab.state);
    await installInitScripts(ansibleLab.state);
    const stopMarker = await startMarker(tpxLab.state);
    try {
      await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: serviceState, withMsg, checkArgs: ['--check'] });
      // The playbook did what it says (so equal dumps cannot pass by doing nothing).
      const state = await serviceState(tpxLab.state, names[0]);
      expect(state).toContain('tpx-demo is not running\nstatus rc=3\n');
      expect(state).toContain('K01tpx-demo');
      expect(state).not.toContain('S01tpx-demo');
      expect(state).toContain('log:\nstart\nreload\nstop\nstart\nstop\nstart\nreload\nstop\nstart\nstop\nresults:');
      expect(state).toContain('missing: changed,failed,msg False - - - "Could not find the requested service tpx-nosuch: host"\n');
      expect(state).toContain('broken: changed,failed,msg False - - - "tpx-broken: cannot start: no configuration in /etc/tpx-broken.conf\\n"\n');
      expect(state).toContain('started: changed,failed,name,state True tpx-demo started - "-"\n');
      expect(state).toContain('enabled: changed,enabled,failed,name True tpx-demo - True "-"\n');
    } finally {
      await stopMarker();
      await stopDaemons(tpxLab.state);
      await stopDaemons(ansibleLab.state);
    }
  }, 400_000);
});

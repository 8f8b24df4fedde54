/**
 * Issue 14's `systemd` / `systemd_service` against Ansible's, on a systemctl STAND-IN: the lab's
 * hosts have no systemd (no PID 1 systemd in a namespace), so every host of two twin lab fleets
 * gets test/fixtures/systemd/systemctl.sh as its own /usr/bin/systemctl (the host's /usr is an
 * overlay), /run/systemd/system, and a real unit file (test/fixtures/systemd/tpx-demo.service in
 * /lib/systemd/system) whose daemon the stand-in really starts, signals and stops. One playbook
 * runs with `tpx run` on one fleet and `ansible-playbook` on the other, twice, then with --check.
 * Compared after each run: the recaps, every task's status and msg, what `register` got (its keys,
 * the status dict's keys and main values, written to a file on the host), and the host's state:
 * the links under /etc/systemd/system, whether the daemon runs, the stand-in's log of systemctl
 * actions and the daemon's own log of what it was asked (started, reloaded, stopped).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { ensureBuilt } from '../cli/run-built-tpx.js';
import { useLab } from '../helpers/lab.js';
import { ansibleHome, compareRounds, enabled, hasAnsible, stopControlMasters } from './compat-helpers.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/systemd/${name}`, import.meta.url), 'utf8');
const STANDIN = fixture('systemctl.sh');
const DAEMON = fixture('tpx-demo-daemon.sh');
const UNIT = fixture('tpx-demo.service');

/** The registered results, written one a line to /opt/systemd-results.txt. */
const RESULTS = [
  'started',
  'started_again',
  'reloaded',
  'restarted',
  'masked',
  'masked_start',
  'unmasked',
  'daemon_reloaded',
  'only_reload',
  'missing',
  'glob',
  'checked_stop',
  'svc_systemd',
  'svc_auto',
  'stopped',
  'stopped_again',
];

/** What one registered result shows: its keys, changed, name/state/enabled, msg, and its status. */
const resultLine = (r: string): string =>
  `          ${r}: {{ ${r}.keys() | list | sort | join(',') }} {{ ${r}.changed }} {{ ${r}.name | default('-') }} {{ ${r}.state | default('-') }}` +
  ` {{ ${r}.enabled | default('-') }} {{ ${r}.msg | default('-') | to_json }}` +
  ` {{ (${r}.status | default({})).ActiveState | default('-') }} {{ (${r}.status | default({})).UnitFileState | default('-') }}` +
  ` {{ (${r}.status | default({})).LoadState | default('-') }} {{ (${r}.status | default({})).Description | default('-') | to_json }}` +
  ` {{ (${r}.status | default({})).NeedDaemonReload | default('-') }}\n` +
  `          ${r}.status: {{ (${r}.status | default({})).keys() | list | sort | join(',') }}\n`;

const PLAYBOOK = `---
- name: systemd
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: systemd start and enable
      systemd: name=tpx-demo state=started enabled=yes
      register: started

    - name: systemd start again, as systemd_service with the unit's full name
      ansible.builtin.systemd_service:
        name: tpx-demo.service
        state: started
      register: started_again

    - name: systemd reload
      systemd: name=tpx-demo state=reloaded
      register: reloaded

    - name: systemd restart without blocking
      ansible.builtin.systemd:
        unit: tpx-demo
        state: restarted
        no_block: true
      register: restarted

    - name: systemd mask
      systemd: name=tpx-demo masked=yes
      register: masked

    - name: systemd restart a masked unit
      systemd: name=tpx-demo state=restarted
      register: masked_start
      ignore_errors: true

    - name: systemd unmask
      systemd_service: service=tpx-demo masked=no
      register: unmasked

    # Not lineinfile: Ansible's, run as root, would make its remote temp dir root's.
    - name: change the unit file
      command: sed -i -e 's/^Description=tpx demo daemon$/Description=tpx demo daemon, changed/' /lib/systemd/system/tpx-demo.service

    - name: systemd daemon-reload first
      systemd:
        name: tpx-demo
        state: started
        daemon_reload: true
      register: daemon_reloaded

    - name: systemd only daemon-reload
      systemd:
        daemon-reload: yes
      register: only_reload

    - name: systemd missing unit
      systemd: name=tpx-nosuch state=started
      register: missing
      ignore_errors: true

    - name: systemd glob in the name
      systemd: name=tpx-* state=started
      register: glob
      ignore_errors: true

    - name: systemd stop and disable, in check mode
      systemd: name=tpx-demo state=stopped enabled=no
      check_mode: true
      register: checked_stop

    - name: systemd through service, use systemd (sleep is dropped)
      service:
        name: tpx-demo
        state: started
        sleep: 1
        use: systemd
      register: svc_systemd

    - name: systemd through service, use auto (the lab's PID 1 is not systemd, so service's own systemctl path)
      service: name=tpx-demo state=restarted enabled=yes
      register: svc_auto

    - name: systemd stop and disable
      systemd: name=tpx-demo state=stopped enabled=no
      register: stopped

    - name: systemd stop again
      systemd: name=tpx-demo state=stopped
      register: stopped_again

    - name: what systemd returned
      copy:
        dest: /opt/systemd-results.txt
        mode: "0644"
        content: |
${RESULTS.map(resultLine).join('')}`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => task.startsWith('systemd');

/** Installs the stand-in, the demo unit and its daemon in every host's own /usr, /etc and /run. */
async function installStandIn(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    // The lab's /usr and /etc are overlays: make sure, before writing, that these are the host's own.
    for (const dir of ['/usr', '/etc']) {
      const mounts = await hostExec(lab, h.name, `findmnt -n -o FSTYPE,OPTIONS ${dir}`);
      expect(mounts.stdout, `${h.name}'s ${dir}`).toMatch(new RegExp(`^overlay .*upperdir=${h.dir}/`));
    }
    for (const [path, mode, content] of [
      ['/usr/bin/systemctl', '0755', STANDIN],
      ['/usr/local/bin/tpx-demo-daemon', '0755', DAEMON],
      ['/lib/systemd/system/tpx-demo.service', '0644', UNIT],
    ] as const) {
      const r = await hostExec(lab, h.name, `set -e; rm -f ${path}; cat > ${path}.new; chmod ${mode} ${path}.new; mv ${path}.new ${path}`, { input: content });
      expect(r.code, r.stderr).toBe(0);
    }
    const r = await hostExec(
      lab,
      h.name,
      'set -e; mkdir -p /run/systemd/system /etc/systemd/system; rm -rf /run/systemd-standin /run/tpx-demo.log /etc/systemd/system/tpx-demo.service /etc/systemd/system/*.wants/tpx-demo.service',
    );
    expect(r.code, r.stderr).toBe(0);
  }
}

/** What a host's unit looks like: links, running state, both logs, the results file. */
async function systemdState(lab: LabState, host: string): Promise<string> {
  const r = await hostExec(
    lab,
    host,
    [
      "find /etc/systemd/system -name '*tpx*' -printf '%p %y %l\\n' | sort",
      'systemctl is-active tpx-demo; systemctl is-enabled tpx-demo',
      'p=$(cat /run/systemd-standin/tpx-demo.service.pid 2>/dev/null) && ps -o args= -p "$p"',
      "systemctl show tpx-demo | grep -E '^(LoadState|Description|NeedDaemonReload|UnitFileState|WantedBy)='",
      'echo "systemctl log:"; cat /run/systemd-standin/log 2>/dev/null',
      'echo "daemon log:"; cat /run/tpx-demo.log 2>/dev/null',
      'echo "results:"; cat /opt/systemd-results.txt 2>/dev/null',
    ].join('; '),
  );
  return r.stdout;
}

/** Stops the daemons the runs left, by the PID in their pidfile (lab down would end them too). */
async function stopDaemons(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    await hostExec(lab, h.name, 'p=$(cat /run/systemd-standin/tpx-demo.service.pid 2>/dev/null) && case $p in *[!0-9]* | "") ;; *) kill "$p" ;; esac; true');
  }
}

describe.skipIf(!enabled)('systemd answers as Ansible does, on a systemctl stand-in (the lab has no systemd)', () => {
  // Twin fleets of two hosts each (the shared helper's three are more than this needs).
  const tpxLab = useLab({ hosts: 2, versions: ['none'] });
  const ansibleLab = useLab({ hosts: 2, versions: ['none'] });
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tpx-systemd-compat-'));
    ensureBuilt();
  }, 240_000);
  afterAll(async () => {
    if (!work) return;
    await stopDaemons(tpxLab.state).catch(() => undefined);
    await stopDaemons(ansibleLab.state).catch(() => undefined);
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });

  it('same recaps, task outcomes, registered results and unit state on two runs and with --check', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'systemd.yml');
    writeFileSync(playbook, PLAYBOOK);
    await installStandIn(tpxLab.state);
    await installStandIn(ansibleLab.state);
    await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: systemdState, withMsg, checkArgs: ['--check'] });
    // The playbook did what it says (so equal dumps cannot pass by doing nothing).
    const state = await systemdState(tpxLab.state, tpxLab.state.hosts[0].name);
    expect(state).toMatch(/^inactive\ndisabled\n/m);
    expect(state).not.toContain('.wants/tpx-demo.service');
    expect(state).toContain(`daemon log:\n${'started\nreloaded\nstopped\nstarted\nstopped\nstarted\nstopped\n'.repeat(2)}results:`);
    expect(state).toContain('started: changed,enabled,failed,name,state,status True tpx-demo started True "-" inactive disabled loaded "tpx demo daemon');
    expect(state).toContain('missing: changed,failed,msg False - - - "Could not find the requested service tpx-nosuch: host" - - - "-" -\n');
    expect(state).toContain(
      'glob: changed,failed,msg False - - - "This module does not currently support using glob patterns, found \'*\' in service name: tpx-*"',
    );
    expect(state).toContain(
      'masked_start: changed,failed,msg False - - - "Unable to restart service tpx-demo: Failed to restart tpx-demo.service: Unit tpx-demo.service is masked.\\n"',
    );
    expect(state).toContain(
      'daemon_reloaded: changed,failed,name,state,status False tpx-demo started - "-" active enabled loaded "tpx demo daemon, changed" no\n',
    );
    expect(state).toContain('svc_systemd: changed,failed,name,state,status False tpx-demo started - "-" active enabled loaded "tpx demo daemon, changed" no\n');
    expect(state).toContain('svc_auto: changed,enabled,failed,name,state True tpx-demo started True "-" - - - "-" -\n');
    expect(state).toContain('only_reload: changed,failed,name,status False  - - "-" - - - "-" -\n');
  }, 600_000);
});

/**
 * Issue 14's `reboot` and `wait_for_connection` against Ansible's, on a stand-in reboot: a
 * lab host cannot really reboot (it is a set of namespaces), so test/fixtures/reboot/stand-in.sh
 * is installed as the host's own `shutdown` and `reboot` (its /usr overlay). Detached, it
 * kills every process of the host but its anchor sshd (every session is cut, every run lock
 * holder gone), empties its /run, flushes its iptables, gives it a new boot id and refuses
 * SSH for a few seconds, so reconnecting really has to wait.
 *
 * One playbook runs with `tpx run` on one 1-host fleet and `ansible-playbook` on its twin,
 * twice, then with --check; compared: recaps, task statuses and msgs, what `register` got
 * (keys, `rebooted`, `elapsed` in ranges) and that the boot id changed. Then, tpx only: the
 * run lock is held again after the reboot's reconnect (a second run is refused).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { ensureBuilt } from '../cli/run-built-tpx.js';
import { useLab } from '../helpers/lab.js';
import { installRebootStandIn } from '../fixtures/reboot/install-stand-in.js';
import { ansibleHome, compareRounds, enabled, hasAnsible, stopControlMasters } from './compat-helpers.js';
import { startTpx, waitFor } from './faults-helpers.js';

const RESULTS = '/opt/reboot-results.txt';

const PLAYBOOK = `---
- name: reboot
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: boot id before
      command: cat /proc/sys/kernel/random/boot_id
      register: boot_before
      changed_when: false
      check_mode: false

    - name: reboot with a test command and a delay after
      reboot:
        test_command: test -d /run/sshd
        post_reboot_delay: 2
        reboot_timeout: 120
        connect_timeout: 5
      register: rebooted

    - name: boot id after the reboot
      command: cat /proc/sys/kernel/random/boot_id
      register: boot_after
      changed_when: false
      check_mode: false

    - name: reboot in the background
      shell: (sleep 1; shutdown -r now) >/dev/null 2>&1 &

    - name: wait for the connection
      wait_for_connection:
        delay: 3
        sleep: 1
        timeout: 120
      register: waited

    - name: boot id after waiting
      command: cat /proc/sys/kernel/random/boot_id
      register: boot_waited
      changed_when: false
      check_mode: false

    - name: wait_for_connection and reboot results, in check mode too
      debug:
        msg: >-
          {{ rebooted.keys() | list | sort | join(',') }} {{ rebooted.changed }} {{ rebooted.rebooted }} {{ rebooted.elapsed < 60 }}
          {{ waited.keys() | list | sort | join(',') }} {{ waited.changed }} {{ waited.skipped | default('-') }} {{ (waited.elapsed | default(-1)) < 60 }}

    - name: what reboot and wait_for_connection returned
      copy:
        dest: ${RESULTS}
        mode: "0644"
        content: |
          rebooted: {{ rebooted.keys() | list | sort | join(',') }} {{ rebooted.changed }} {{ rebooted.rebooted }} {{ rebooted.elapsed >= 2 and rebooted.elapsed < 60 }}
          waited: {{ waited.keys() | list | sort | join(',') }} {{ waited.changed }} {{ waited.skipped | default('-') }} {{ (waited.elapsed | default(-1)) >= 3 and (waited.elapsed | default(-1)) < 60 }}
          new boot after reboot: {{ boot_after.stdout != boot_before.stdout }}
          new boot after waiting: {{ boot_waited.stdout != boot_after.stdout }}
`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => task.startsWith('reboot') || task.startsWith('wait');

const resultsOf = async (lab: LabState, host: string): Promise<string> => (await hostExec(lab, host, `cat ${RESULTS} 2>/dev/null; true`)).stdout;

describe.skipIf(!enabled)('reboot and wait_for_connection answer as Ansible does (stand-in reboot)', () => {
  const tpxLab = useLab({ hosts: 1, versions: ['none'] });
  const ansibleLab = useLab({ hosts: 1, versions: ['none'] });
  let work = '';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tpx-reboot-compat-'));
    ensureBuilt();
    for (const lab of [tpxLab.state, ansibleLab.state]) for (const h of lab.hosts) await installRebootStandIn(lab, h);
  }, 240_000);
  afterAll(() => {
    if (!work) return;
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });

  it('stand-in: same recaps, outcomes, registered results and new boot ids on two runs and with --check', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'reboot.yml');
    writeFileSync(playbook, PLAYBOOK);
    await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: resultsOf, withMsg, checkArgs: ['--check'] });
    // What both wrote, so that equal files cannot pass by doing nothing.
    expect(await resultsOf(tpxLab.state, tpxLab.state.hosts[0].name)).toBe(
      [
        'rebooted: changed,elapsed,failed,rebooted True True True',
        'waited: changed,elapsed,failed False - True',
        'new boot after reboot: True',
        'new boot after waiting: True',
        '',
      ].join('\n'),
    );
  }, 400_000);

  it('stand-in: the run lock is held again after the reboot (a second run is refused)', async () => {
    const lab = tpxLab.state;
    const host = lab.hosts[0].name;
    const gate = '/home/tpx/go-reboot-lock';
    const file = join(work, 'reboot-lock.yml');
    writeFileSync(
      file,
      `- hosts: all\n  become: true\n  gather_facts: false\n  tasks:\n    - reboot:\n        reboot_timeout: 120\n    - command: timeout 60 sh -c 'until [ -e ${gate} ]; do sleep 0.1; done'\n`,
    );
    await hostExec(lab, host, `rm -f ${gate}`);
    const bootBefore = (await hostExec(lab, host, 'cat /proc/sys/kernel/random/boot_id')).stdout;
    const first = startTpx(['run', file, '-i', lab.inventoryFile, '--output', 'plain'], {}, 120_000);
    let ended = false;
    void first.done.then(() => (ended = true));
    // The host is asked only once the reboot is over: a command of ours would be cut by it.
    const waiting = async (): Promise<boolean> => {
      if (ended) throw new Error(`the first run ended early:\n${first.stdout}${first.stderr}`);
      if (!/\] reboot: changed/.test(first.stdout)) return false;
      const r = await hostExec(lab, host, `pgrep -f 'until \\[ -e ${gate}' | wc -l`).catch(() => ({ stdout: '0' }));
      return r.stdout.trim() !== '0';
    };
    expect(await waitFor(waiting, 90_000), first.stdout + first.stderr).toBe(true);
    expect((await hostExec(lab, host, 'cat /proc/sys/kernel/random/boot_id')).stdout).not.toBe(bootBefore);
    const second = startTpx(['run', file, '-i', lab.inventoryFile, '--output', 'plain'], {}, 60_000);
    const refused = await second.done;
    await hostExec(lab, host, `touch ${gate}`);
    const done = await first.done;
    expect(done.code, first.stdout + first.stderr).toBe(0);
    expect(refused.code, second.stdout + second.stderr).not.toBe(0);
    expect(second.stdout + second.stderr).toMatch(/locked by run \S+ since \S+ \(pid \d+ on /);
    await hostExec(lab, host, `rm -f ${gate}`);
  }, 200_000);
});

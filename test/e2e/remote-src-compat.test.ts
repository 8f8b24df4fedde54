/**
 * Issue 14's `copy remote_src`, `copy mode: preserve` and `unarchive remote_src` against
 * Ansible's: the sources (files, an archive) are put on each host of two twin one-host lab
 * fleets first, then one playbook runs with `tpx run` on one fleet and `ansible-playbook` on
 * the other, twice, then with --check --diff. Compared after each run: the recaps, every
 * task's status (and msg where Ansible has one worth comparing), what `register` got (written
 * to a file on the host), and the hosts' files byte for byte with their types, modes and
 * owners, the sources included (a copy must not touch them). Left out of the comparison: the
 * marker tpx's unarchive records in dest (`.tpx-unarchive-<name>.sha256`; Ansible compares
 * the archive with dest file by file instead).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { ensureBuilt } from '../cli/run-built-tpx.js';
import { useLab } from '../helpers/lab.js';
import { ansibleHome, compareRounds, enabled, hasAnsible, stopControlMasters } from './compat-helpers.js';

const SRC = '/opt/rsrc';
const OUT = '/opt/compat';

/** The registered results, written one a line to /opt/compat/results.txt. */
const RESULTS = ['new', 'preserved', 'into_new_dir', 'owned', 'same_content', 'kept', 'summed', 'validated', 'over_link'];
const FAILURES = ['missing', 'bad_sum', 'no_parent'];

const PLAYBOOK = `---
- name: remote sources
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: copy remote file
      copy: src=${SRC}/app.conf dest=${OUT}/app.conf remote_src=true
      register: new

    - name: copy remote mode preserve
      ansible.builtin.copy:
        src: ${SRC}/tool.sh
        dest: ${OUT}/tool.sh
        remote_src: yes
        mode: preserve
      register: preserved

    - name: copy remote into a new directory
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/made/here/
        remote_src: true
      register: into_new_dir

    - name: copy remote owner and mode
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/owned.conf
        remote_src: true
        owner: nobody
        group: daemon
        mode: "0600"
      register: owned

    - name: copy remote same content other mode
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/same.conf
        remote_src: true
        mode: "0644"
      register: same_content

    - name: copy remote force false
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/mine.conf
        remote_src: true
        force: false
      register: kept

    - name: copy remote checksum
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/summed.conf
        remote_src: true
        checksum: "{{ app_sha1 }}"
      register: summed

    - name: copy remote validate
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/validated.conf
        remote_src: true
        validate: grep -q listen %s
      register: validated

    - name: copy remote over a link
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/link.conf
        remote_src: true
      register: over_link

    - name: copy local mode preserve
      copy:
        src: tool-local.sh
        dest: ${OUT}/tool-local.sh
        mode: preserve

    - name: copy remote missing source
      copy: src=${SRC}/nope dest=${OUT}/nope remote_src=true
      register: missing
      ignore_errors: true

    - name: copy remote wrong checksum
      copy:
        src: ${SRC}/app.conf
        dest: ${OUT}/bad-sum.conf
        remote_src: true
        checksum: "0000000000000000000000000000000000000000"
      register: bad_sum
      ignore_errors: true

    - name: copy remote missing parent
      copy: src=${SRC}/app.conf dest=${OUT}/no/such/app.conf remote_src=true
      register: no_parent
      ignore_errors: true

    - name: unarchive remote
      unarchive:
        src: ${SRC}/app.tar.gz
        dest: ${OUT}/unpacked
        remote_src: true

    - name: unarchive remote copy false strip
      ansible.builtin.unarchive:
        src: ${SRC}/app.tar.gz
        dest: ${OUT}/stripped
        copy: false
        extra_opts: [--strip-components=1]

    - name: unarchive remote creates
      unarchive:
        src: ${SRC}/app.tar.gz
        dest: ${OUT}/unpacked
        remote_src: true
        creates: ${OUT}/unpacked/app

    - name: unarchive remote missing archive
      unarchive:
        src: ${SRC}/nope.tar.gz
        dest: ${OUT}/unpacked
        remote_src: true
      ignore_errors: true

    - name: what copy returned
      copy:
        dest: ${OUT}/results.txt
        mode: "0644"
        content: |
${RESULTS.map((r) => `          ${r}: {{ ${r}.changed }} {{ ${r}.dest | default('-') }} {{ ${r}.src | default('-') | basename }} {{ ${r}.checksum | default('-') }} {{ ${r}.md5sum | default('-') }} {{ ${r}.mode | default('-') }} {{ ${r}.owner | default('-') }} {{ ${r}.group | default('-') }} {{ ${r}.size | default('-') }} {{ ${r}.state | default('-') }} {{ ${r}.msg | default('-') }}\n`).join('')}${FAILURES.map((r) => `          ${r}: {{ ${r}.failed }} {{ ${r}.checksum | default('-') }} {{ ${r}.expected_checksum | default('-') }} {{ ${r}.msg }}\n`).join('')}`;

/** The tasks whose msg is compared too: the failures and the kept file (Ansible gives no msg when a copy succeeds). */
const withMsg = (task: string): boolean => /missing|wrong|force false|parent/.test(task);

/** Puts the sources on every host of `lab` and the files some tasks find in place. */
async function prepareHosts(lab: LabState): Promise<void> {
  for (const h of lab.hosts) {
    const script = [
      'set -e; umask 022',
      `rm -rf ${SRC} ${OUT}; mkdir -p ${SRC}/tree/app/bin ${OUT}/unpacked ${OUT}/stripped`,
      `printf 'listen 80\\nroot /srv\\n' > ${SRC}/app.conf; chmod 0640 ${SRC}/app.conf`,
      `printf '#!/bin/sh\\necho hi\\n' > ${SRC}/tool.sh; chmod 0750 ${SRC}/tool.sh`,
      `printf 'v1\\n' > ${SRC}/tree/app/bin/tool; printf 'read me\\n' > ${SRC}/tree/app/README`,
      `tar -czf ${SRC}/app.tar.gz -C ${SRC}/tree app`,
      `cp ${SRC}/app.conf ${OUT}/same.conf; chmod 0666 ${OUT}/same.conf`,
      `printf 'mine\\n' > ${OUT}/mine.conf`,
      `printf 'other\\n' > ${SRC}/other; ln -s ${SRC}/other ${OUT}/link.conf`,
    ].join('; ');
    const r = await hostExec(lab, h.name, script);
    expect(r.code, r.stderr).toBe(0);
  }
}

/** Every file under the sources and the outputs: type, mode, owner, link target, content (not tpx's unarchive marker). */
async function hostState(lab: LabState, host: string): Promise<string> {
  const dirs = `${SRC} ${OUT}`;
  const skip = `! -name '.tpx-unarchive-*'`;
  const r = await hostExec(
    lab,
    host,
    [
      `find ${dirs} ${skip} -printf '%p %y %m %u:%g %l\\n' 2>/dev/null | sort`,
      `find ${dirs} -type f ${skip} ! -name '*.tar.gz' 2>/dev/null | sort | while read -r f; do echo "== $f"; cat "$f"; done`,
    ].join('; '),
  );
  return r.stdout;
}

describe.skipIf(!enabled)('copy and unarchive with remote_src answer as Ansible does', () => {
  // Twin one-host fleets: the machine is shared.
  const tpxLab = useLab({ hosts: 1, versions: ['none'] });
  const ansibleLab = useLab({ hosts: 1, versions: ['none'] });
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tpx-remote-src-compat-'));
    ensureBuilt();
  }, 240_000);
  afterAll(() => {
    if (!work) return;
    stopControlMasters(ansibleHome(work));
    rmSync(work, { recursive: true, force: true });
  });

  it('same recaps, task outcomes, registered results and files on two runs and with --check --diff', async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'remote-src.yml');
    const sha1 = (await import('node:crypto')).createHash('sha1').update('listen 80\nroot /srv\n').digest('hex');
    writeFileSync(playbook, PLAYBOOK.replace('{{ app_sha1 }}', sha1));
    mkdirSync(join(work, 'files'));
    writeFileSync(join(work, 'files', 'tool-local.sh'), '#!/bin/sh\necho local\n');
    chmodSync(join(work, 'files', 'tool-local.sh'), 0o750);
    await prepareHosts(tpxLab.state);
    await prepareHosts(ansibleLab.state);
    const host = tpxLab.state.hosts[0].name;
    const reports = await compareRounds({
      tpxLab: tpxLab.state,
      ansibleLab: ansibleLab.state,
      work,
      playbook,
      state: hostState,
      withMsg,
      checkArgs: ['--check', '--diff'],
    });
    // The playbook did what it says (so equal dumps cannot pass by doing nothing).
    const state = await hostState(tpxLab.state, host);
    expect(state).toContain(`${OUT}/app.conf f 644 root:root \n`);
    expect(state).toContain(`${OUT}/tool.sh f 750 root:root \n`);
    expect(state).toContain(`${OUT}/tool-local.sh f 750 root:root \n`);
    expect(state).toContain(`${OUT}/owned.conf f 600 nobody:daemon \n`);
    expect(state).toContain(`${OUT}/made/here/app.conf f 644 root:root \n`);
    expect(state).toContain(`${OUT}/link.conf f 644 root:root \n`);
    expect(state).toContain(`== ${OUT}/unpacked/app/bin/tool\nv1\n`);
    expect(state).toContain(`== ${OUT}/stripped/bin/tool\nv1\n`);
    expect(state).toContain(`missing: True - - Source ${SRC}/nope not found\n`);
    expect(state).toContain(`new: False ${OUT}/app.conf app.conf ${sha1} `);
    const check = reports.check.hosts[host].tasks.find((t) => t.task === 'unarchive remote');
    expect(check).toMatchObject({ status: 'skipped', msg: 'remote module (unarchive) does not support check mode when using gtar' });
    // The second run changes nothing but the results file (its changed values are the first run's).
    const second = reports.second.hosts[host].tasks;
    expect(second.filter((t) => t.status === 'changed').map((t) => t.task)).toEqual(['what copy returned']);
    expect(reports.first.hosts[host].tasks.filter((t) => t.status === 'changed')).toHaveLength(12);
  }, 400_000);
});

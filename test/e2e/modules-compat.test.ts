/**
 * Issue 14's modules against Ansible's: one playbook using stat, lineinfile and wait_for runs
 * with `tpx run` on one lab fleet and with `ansible-playbook` on its twin, twice, then once more
 * with --check --diff. After each run every host holds the same files as its twin, the recaps
 * agree, and so does every task's outcome (ok, changed, failed, skipped) and, for lineinfile
 * and wait_for, its msg ("line added", "Timeout when waiting for 127.0.0.1:18081", …).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { compareRounds, dumpHost, enabled, hasAnsible, useTwinFleets } from './compat-helpers.js';

const BASE = '/opt/mods';
/** A port the test makes listen on 127.0.0.1 inside every host, and one nothing listens on. */
const OPEN_PORT = 18080;
const CLOSED_PORT = 18081;

const PLAYBOOK = `---
- name: modules
  hosts: all
  become: true
  gather_facts: false
  vars:
    base: ${BASE}
  tasks:
    - name: base directory
      file: path={{ base }} state=directory mode=0755

    - name: the ini file, once
      copy:
        dest: "{{ base }}/app.ini"
        force: false
        mode: "0644"
        content: |
          [main]
          port=80
          x=1
          x=2
          # end

    - name: lineinfile add
      lineinfile: path={{ base }}/app.ini line=added=1

    - name: lineinfile replace with regexp
      lineinfile:
        path: "{{ base }}/app.ini"
        regexp: '^port='
        line: port=8080

    - name: lineinfile backrefs
      lineinfile:
        path: "{{ base }}/app.ini"
        regexp: '^x=(\\d)$'
        line: 'x=\\1\\1'
        backrefs: true

    - name: lineinfile insertafter
      lineinfile:
        path: "{{ base }}/app.ini"
        insertafter: '^\\[main\\]'
        line: name=demo

    - name: lineinfile insertbefore
      lineinfile:
        dest: "{{ base }}/app.ini"
        insertbefore: '^# end'
        line: before_end=1

    - name: lineinfile firstmatch
      lineinfile:
        path: "{{ base }}/app.ini"
        insertafter: '^x='
        firstmatch: true
        line: after_first_x=1

    - name: lineinfile search_string
      lineinfile:
        path: "{{ base }}/app.ini"
        search_string: added=
        value: added=2
        mode: "0640"

    - name: lineinfile absent
      lineinfile:
        path: "{{ base }}/app.ini"
        regexp: '^x=1$'
        state: absent
      register: removed

    - name: lineinfile create
      lineinfile:
        path: "{{ base }}/new/created.conf"
        line: created
        create: true
        mode: "0600"

    - name: lineinfile missing file
      lineinfile:
        path: "{{ base }}/missing.conf"
        line: never
      ignore_errors: true

    - name: a link to the ini file
      file: src={{ base }}/app.ini dest={{ base }}/link state=link

    - name: stat the file
      stat: path={{ base }}/app.ini
      register: st

    - name: stat a missing path
      stat:
        path: "{{ base }}/nope"
      register: st_missing

    - name: stat the link
      stat: path={{ base }}/link
      register: st_link

    - name: stat through the link
      ansible.builtin.stat:
        path: "{{ base }}/link"
        follow: true
        checksum_algorithm: sha256
      register: st_follow

    - name: stat the directory
      stat: path={{ base }} get_checksum=false get_mime=false
      register: st_dir

    - name: the stat fields are right
      assert:
        that:
          - st.stat.exists and st.stat.isreg and not st.stat.isdir and not st.stat.islnk
          - st.stat.mode == '0640'
          - st.stat.pw_name == 'root' and st.stat.gr_name == 'root' and st.stat.uid == 0
          - st.stat.checksum | length == 40
          - not st_missing.stat.exists
          - st_link.stat.islnk and st_link.stat.lnk_source == base ~ '/app.ini'
          - st_follow.stat.isreg and st_follow.stat.checksum | length == 64
          - st_dir.stat.isdir and st_dir.stat.checksum is not defined

    - name: what stat said
      copy:
        dest: "{{ base }}/stat.txt"
        mode: "0644"
        content: |
          {{ st.stat.checksum }} {{ st.stat.mode }} {{ st.stat.size }} {{ st.stat.isreg }} {{ st.stat.rusr }} {{ st.stat.xoth }}
          {{ st_missing.stat }}
          {{ st_link.stat.lnk_target }} {{ st_link.stat.lnk_source }} {{ st_link.stat.mode }}
          {{ st_follow.stat.checksum }} {{ st_dir.stat.mode }} {{ removed.found }}

    - name: wait_for a file
      wait_for: path={{ base }}/app.ini timeout=5

    - name: wait_for a match in a file
      wait_for:
        path: "{{ base }}/app.ini"
        search_regex: '^port=(?P<port>\\d+)$'
        timeout: 5
      register: found

    - name: wait_for a listening port
      wait_for:
        port: ${OPEN_PORT}
        timeout: 20
      register: open_port

    - name: wait_for a port nothing listens on
      wait_for:
        host: 127.0.0.1
        port: ${CLOSED_PORT}
        timeout: 2
      register: closed_port
      ignore_errors: true

    - name: wait_for a file to be absent
      wait_for:
        path: "{{ base }}/nope"
        state: absent
        timeout: 5

    - name: what wait_for said
      copy:
        dest: "{{ base }}/wait.txt"
        mode: "0644"
        content: |
          {{ found.match_groupdict }} {{ found.match_groups }} {{ found.state }} {{ found.path }} {{ found.port }}
          {{ open_port.port }} {{ open_port.state }} {{ open_port.match_groups }}
          {{ closed_port.failed }} {{ closed_port.msg }}
      when: found is not skipped

    - name: ping
      ping:
      register: pinged

    - name: ping with data
      ping: data=hello
      register: pinged_data

    - name: notify before a flush
      copy: content="{{ pinged.ping }} {{ pinged_data.ping }}\\n" dest={{ base }}/ping.txt mode=0644
      notify: log handler

    - meta: flush_handlers

    - name: after the flush
      shell: echo after >> {{ base }}/order.txt creates={{ base }}/after-done && touch {{ base }}/after-done

  handlers:
    - name: log handler
      shell: echo handler >> {{ base }}/order.txt
`;

/** The tasks whose msg is compared too ("line added", "Timeout when waiting for 127.0.0.1:18081", …). */
const withMsg = (task: string): boolean => task.startsWith('lineinfile') || task.startsWith('wait_for');

/** Starts a listener on 127.0.0.1:OPEN_PORT inside each host; returns a function that stops them. */
async function startListeners(lab: LabState): Promise<() => Promise<void>> {
  const pids: [string, string][] = [];
  for (const h of lab.hosts) {
    const r = await hostExec(lab, h.name, `setsid /usr/bin/python3 -m http.server ${OPEN_PORT} --bind 127.0.0.1 >/dev/null 2>&1 </dev/null & echo $!`);
    pids.push([h.name, r.stdout.trim()]);
  }
  return async () => {
    for (const [host, pid] of pids) if (/^\d+$/.test(pid)) await hostExec(lab, host, `kill ${pid}`);
  };
}

describe.skipIf(!enabled)('stat, lineinfile and wait_for answer as Ansible does', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-modules-compat-');

  it('same files, recaps and task outcomes on a first and a second run, and with --check --diff', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'modules.yml');
    writeFileSync(playbook, PLAYBOOK);
    const names = tpxLab.state.hosts.map((h) => h.name);
    const dump = (lab: LabState, host: string) => dumpHost(lab, host, BASE);
    const stops = [await startListeners(tpxLab.state), await startListeners(ansibleLab.state)];
    try {
      await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: dump, withMsg, checkArgs: ['--check', '--diff'] });
    } finally {
      for (const stop of stops) await stop();
    }
    // The playbook did what it says (so equal empty dumps cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    expect(first).toContain(`== ${BASE}/app.ini\n[main]\nname=demo\nport=8080\nafter_first_x=1\nx=22\nbefore_end=1\n# end\nadded=2\n`);
    expect(first).toContain(`${BASE}/app.ini f 640 root:root`);
    // ping answered, and meta: flush_handlers ran the handler before the next task.
    expect(first).toContain(`== ${BASE}/ping.txt\npong hello\n`);
    expect(first).toContain(`== ${BASE}/order.txt\nhandler\nafter\n`);
    expect(first).toContain(`== ${BASE}/new/created.conf\ncreated\n`);
    expect(first).toContain("{'exists': False}");
    expect(first).toContain("{'port': '8080'} ['8080'] file /opt/mods/app.ini \n");
    expect(first).toContain(`True Timeout when waiting for 127.0.0.1:${CLOSED_PORT}`);
  }, 400_000);
});

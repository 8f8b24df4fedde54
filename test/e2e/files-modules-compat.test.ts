/**
 * include_vars, fetch, find and raw against Ansible's: one playbook runs with `tpx run` on one
 * lab fleet and with `ansible-playbook` on its twin, twice, then once more with --check. After
 * each run the recaps agree, so does every task's outcome and, for fetch and include_vars, its
 * msg; every host holds the same files as its twin (what find and include_vars returned is
 * written there by the playbook), and the files fetch wrote on the controller are the same,
 * byte for byte and mode for mode, under the same host names.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import {
  ansibleRecap,
  dumpHost,
  enabled,
  hasAnsible,
  runAnsibleJson,
  runTpxReport,
  tpxRecap,
  useTwinFleets,
  writeAnsibleInventory,
  type AnsibleJson,
  type TpxReport,
} from './compat-helpers.js';

const BASE = '/opt/fm';

const PLAYBOOK = `---
- name: files modules
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: base directories
      file: path={{ item }} state=directory mode=0755
      loop: ["${BASE}", "${BASE}/conf", "${BASE}/conf/sub", "${BASE}/conf/.hidden", "${BASE}/empty"]

    - name: host files
      copy:
        dest: "${BASE}/{{ item.name }}"
        content: "{{ item.text }}"
        mode: "0644"
      loop:
        - { name: app.conf, text: "port=80\\nhost={{ inventory_hostname }}\\n" }
        - { name: conf/a.conf, text: "error: none\\n" }
        - { name: conf/b.ini, text: "level=3\\n" }
        - { name: conf/sub/c.conf, text: "error: disk full\\n" }
        - { name: conf/.hidden/d.conf, text: "" }
        - { name: conf/.e.conf, text: "x" }

    - name: include_vars free form
      include_vars: site.yml
      register: iv_file

    - name: include_vars under a name
      include_vars:
        file: vars/site.yml
        name: site

    - name: include_vars a directory
      include_vars:
        dir: vars/extra
        ignore_files: [skip.yml]
        ignore_unknown_extensions: true
      register: iv_dir

    - name: include_vars a directory, depth 1
      include_vars:
        dir: vars/extra
        depth: 1
        files_matching: ^b
        name: shallow

    - name: include_vars a missing file
      include_vars: nope.yml
      ignore_errors: true

    - name: include_vars not a mapping
      include_vars: list.yml
      ignore_errors: true

    - name: what include_vars set
      copy:
        dest: "${BASE}/include_vars.txt"
        mode: "0644"
        content: |
          {{ port }} {{ tags }} {{ site }} {{ from_a }} {{ from_b }} {{ from_c }} {{ who }}
          {{ shallow }}
          {{ iv_file.ansible_included_var_files | map('basename') | list }} {{ iv_file.ansible_facts }}
          {{ iv_dir.ansible_included_var_files | map('replace', playbook_dir, '') | list }}

    - name: raw
      raw: echo raw-out; echo raw-err >&2
      register: raw_plain

    - name: raw with executable
      raw: echo "$BASH_VERSION" | cut -c1 | tr -d '\\n' | wc -c; printf '%s\\n' {a,b}
      args:
        executable: /bin/bash
      register: raw_bash

    - name: raw failing
      raw: exit 3
      register: raw_failed
      ignore_errors: true

    - name: what raw said
      copy:
        dest: "${BASE}/raw.txt"
        mode: "0644"
        content: |
          {{ raw_plain.rc }} {{ raw_plain.stdout_lines | select('match', '^raw-out') | list }}
          {{ raw_bash.stdout_lines }} {{ raw_failed.rc }} {{ raw_failed.failed }} {{ raw_failed.msg }}
      when: raw_plain is not skipped

    - name: find conf files
      find:
        paths: ${BASE}/conf
        patterns: "*.conf"
        recurse: true
      register: f_conf

    - name: find hidden too, with checksums
      find:
        paths: "${BASE}/conf,${BASE}/missing"
        hidden: true
        recurse: true
        get_checksum: true
      register: f_hidden

    - name: find by regex and content
      find:
        paths: [${BASE}/conf]
        patterns: ['^[ab]\\.']
        use_regex: true
        contains: "^error"
        recurse: true
      register: f_regex

    - name: find directories and depth
      find:
        paths: ${BASE}
        file_type: directory
        recurse: true
        depth: 2
        excludes: "sub*"
      register: f_dirs

    - name: find by size
      find:
        path: ${BASE}
        size: "-1"
        recurse: true
      register: f_size

    - name: what find said
      copy:
        dest: "${BASE}/find.txt"
        mode: "0644"
        content: |
          {{ [f_conf, f_hidden, f_regex, f_dirs, f_size] | map(attribute='matched') | list }} {{ [f_conf, f_hidden, f_regex, f_dirs, f_size] | map(attribute='examined') | list }}
          {{ [f_conf, f_hidden, f_regex, f_dirs, f_size] | map(attribute='msg') | list }} {{ f_hidden.skipped_paths }} {{ f_conf.skipped_paths }} {{ f_dirs.changed }}
          {{ f_conf.files | map(attribute='path') | sort }} {{ f_hidden.files | map(attribute='path') | sort }}
          {{ f_regex.files | map(attribute='path') | sort }} {{ f_dirs.files | map(attribute='path') | sort }} {{ f_size.files | map(attribute='path') | sort }}
          {{ f_hidden.files | map(attribute='checksum') | sort }}
          {{ f_conf.files | map(attribute='mode') | list }} {{ f_conf.files | map(attribute='pw_name') | list }} {{ f_conf.files[0].keys() | sort }}

    - name: fetch a file
      fetch:
        src: ${BASE}/app.conf
        dest: "{{ fetch_root }}"
      register: fetched

    - name: fetch flat into a directory
      fetch:
        src: ${BASE}/conf/a.conf
        dest: "{{ fetch_root }}/flat-{{ inventory_hostname }}/"
        flat: true

    - name: fetch flat to a file name
      fetch:
        src: ${BASE}/conf/b.ini
        dest: "{{ fetch_root }}/{{ inventory_hostname }}-b.ini"
        flat: yes

    - name: fetch a missing file, not failing
      fetch:
        src: ${BASE}/nope
        dest: "{{ fetch_root }}"
        fail_on_missing: false

    - name: fetch a missing file
      fetch:
        src: ${BASE}/nope
        dest: "{{ fetch_root }}"
      ignore_errors: true

    - name: fetch a directory
      fetch:
        src: ${BASE}/conf
        dest: "{{ fetch_root }}"
      ignore_errors: true

    - name: what fetch said
      copy:
        dest: "${BASE}/fetch.txt"
        mode: "0644"
        content: |
          {{ fetched.checksum }} {{ fetched.md5sum }} {{ fetched.dest | replace(fetch_root, '') }} {{ fetched.changed }}
      when: fetched is not skipped
`;

const VARS: Record<string, string> = {
  'vars/site.yml': 'port: 8080\ntags: [a, b]\nwho: site\n',
  'vars/list.yml': '- 1\n- 2\n',
  'vars/extra/a.yml': 'from_a: 1\nwho: a\n',
  'vars/extra/b.json': '{"from_b": {"k": [1, 2]}, "who": "b"}',
  'vars/extra/skip.yml': 'who: skipped\n',
  'vars/extra/notes.txt': 'not vars',
  'vars/extra/sub/c.yaml': 'from_c: 3\nwho: c\n',
};

const withMsg = (task: string): boolean => task.startsWith('fetch') || task.startsWith('include_vars') || task.startsWith('find');

function tpxOutcomes(report: TpxReport): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(report.hosts).map(([h, host]) => [h, host.tasks.map((t) => `${t.task}: ${t.status}${withMsg(t.task) ? `: ${t.msg}` : ''}`)]),
  );
}

/** Ansible's include_vars fails with `message`, not `msg`. */
function ansibleOutcomes(json: AnsibleJson): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const task of json.plays.flatMap((p) => p.tasks)) {
    for (const [h, r] of Object.entries(task.hosts)) {
      const status = r.failed ? 'failed' : r.skipped ? 'skipped' : r.changed ? 'changed' : 'ok';
      const msg = typeof r.msg === 'string' ? r.msg : typeof r.message === 'string' ? r.message : '';
      (out[h] ??= []).push(`${task.task.name}: ${status}${withMsg(task.task.name) ? `: ${msg}` : ''}`);
    }
  }
  return out;
}

/** Every path under a directory with its type and mode, and each file's content. */
function dumpTree(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      const at = `${rel}${name}`;
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        lines.push(`${at}/ ${mode}`);
        walk(path, `${at}/`);
      } else if (st.isSymbolicLink()) lines.push(`${at} -> ${readlinkSync(path)}`);
      else lines.push(`${at} ${mode}\n${readFileSync(path, 'utf8')}`);
    }
  };
  walk(root, '');
  return lines.join('\n');
}

describe.skipIf(!enabled)('include_vars, fetch, find and raw answer as Ansible does', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-files-compat-');

  it('same host files, controller files, recaps and task outcomes on a first and a second run, and with --check', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'files.yml');
    writeFileSync(playbook, PLAYBOOK);
    for (const [name, text] of Object.entries(VARS)) {
      mkdirSync(join(work, name, '..'), { recursive: true });
      writeFileSync(join(work, name), text);
    }
    const inventory = join(work, 'ansible-inventory.json');
    writeAnsibleInventory(ansibleLab.state, inventory);
    const home = join(work, 'ansible-home');
    const ours = join(work, 'fetched-tpx');
    const theirs = join(work, 'fetched-ansible');
    const names = tpxLab.state.hosts.map((h) => h.name);
    const dump = (lab: LabState, host: string) => dumpHost(lab, host, BASE);
    for (const round of ['first', 'second', 'check']) {
      const args = round === 'check' ? ['--check'] : [];
      const report = runTpxReport(tpxLab.state, work, playbook, [], [...args, '-e', `fetch_root=${ours}`]);
      const json = runAnsibleJson(home, playbook, [inventory], [...args, '-e', `fetch_root=${theirs}`]);
      expect(Object.keys(json.stats).sort(), round).toEqual([...names].sort());
      expect(tpxOutcomes(report), round).toEqual(ansibleOutcomes(json));
      expect(tpxRecap(report), round).toEqual(ansibleRecap(json));
      for (const host of names) expect(await dump(tpxLab.state, host), `${round} ${host}`).toBe(await dump(ansibleLab.state, host));
      expect(dumpTree(ours), `${round}: the files fetch wrote`).toBe(dumpTree(theirs));
    }
    // The playbook did what it says (so equal empty dumps cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    expect(first).toContain(`== ${BASE}/include_vars.txt\n8080 ['a', 'b'] {'port': 8080, 'tags': ['a', 'b'], 'who': 'site'} 1 {'k': [1, 2]} 3 c\n`);
    expect(first).toContain("{'from_b': {'k': [1, 2]}, 'who': 'b'}");
    expect(first).toMatch(/== \/opt\/fm\/find.txt\n\[3, 5, 1, 2, 1\] \[7, 7, 7, \d+, \d+\]\n/);
    const tree = dumpTree(ours);
    expect(tree).toContain(`${names[0]}/opt/fm/app.conf 644\nport=80\nhost=${names[0]}\n`);
    expect(tree).toContain(`flat-${names[0]}/a.conf 644\nerror: none\n`);
    expect(tree).toContain(`${names[0]}-b.ini 644\nlevel=3\n`);
  }, 400_000);
});

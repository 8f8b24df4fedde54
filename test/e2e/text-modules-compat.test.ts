/**
 * Issue 14's text modules against Ansible's: one playbook using template (with a role's
 * templates/), blockinfile, replace and slurp runs with `tpx run` on one lab fleet and with
 * `ansible-playbook` on its twin, twice, then once more with --check --diff. After each run every
 * host holds the same files (bytes, modes, owners) as its twin, the recaps agree, and so does
 * every task's outcome (ok, changed, failed, skipped) and, for blockinfile and replace, its msg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import { compareRounds, dumpHost, enabled, hasAnsible, useTwinFleets } from './compat-helpers.js';

const BASE = '/opt/text';

const TEMPLATE = `# {{ ansible_managed }}
{% for port in ports %}
listen {{ port }};
{% endfor %}
  {% if tls %}
ssl on;
  {% endif %}
{# a comment line #}
name {{ inventory_hostname }} {{ conf.name | upper }} {{ template_path }} {{ template_destpath }}
{{ items | join(',') }} {{ conf }} {{ flag }} {{ nothing | default('none') }}
`;

const PLAYBOOK = `---
- name: text modules
  hosts: all
  become: true
  gather_facts: false
  vars:
    base: ${BASE}
    ports: [80, 443]
    tls: true
    items: [a, b]
    conf: { name: web, n: 1 }
    flag: false
  roles:
    - role: web
  tasks:
    - name: template
      template:
        src: site.conf.j2
        dest: "{{ base }}/site.conf"
        mode: "0640"

    - name: template lstrip and CRLF
      template:
        src: site.conf.j2
        dest: "{{ base }}/site-crlf.conf"
        lstrip_blocks: true
        newline_sequence: '\\r\\n'

    - name: template without trim_blocks, into a directory
      template:
        src: site.conf.j2
        dest: "{{ base }}/dir/"
        trim_blocks: false
        backup: true

    - name: template other delimiters
      template:
        src: brackets.j2
        dest: "{{ base }}/brackets.conf"
        variable_start_string: '[['
        variable_end_string: ']]'

    - name: template validate refuses
      template:
        src: site.conf.j2
        dest: "{{ base }}/refused.conf"
        validate: grep -q nomatch %s
      ignore_errors: true

    - name: template force false
      template:
        src: site.conf.j2
        dest: "{{ base }}/site.conf"
        force: false

    - name: the hosts file
      copy:
        dest: "{{ base }}/hosts"
        force: false
        mode: "0644"
        content: |
          127.0.0.1 localhost
          10.0.0.1 old.example.com old
          [section]
          key=1
          key=2
          [end]

    - name: blockinfile insert
      blockinfile:
        path: "{{ base }}/hosts"
        block: |
          10.0.0.2 db1
          10.0.0.3 db2

    - name: blockinfile second block after a regexp
      blockinfile:
        path: "{{ base }}/hosts"
        marker: "# {mark} TPX {{ inventory_hostname }}"
        insertafter: '^\\[section\\]'
        content: "x=1"

    - name: blockinfile insertbefore BOF with create
      blockinfile:
        path: "{{ base }}/new/created"
        create: true
        insertbefore: BOF
        block: first
        mode: "0600"

    - name: blockinfile remove
      blockinfile:
        path: "{{ base }}/new/created"
        state: absent

    - name: blockinfile missing file
      blockinfile:
        path: "{{ base }}/missing"
        block: x
      ignore_errors: true

    - name: replace backrefs
      replace:
        path: "{{ base }}/hosts"
        regexp: '(\\s+)old\\.example\\.com(\\s+.*)?$'
        replace: '\\1new.example.com\\2'

    - name: replace between after and before
      replace:
        path: "{{ base }}/hosts"
        after: '\\[section\\]'
        before: '\\[end\\]'
        regexp: '^key=(?P<n>\\d)$'
        replace: 'key=\\g<n>0'
        backup: false

    - name: replace no match
      replace:
        path: "{{ base }}/hosts"
        regexp: nomatch
        replace: x

    - name: replace mode only
      replace:
        path: "{{ base }}/hosts"
        regexp: nomatch
        mode: "0600"

    - name: slurp
      slurp:
        src: "{{ base }}/hosts"
      register: hosts_file

    - name: slurp missing
      slurp:
        path: "{{ base }}/nope"
      register: nope
      ignore_errors: true

    - name: what slurp said
      copy:
        dest: "{{ base }}/slurped"
        mode: "0644"
        content: "{{ hosts_file.encoding }} {{ hosts_file.source }} {{ nope.msg }}\\n{{ hosts_file.content | b64decode }}"
`;

const ROLE_TASKS = `---
- name: role base
  file: path={{ base }}/dir state=directory mode=0755

- name: role template
  template:
    src: role.j2
    dest: "{{ base }}/role.conf"
    mode: preserve
`;

/** The tasks whose msg is compared too. */
const withMsg = (task: string): boolean => /^(blockinfile|replace|slurp)/.test(task);

/** What a host holds, without the backup files' names (their timestamps differ between the fleets). */
async function dump(lab: LabState, host: string): Promise<string> {
  return (await dumpHost(lab, host, BASE)).replace(/\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.BACKUP~').replace(/\.\d+\.BACKUP~/g, '.BACKUP~');
}

describe.skipIf(!enabled)('template, blockinfile, replace and slurp answer as Ansible does', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-text-modules-compat-');

  it('same files, recaps and task outcomes on a first and a second run, and with --check --diff', async () => {
    const work = dir();
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const playbook = join(work, 'text.yml');
    writeFileSync(playbook, PLAYBOOK);
    mkdirSync(join(work, 'templates'));
    writeFileSync(join(work, 'templates', 'site.conf.j2'), TEMPLATE);
    writeFileSync(join(work, 'templates', 'brackets.j2'), 'port [[ ports[0] ]] {{ not a template }}\n\n');
    mkdirSync(join(work, 'roles', 'web', 'tasks'), { recursive: true });
    mkdirSync(join(work, 'roles', 'web', 'templates'));
    writeFileSync(join(work, 'roles', 'web', 'tasks', 'main.yml'), ROLE_TASKS);
    writeFileSync(join(work, 'roles', 'web', 'templates', 'role.j2'), 'role {{ conf.n + 1 }} {{ template_path }}\n', { mode: 0o751 });
    await compareRounds({ tpxLab: tpxLab.state, ansibleLab: ansibleLab.state, work, playbook, state: dump, withMsg, checkArgs: ['--check', '--diff'] });
    const names = tpxLab.state.hosts.map((h) => h.name);
    // The playbook did what it says (so equal empty dumps cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    expect(first).toContain(`== ${BASE}/site.conf\n# Ansible managed\nlisten 80;\nlisten 443;\n  ssl on;\n`);
    expect(first).toContain(`${BASE}/site.conf f 640 root:root`);
    expect(first).toContain(`${BASE}/role.conf f 751 root:root`);
    expect(first).toContain(`== ${BASE}/brackets.conf\nport 80 {{ not a template }}\n\n`);
    expect(first).toContain('10.0.0.1 new.example.com old\n');
    expect(first).toContain('key=10\nkey=20\n');
    expect(first).toContain(`== ${BASE}/slurped\nbase64 ${BASE}/hosts file not found: ${BASE}/nope\n127.0.0.1 localhost\n`);
    expect(first).not.toContain('refused.conf');
  }, 400_000);
});

/**
 * The compatibility acceptance of issue 4: a playbook written for Ansible, using only the
 * features tpx supports, runs unchanged with `tpx run` on one lab fleet and with
 * `ansible-playbook` (ansible-core from Debian) on a second one; afterwards every host of one
 * fleet holds the same files (type, mode, owner, link target, content) as its twin in the
 * other, and the recap counts agree per host. Both runs are then repeated: the second runs
 * agree too (idempotence as Ansible sees it).
 *
 * Ansible writes nothing to ~: HOME, ANSIBLE_HOME, the local and remote temp dirs and the
 * SSH control sockets all live in a temp dir, and the SSH masters are stopped at the end.
 * Under CI a missing ansible-playbook fails the test; elsewhere it is skipped.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import { AnsibleVaultWorkspace } from '../helpers/ansible-vault.js';
import { ANSIBLE_PLAYBOOK, dumpHost, enabled, hasAnsible, runWithAnsible, runWithTpx, useTwinFleets, writeAnsibleInventory } from './compat-helpers.js';

/** Written for Ansible; nothing tpx-specific. Touches only /opt/compat and ~/compat (per-host overlays in the lab). */
const PLAYBOOK = `---
- name: compatibility
  hosts: all
  become: true
  gather_facts: false
  vars:
    base: /opt/compat
    colors: [red, green, blue]
  tasks:
    - name: base directory
      ansible.builtin.file:
        path: "{{ base }}"
        state: directory
        mode: "0755"

    - name: config file
      copy:
        content: "host={{ inventory_hostname }}\\n"
        dest: "{{ base }}/app.conf"
        mode: "0640"
      notify: restart app

    - name: a directory per color
      file:
        path: "{{ base }}/{{ item }}"
        state: directory
        mode: "0750"
      loop: "{{ colors }}"

    - name: link to the config
      file:
        src: "{{ base }}/app.conf"
        dest: "{{ base }}/current"
        state: link

    - name: nothing stale
      file:
        path: "{{ base }}/stale"
        state: absent

    - name: read the config back
      command: cat {{ base }}/app.conf
      register: conf
      changed_when: false

    - name: remember facts
      set_fact:
        is_first: "{{ inventory_hostname == ansible_play_hosts_all[0] }}"
        conf_line: "{{ conf.stdout }}"

    - name: only on the first host
      shell: echo first > {{ base }}/first
      when: is_first | bool

    - name: the config is right
      assert:
        that:
          - conf_line == 'host=' ~ inventory_hostname
          - conf.rc == 0
          - conf.stdout_lines | length == 1
        fail_msg: "unexpected config: {{ conf_line }}"

    - name: show it
      debug:
        msg: "{{ conf_line }} first={{ is_first }}"

    - name: rolling step
      block:
        - name: fails on the second host
          command: test {{ inventory_hostname }} != {{ ansible_play_hosts_all[1] }}
          changed_when: false

        - name: marker
          copy:
            content: "block ok\\n"
            dest: "{{ base }}/block-ok"
            mode: "0600"
      rescue:
        - name: record the rescue
          copy:
            content: "rescued after {{ ansible_failed_task.name }}\\n"
            dest: "{{ base }}/rescued"
            mode: "0600"
      always:
        - name: always runs
          shell: echo always >> {{ base }}/always

    - name: count matches
      shell: grep -c host= {{ base }}/app.conf
      register: matches
      failed_when: matches.rc > 1
      changed_when: matches.stdout | int > 5

    - name: items with a condition
      command: echo {{ item }}
      loop: [1, 2, 3]
      when: item != 2
      register: echoed
      changed_when: false

    - name: summary
      copy:
        content: "{{ echoed.results | map(attribute='stdout') | select('defined') | list | join(',') }} {{ matches.stdout }}\\n"
        dest: "{{ base }}/summary"
        mode: "0644"

    - name: as the login user
      become: false
      shell: mkdir -p ~/compat && chmod 700 ~/compat && id -un > ~/compat/whoami

    - name: skipped everywhere
      command: "false"
      when: colors | length > 10

  handlers:
    - name: restart app
      shell: echo restarted >> {{ base }}/restarts
`;

describe.skipIf(!enabled)('an Ansible playbook runs unchanged with tpx and with ansible-playbook', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-ansible-compat-');

  it('ends with the same files on every host and the same recap counts, on a first and a second run', async () => {
    const work = dir();
    expect(hasAnsible, `${ANSIBLE_PLAYBOOK} is missing (apt-get install ansible-core)`).toBe(true);
    const playbook = join(work, 'site.yml');
    writeFileSync(playbook, PLAYBOOK);
    const inventory = join(work, 'ansible-inventory.json');
    writeAnsibleInventory(ansibleLab.state, inventory);
    const home = join(work, 'ansible-home');

    const tpxFirst = runWithTpx(tpxLab.state, work, playbook);
    const ansibleFirst = runWithAnsible(home, playbook, [inventory]);
    const names = tpxLab.state.hosts.map((h) => h.name);
    expect(Object.keys(ansibleFirst).sort()).toEqual([...names].sort());
    expect(tpxFirst).toEqual(ansibleFirst);
    // The run did what the playbook says (so an empty dump on both sides cannot pass).
    expect(ansibleFirst[names[1]].rescued).toBe(1);
    expect(ansibleFirst[names[0]].changed).toBeGreaterThan(5);

    for (const host of names) {
      const ours = await dumpHost(tpxLab.state, host);
      const theirs = await dumpHost(ansibleLab.state, host);
      expect(ours, host).toContain('/opt/compat/current l 777 root:root /opt/compat/app.conf');
      expect(ours, host).toBe(theirs);
    }

    const tpxSecond = runWithTpx(tpxLab.state, work, playbook);
    const ansibleSecond = runWithAnsible(home, playbook, [inventory]);
    expect(tpxSecond).toEqual(ansibleSecond);
    for (const host of names) expect(await dumpHost(tpxLab.state, host), host).toBe(await dumpHost(ansibleLab.state, host));
  }, 300_000);
});

/**
 * Issue 13's estate, grown feature by feature: an INI inventory beside group_vars/ (file and
 * directory forms) and host_vars/, a playbook with pre_tasks and post_tasks (handlers flushed
 * after each section) in Ansible's older spellings (key=value arguments, with_* loops,
 * set_fact's free form), vars_files (one templated, first found), environment and
 * remote_user, roles (a dependency, defaults, vars, files/, handlers notified by both names),
 * import_tasks, include_tasks (in a loop, and with vars and when), import_playbook, vault
 * (a vars file encrypted whole, a !vault value), facts (gathered because a play reads them),
 * pre_tasks delegated to localhost and a local_action (controller-side files compared too), an
 * ansible.cfg whose roles_path alone leads to a role. The lab's own inventory (tpx) or an
 * Ansible one (ansible-playbook) gives only the connection; the estate gives the groups.
 */
const ESTATE: Readonly<Record<string, string>> = {
  hosts: `# groups only: the connection comes from the other -i
[web]
mesh-01
mesh-02

[db]
mesh-03

[app:children]
web
db

[web:vars]
site_port = 8080
banner = "served by web"
`,
  'group_vars/all.yml': 'base: /opt/estate\npackages: [curl, jq]\nbanner: from group_vars/all\n',
  'group_vars/web/10-users.yml': 'users: {alice: 1001, bob: 1002}\n',
  'group_vars/web/20-role.yaml': 'role_name: web\n',
  'group_vars/db.yml': 'role_name: db\nsite_port: 5432\n',
  'host_vars/mesh-01.yml': 'primary: true\n',
  'vars/common.yml': 'motd: from vars_files\n',
  'vars/default.yml': 'tier: default tier\n',
  'shared-roles/common/defaults/main.yml': 'common_dir: "{{ base }}/common"\ncommon_note: from common defaults\n',
  'shared-roles/common/files/motd': 'welcome from the common role\n',
  'shared-roles/common/tasks/main.yml': `- name: common dir
  file: path={{ common_dir }} state=directory mode=0755
- name: motd from the role's files/
  copy: src=motd dest={{ common_dir }}/motd mode=0644
  notify: common changed
`,
  'shared-roles/common/handlers/main.yml': `- name: common changed
  shell: echo common-handler >> {{ base }}/order
`,
  // Only ansible.cfg's roles_path leads to the common role.
  'ansible.cfg': '[defaults]\nroles_path = shared-roles\n',
  'roles/web/meta/main.yml': 'dependencies:\n  - role: common\n',
  'roles/web/vars/main.yml': 'web_greeting: from web vars\n',
  'roles/web/tasks/main.yml': `- import_tasks: config.yml
- name: one site per item
  include_tasks: site.yml
  loop: [alpha, beta]
  loop_control:
    loop_var: site
`,
  'roles/web/tasks/config.yml': `- name: web config
  copy:
    content: "{{ web_greeting }} {{ common_note }} {{ role_name }}\\n"
    dest: "{{ base }}/web.conf"
    mode: "0644"
  notify: "common : common changed"
`,
  'roles/web/tasks/site.yml': `- name: site file
  copy: content="{{ site }}\\n" dest={{ base }}/site-{{ site }} mode=0644
`,
  'tasks/primary.yml': `- name: primary marker
  copy: content="{{ marker }}\\n" dest={{ base }}/marker mode=0644
`,
  'site.yml': `---
- import_playbook: estate.yml
# No gather_facts: Ansible gathers by default, tpx because the play reads facts.
- name: second play
  hosts: db
  become: true
  tasks:
    - name: imported in a play of site.yml
      import_tasks: tasks/primary.yml
      vars:
        marker: db marker
    - name: facts
      copy:
        dest: "{{ base }}/facts"
        mode: "0644"
        content: |
          {{ ansible_facts.os_family }} {{ ansible_distribution }} {{ ansible_distribution_major_version }}
          {{ ansible_architecture }} {{ ansible_system }} {{ ansible_processor_vcpus }} {{ ansible_memtotal_mb }}
          {{ ansible_facts['user_id'] }} {{ ansible_env.HOME }} {{ ansible_service_mgr }} {{ ansible_pkg_mgr }}
      when: ansible_os_family == 'Debian'
`,
  'estate.yml': `---
- name: estate
  hosts: app
  become: true
  gather_facts: false
  # The connection's ansible_user wins over remote_user, in Ansible and in tpx.
  remote_user: nobody-such
  vars:
    stage: prod
  vars_files:
    - vars/common.yml
    - vars/secret.yml
    - ["vars/{{ stage }}.yml", vars/default.yml]
  environment:
    ESTATE_COLOR: blue
  pre_tasks:
    - name: base
      file: path={{ base }} state=directory mode=0755
      notify: note order

    - name: controller-side record
      copy: content="{{ inventory_hostname }} {{ role_name }}\\n" dest={{ controller_dir }}/{{ inventory_hostname }}.txt mode=0644
      delegate_to: localhost
      become: false

    - name: controller-side marker
      local_action: copy content="{{ site_port }}\\n" dest={{ controller_dir }}/port-{{ inventory_hostname }} mode=0600
      become: false

  roles:
    - common
    - role: web
      when: "'web' in group_names"

  tasks:

    - name: role file
      copy: content="{{ role_name }} {{ site_port }} {{ banner }}\\n" dest={{ base }}/role mode=0644

    - name: package dirs
      file: path={{ base }}/{{ item }} state=directory mode=0750
      with_items:
        - "{{ packages }}"
        - [extra]

    - name: one file per user
      copy: content="{{ item.value }}\\n" dest={{ base }}/user-{{ item.key }} mode=0600
      with_dict: "{{ users | default({}) }}"

    - name: indexed
      shell: echo {{ item.0 }}={{ item.1 }} > {{ base }}/indexed-{{ item.0 }} creates={{ base }}/indexed-{{ item.0 }}
      with_indexed_items: [a, b]

    - name: together
      shell: echo {{ item.0 }}-{{ item.1 }} > {{ base }}/together-{{ item.0 }} creates={{ base }}/together-{{ item.0 }}
      with_together:
        - [1, 2, 3]
        - [x, y]

    - name: nested
      shell: echo {{ item[0] }}{{ item[1] }} > {{ base }}/nested-{{ item[0] }}{{ item[1] }} creates={{ base }}/nested-{{ item[0] }}{{ item[1] }}
      with_nested:
        - [p, q]
        - [1, 2]

    - name: environment
      shell: echo "$ESTATE_COLOR $ESTATE_SHAPE {{ motd }}, {{ tier }}" > {{ base }}/env
      environment:
        ESTATE_SHAPE: "{{ role_name }}"
      changed_when: false

    - name: greeting
      set_fact: greeting="hello {{ inventory_hostname }}" loud=yes

    - name: primary only
      copy: content="{{ greeting }} {{ loud }}\\n" dest={{ base }}/primary mode=0644
      when: primary | default(false)

    - name: secrets
      copy: content="{{ secret_word }} {{ api_token | default('no token') }}\\n" dest={{ base }}/secret mode=0600
      no_log: true

    - name: included on the primary only
      include_tasks: tasks/primary.yml
      when: primary | default(false)
      vars:
        marker: primary marker

  post_tasks:
    - name: post
      shell: echo post >> {{ base }}/order && touch {{ base }}/post-done creates={{ base }}/post-done
      notify: note order

  handlers:
    - name: note order
      shell: echo handler >> {{ base }}/order
`,
};

describe.skipIf(!enabled)('an Ansible estate (INI inventory, group_vars, host_vars, older spellings) runs unchanged', () => {
  const { tpxLab, ansibleLab, dir } = useTwinFleets('tpx-ansible-estate-');

  it('ends with the same files and recap counts on both fleets, on a first and a second run', async () => {
    const work = dir();
    expect(hasAnsible, `${ANSIBLE_PLAYBOOK} is missing (apt-get install ansible-core)`).toBe(true);
    const estate = join(work, 'estate');
    for (const [path, text] of Object.entries(ESTATE)) {
      mkdirSync(dirname(join(estate, path)), { recursive: true });
      writeFileSync(join(estate, path), text);
    }
    // Vault: a vars file encrypted whole and a !vault value in a role's vars, made by ansible-vault.
    const vault = new AnsibleVaultWorkspace();
    const password = vault.write('estate vault password\n');
    try {
      writeFileSync(join(estate, 'vars/secret.yml'), vault.encrypt('secret_word: from the vault\n', password));
      writeFileSync(
        join(estate, 'roles/web/vars/main.yml'),
        `${ESTATE['roles/web/vars/main.yml']}${vault.encryptString('a-vaulted-token', password, 'api_token')}\n`,
      );
      copyFileSync(password, join(work, 'vault-password'));
    } finally {
      vault.remove();
    }
    const vaultArgs = ['--vault-password-file', join(work, 'vault-password')];
    // Each tool writes its controller-side files (delegate_to: localhost, local_action) into its own directory.
    const controller = (tool: string): string => join(work, `${tool}-controller`);
    for (const tool of ['tpx', 'ansible']) mkdirSync(controller(tool));
    const listing = (tool: string): string =>
      readdirSync(controller(tool))
        .sort()
        .map((f) => `${f}: ${readFileSync(join(controller(tool), f), 'utf8')}`)
        .join('');
    const connection = join(work, 'ansible-connection.json');
    writeAnsibleInventory(ansibleLab.state, connection);
    const home = join(work, 'ansible-home');
    const playbook = join(estate, 'site.yml');
    const hostsFile = join(estate, 'hosts');
    const names = tpxLab.state.hosts.map((h) => h.name);
    const dump = (lab: LabState, host: string) => dumpHost(lab, host, '/opt/estate');

    for (const round of ['first', 'second']) {
      const config = { ANSIBLE_CONFIG: join(estate, 'ansible.cfg') };
      const ours = runWithTpx(tpxLab.state, work, playbook, [hostsFile], [...vaultArgs, '-e', `controller_dir=${controller('tpx')}`], config);
      const theirs = runWithAnsible(home, playbook, [connection, hostsFile], [...vaultArgs, '-e', `controller_dir=${controller('ansible')}`], config);
      expect(listing('tpx'), round).toBe(listing('ansible'));
      expect(Object.keys(theirs).sort(), round).toEqual([...names].sort());
      expect(ours, round).toEqual(theirs);
      for (const host of names) expect(await dump(tpxLab.state, host), `${round} ${host}`).toBe(await dump(ansibleLab.state, host));
      // Idempotent: the second run changes nothing, for both tools alike.
      if (round === 'second') for (const host of names) expect(theirs[host].changed, `second run on ${host}`).toBe(0);
    }
    // The estate's variables did reach the hosts (so equal empty dumps cannot pass).
    const first = await dump(tpxLab.state, names[0]);
    // group_vars/all.yml beats [web:vars] written in the INI file: Ansible's precedence, followed.
    expect(first).toContain('web 8080 from group_vars/all');
    expect(first).toContain('== /opt/estate/user-alice\n1001');
    expect(first).toContain('hello mesh-01 True');
    expect(first).toContain('== /opt/estate/env\nblue web from vars_files, default tier\n');
    // Handlers flushed after pre_tasks, after roles and tasks (the role's handler, notified as
    // "common : common changed" too, once), after post_tasks; the second run changes nothing, so none.
    expect(first).toContain('== /opt/estate/order\nhandler\ncommon-handler\npost\nhandler\n');
    // Roles: dependency, defaults, vars, files/, import_tasks, include_tasks in a loop; include_tasks with vars.
    expect(first).toContain('== /opt/estate/web.conf\nfrom web vars from common defaults web\n');
    expect(first).toContain('== /opt/estate/common/motd\nwelcome from the common role\n');
    expect(first).toContain('== /opt/estate/site-beta\nbeta\n');
    expect(first).toContain('== /opt/estate/marker\nprimary marker\n');
    // delegate_to: localhost and local_action wrote on the controller, with each host's variables.
    expect(listing('tpx')).toContain('mesh-01.txt: mesh-01 web\n');
    // "{{ site_port }}\n" is the number itself in Ansible (its single-variable shortcut): no newline.
    expect(listing('tpx')).toMatch(/port-mesh-03: 5432$/);
    // Vault: a vars file encrypted whole, and a !vault value in a role's vars (web hosts only).
    expect(first).toContain('== /opt/estate/secret\nfrom the vault a-vaulted-token\n');
    // import_playbook: the second play of site.yml ran on db only, with facts gathered.
    const db = await dump(tpxLab.state, names[2]);
    expect(db).toContain('== /opt/estate/marker\ndb marker\n');
    expect(db).toMatch(/== \/opt\/estate\/facts\nDebian Debian 12\n/);
    expect(await dump(tpxLab.state, names[2])).toContain('db 5432 from group_vars/all');
  }, 400_000);
});

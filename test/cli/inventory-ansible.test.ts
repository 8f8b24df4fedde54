import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupMembers } from '../../src/inventory/group-members.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { selectHosts } from '../../src/inventory/patterns.js';
import { ensureBuilt, REPO_ROOT, runTpx } from './run-built-tpx.js';
import { ANSIBLE_JSON_ENV } from '../helpers/ansible-json.js';
import { AnsibleVaultWorkspace } from '../helpers/ansible-vault.js';

// tpx must read inventories exactly as ansible-core does: the same JSON for --list, the
// same tree for --graph, the same hosts for patterns, the same `groups` and `group_names`.

const F = 'test/fixtures/inventories/ansible';
const INVENTORIES: readonly (readonly string[])[] = [
  ['inventory.example.yaml'],
  [`${F}/nested.yaml`],
  [`${F}/overlap.yaml`],
  [`${F}/toplevel.yaml`],
  [`${F}/multi-a.yaml`, `${F}/multi-b.yaml`],
  [`${F}/patterns.yaml`],
];

let ansibleDir = '';
const ansibleEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  // Quiet, no colour, and nothing written to ~: config, temp files and collections in a temp dir.
  ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'),
  ANSIBLE_HOME: join(ansibleDir, 'home'),
  ANSIBLE_LOCAL_TEMP: join(ansibleDir, 'tmp'),
  ANSIBLE_REMOTE_TEMP: join(ansibleDir, 'remote-tmp'),
  HOME: ansibleDir,
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_FORCE_COLOR: '0',
  ANSIBLE_DEPRECATION_WARNINGS: 'False',
  ANSIBLE_LOCALHOST_WARNING: 'False',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
  ANSIBLE_HOST_PATTERN_MISMATCH: 'ignore',
  ...ANSIBLE_JSON_ENV,
});

function runAnsible(command: string, args: readonly string[]): string {
  const r = spawnSync(command, [...args], { cwd: REPO_ROOT, env: ansibleEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

const inventoryArgs = (files: readonly string[]): string[] => files.flatMap((f) => ['-i', f]);

const ansibleFound = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0;

if (!ansibleFound && process.env.CI) {
  describe('comparison with ansible-core', () => {
    it('needs ansible-inventory (apt-get install ansible-core); in CI this comparison must run', () => {
      throw new Error('ansible-inventory was not found on PATH, and CI is set: install ansible-core (the Debian package) so tpx is compared with Ansible');
    });
  });
} else {
  describe.skipIf(!ansibleFound)('comparison with ansible-core (ansible-inventory)', () => {
    beforeAll(() => {
      ansibleDir = mkdtempSync(join(tmpdir(), 'tpx-ansible-'));
      writeFileSync(join(ansibleDir, 'ansible.cfg'), '[defaults]\n');
      ensureBuilt();
    }, 240_000);
    afterAll(() => {
      if (ansibleDir) rmSync(ansibleDir, { recursive: true, force: true });
    });

    const label = (files: readonly string[]): string => files.join(' + ');

    // Estates as they are: INI files, directories of sources, group_vars/ and host_vars/ in
    // file and directory forms, host lists, a playbook directory's vars. Each case is the
    // argument list given to both tools.
    const ESTATES: readonly (readonly string[])[] = [
      ['-i', `${F}/ini-basic.ini`],
      ['-i', `${F}/ini-forward.ini`],
      ['-i', `${F}/estate`],
      ['-i', `${F}/estate/hosts`],
      ['-i', `${F}/estate/hosts`, '-i', `${F}/estate/cloud.yaml`, '-i', `${F}/ini-basic.ini`],
      ['-i', `${F}/estate`, '--playbook-dir', `${F}/playdir`],
      ['-i', 'h1,h2:2200,[::1]:2222,web[1:2],'],
    ];

    it.each(ESTATES.map((args) => [args.join(' '), args] as const))('--list and --graph --vars agree byte for byte on %s', (_label, args) => {
      for (const view of [['--list'], ['--graph', '--vars']]) {
        const ours = runTpx(['inventory', ...args, ...view]);
        expect(ours.stderr).toBe('');
        expect(ours.code).toBe(0);
        expect(ours.stdout.trimEnd()).toBe(runAnsible('ansible-inventory', [...args, ...view]).trimEnd());
      }
    });

    it('reads INI values as Ansible types them (same JSON; floats and tuples print alike once parsed)', () => {
      const args = ['-i', `${F}/ini-typing`, '--list'];
      const ours = runTpx(['inventory', ...args]);
      expect(ours.code).toBe(0);
      const parsed = JSON.parse(ours.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
      // Typing happened: a number, a boolean, a list and a mapping, not strings.
      expect(parsed._meta.hostvars.h1.i).toBe(42);
      expect(parsed._meta.hostvars.h2.t).toBe(true);
      expect(parsed._meta.hostvars.h3.list).toEqual([1, 'two', [3]]);
      expect(parsed._meta.hostvars.h3.dict).toEqual({ k: 'v', n: 1 });
      expect(parsed).toEqual(JSON.parse(runAnsible('ansible-inventory', args)));
    });

    it.each([
      ['a [g:vars] of a group no section defines', '[g:vars]\nx=1\n', 1],
      ['a child never defined', '[p:children]\nnope\n', 2],
      ['an unknown section type', '[g:weird]\nh\n', 1],
      ['a host line with a word that is not key=value', '[g]\nh1 novalue\n', 2],
      ['a cycle among children', '[a:children]\nb\n[b:children]\na\n[b]\n', 4],
    ])('refuses %s, as Ansible fails to parse it', (_what, text, line) => {
      const file = join(ansibleDir, 'broken-inventory');
      writeFileSync(file, text.replace(/\\n/g, '\n'));
      const ours = runTpx(['inventory', '-i', file, '--list']);
      expect(ours.code).toBe(4);
      expect(ours.stderr).toContain(`${file}:${line}:`);
      // Ansible only warns and goes on without the file; the warning names the same line.
      const theirs = spawnSync('ansible-inventory', ['-i', file, '--list'], { env: ansibleEnv(), encoding: 'utf8', timeout: 120_000 });
      expect(theirs.stderr.replace(/\n/g, ' ')).toMatch(/Unable to parse|Failed to parse/);
    });

    it('--list agrees with --vault-password-file: a group_vars file encrypted whole, !vault values in host_vars and in the inventory', () => {
      const vault = new AnsibleVaultWorkspace();
      try {
        const password = vault.write('oracle vault password\n');
        const estate = join(ansibleDir, 'vault-estate');
        mkdirSync(join(estate, 'group_vars'), { recursive: true });
        mkdirSync(join(estate, 'host_vars'), { recursive: true });
        // encrypt_string ends without a line break.
        const indent = (text: string, by: number): string => `${text.trimEnd().replace(/^/gm, ' '.repeat(by))}\n`;
        const hosts = join(estate, 'hosts.yml');
        writeFileSync(
          hosts,
          `all:\n  children:\n    web:\n      hosts:\n        web1:\n${indent(vault.encryptString('inline-oracle-value', password, 'inline_token'), 10)}        web2:\n`,
        );
        writeFileSync(join(estate, 'group_vars', 'web.yml'), vault.encrypt('db_password: oracle-db-password\nport_note: plain\n', password));
        // With its last line break: at the end of a file without one, `yaml` keeps a `|` scalar's final
        // line break where PyYAML has none (a difference of every block scalar, not of vault values).
        writeFileSync(join(estate, 'host_vars', 'web1.yml'), `${vault.encryptString('oracle-api-token', password, 'api_token')}\n`);

        const args = ['-i', hosts, '--list', '--vault-password-file', password];
        const ours = runTpx(['inventory', ...args]);
        expect(ours.stderr).toBe('');
        expect(ours.code).toBe(0);
        const theirs = runAnsible('ansible-inventory', args);
        expect(theirs).toContain('__ansible_vault');
        expect(ours.stdout.trimEnd()).toBe(theirs.trimEnd());
        // The plaintext of a !vault value is never printed, by either.
        expect(ours.stdout).not.toContain('oracle-api-token');

        // Without the password both refuse; tpx at the first vault data it meets (Ansible reads
        // !vault values lazily, so it is its encrypted group_vars file that stops it).
        const refused = runTpx(['inventory', '-i', hosts, '--list']);
        expect(refused.code).toBe(4);
        expect(refused.stderr).toContain(`${hosts}:6:25: this !vault value is encrypted with Ansible Vault`);
        const theirsRefused = spawnSync('ansible-inventory', ['-i', hosts, '--list'], { env: ansibleEnv(), encoding: 'utf8', timeout: 120_000 });
        expect(theirsRefused.status).not.toBe(0);
        expect(theirsRefused.stderr).toContain('no vault secrets');
      } finally {
        vault.remove();
      }
    });

    it.each(INVENTORIES.map((files) => [label(files), files] as const))('--list agrees on %s', (_label, files) => {
      const ours = runTpx(['inventory', ...inventoryArgs(files), '--list']);
      expect(ours.stderr).toBe('');
      expect(ours.code).toBe(0);
      const theirs = runAnsible('ansible-inventory', [...inventoryArgs(files), '--list']);
      const parsed = JSON.parse(ours.stdout) as Record<string, unknown>;
      expect(Object.keys(parsed).length).toBeGreaterThan(2); // _meta, all and at least one group
      expect(parsed).toEqual(JSON.parse(theirs));
      // Same text too: keys sorted, four-space indentation.
      expect(ours.stdout.trimEnd()).toBe(theirs.trimEnd());
    });

    it.each(INVENTORIES.map((files) => [label(files), files] as const))('--graph and --graph --vars agree on %s', (_label, files) => {
      for (const extra of [[], ['--vars']]) {
        const ours = runTpx(['inventory', ...inventoryArgs(files), '--graph', ...extra]);
        expect(ours.code).toBe(0);
        const theirs = runAnsible('ansible-inventory', [...inventoryArgs(files), '--graph', ...extra]);
        expect(ours.stdout.trimEnd()).toBe(theirs.trimEnd());
      }
    });

    it.each([
      ['inventory.example.yaml', 'dataplanes:!canary'],
      ['inventory.example.yaml', 'dc*:&dc1_rack_b'],
      ['inventory.example.yaml', 'mesh-2*,legacy-01'],
      ['inventory.example.yaml', '~mesh-0[1-4]:!mesh-03'],
      ['inventory.example.yaml', 'dc1_rack_a[1:]:dc2[0]'],
      [`${F}/overlap.yaml`, 'zebra:apple:&mango'],
      [`${F}/overlap.yaml`, 'ungrouped:solo*'],
    ])('pattern on %s: %s', (file, pattern) => {
      const out = runAnsible('ansible', ['-i', file, pattern, '--list-hosts']);
      const theirs = out
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const ours = selectHosts(loadInventory([file]), pattern);
      expect(ours.length).toBeGreaterThan(0);
      // Same hosts; the order below a group's direct children comes from a Python set in
      // Ansible (it varies between runs), so the exact order is checked in patterns.test.ts.
      expect([...ours].sort()).toEqual([...theirs].sort());
      expect(new Set(ours).size).toBe(ours.length);
    });

    it.each(INVENTORIES.map((files) => [label(files), files] as const))('groups and group_names agree on %s', (_label, files) => {
      const playbook = join(ansibleDir, 'magic.yaml');
      writeFileSync(playbook, "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: \"{{ {'group_names': group_names, 'groups': groups} }}\"}\n");
      const report = JSON.parse(runAnsible('ansible-playbook', [...inventoryArgs(files), playbook])) as {
        plays: { tasks: { hosts: Record<string, { msg: { group_names: string[]; groups: Record<string, string[]> } }> }[] }[];
      };
      const results = report.plays[0].tasks[0].hosts;
      const inventory = loadInventory(files);
      expect(Object.keys(results).sort()).toEqual([...inventory.hosts.keys()].sort());
      for (const [host, { msg }] of Object.entries(results)) {
        expect(inventory.hosts.get(host)!.groupNames).toEqual(msg.group_names);
      }
      // Ansible walks grandchildren through a Python set, so only direct order is stable: compare members.
      const sorted = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([g, hs]) => [g, [...hs].sort()]));
      expect(sorted(groupMembers(inventory))).toEqual(sorted(Object.values(results)[0].msg.groups));
    });
  });
}

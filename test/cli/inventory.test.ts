import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT, runTpx } from './run-built-tpx.js';

// The built CLI: `node bin/tpx.js inventory ...`, its output and its exit codes.

let dir = '';
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tpx-inventory-cli-'));
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const EXAMPLE = join(REPO_ROOT, 'inventory.example.yaml');

describe('tpx inventory', () => {
  it('prints --list JSON by default', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.canary).toEqual({ hosts: ['mesh-01'] });
    expect(list._meta.hostvars['legacy-01']).toMatchObject({ ansible_user: 'admin', ansible_port: 2022, user: 'ops' });
  });

  it('uses ./inventory.yaml when no -i is given', () => {
    const cwd = mkdtempSync(join(dir, 'default-'));
    copyFileSync(EXAMPLE, join(cwd, 'inventory.yaml'));
    const r = runTpx(['inventory', '--graph'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['@all:', '  |--@ungrouped:', '  |--@canary:']);
  });

  it('without -i and without ./inventory.yaml: a clear message and exit 5', () => {
    const cwd = mkdtempSync(join(dir, 'none-'));
    const r = runTpx(['inventory', '--list'], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe('tpx: no inventory: give one with -i FILE, set inventory in ansible.cfg, or create ./inventory.yaml\n');
    expect(r.stdout).toBe('');
  });

  it('an -i file that does not exist: exit 5, naming it', () => {
    const r = runTpx(['inventory', '-i', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`inventory not found: ${join(dir, 'missing.yaml')}`);
  });

  it('a bad inventory: every problem as FILE:LINE:COL with the line and a caret, exit 4, no stack trace', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'all:\n  vars:\n    port: 0\n  children:\n    fleet:\n      child:\n        rack:\n');
    const r = runTpx(['inventory', '-i', file, '--list']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `${file}:3:11: "port" must be an integer between 1 and 65535, got 0`,
        '3 |     port: 0',
        '              ^',
        '',
        `${file}:6:7: unknown key "child" in group; did you mean "children"?`,
        '6 |       child:',
        '          ^',
        '2 errors found; nothing was run.',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('-l limits the hosts of --list', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE, '-l', 'dc1:!canary', '--list']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(Object.keys(list._meta.hostvars).sort()).toEqual(['mesh-02', 'mesh-03', 'mesh-04', 'mesh-05']);
    expect(list.dc1_rack_a).toEqual({ hosts: ['mesh-02', 'mesh-03'] });
    expect(list.canary).toBeUndefined();
  });

  it('--graph with -l GROUP draws the tree from that group, as ansible-inventory --graph GROUP', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE, '-l', 'dc1', '--graph']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '@dc1:',
        '  |--@dc1_rack_a:',
        '  |  |--mesh-01',
        '  |  |--mesh-02',
        '  |  |--mesh-03',
        '  |--@dc1_rack_b:',
        '  |  |--mesh-04',
        '  |  |--mesh-05',
        '',
      ].join('\n'),
    );
  });

  it('--graph with a pattern that is not a group keeps only the matching hosts', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE, '-l', 'legacy-*', '--graph']);
    expect(r.stdout).toBe(['@all:', '  |--@dataplanes:', '  |  |--@dc2:', '  |  |  |--@dc2_legacy:', '  |  |  |  |--legacy-01', ''].join('\n'));
  });

  it('a pattern that matches nothing: a warning, empty groups, exit 0', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE, '-l', 'nothing-here']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('tpx: warning: the pattern "nothing-here" matches no host\n');
    expect(JSON.parse(r.stdout)._meta).toEqual({ hostvars: {} });
  });

  it('a malformed regex pattern: exit 5', () => {
    const r = runTpx(['inventory', '-i', EXAMPLE, '-l', '~mesh-(']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^tpx: invalid regular expression in host pattern "~mesh-\("/);
  });

  it.each([
    [['--list', '--graph'], 'tpx: --list and --graph cannot be used together; choose one\n'],
    [['--list', '--vars'], 'tpx: --vars goes with --graph\n'],
  ])('refuses %j with exit 5', (flags, message) => {
    const r = runTpx(['inventory', '-i', EXAMPLE, ...flags]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(message);
  });

  it('merges several -i files', () => {
    const a = 'test/fixtures/inventories/ansible/multi-a.yaml';
    const b = 'test/fixtures/inventories/ansible/multi-b.yaml';
    const list = JSON.parse(runTpx(['inventory', '-i', a, '-i', b]).stdout);
    expect(list._meta.hostvars['mesh-01'].note).toBe('from-b');
    expect(list.all.children).toEqual(['ungrouped', 'canary', 'fleet', 'late']);
  });

  it('inventory --help names the options', () => {
    const r = runTpx(['inventory', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--inventory', '--limit', '--list', '--graph', '--vars', '--vault-password-file', '--vault-id', '-J, --ask-vault-pass']) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe('tpx inventory with vault data', () => {
  // From test/fixtures/vault/: a group_vars file encrypted whole (vault id "prod") and a !vault value in host_vars.
  const VAULT = join(REPO_ROOT, 'test', 'fixtures', 'vault');
  const PASSWORD = join(VAULT, 'password');
  const PROD = join(VAULT, 'prod-password');
  let estate = '';
  let hosts = '';
  beforeAll(() => {
    estate = mkdtempSync(join(dir, 'vault-'));
    mkdirSync(join(estate, 'group_vars'));
    mkdirSync(join(estate, 'host_vars'));
    hosts = join(estate, 'hosts.yml');
    writeFileSync(hosts, 'all:\n  children:\n    web:\n      hosts:\n        web1:\n');
    copyFileSync(join(VAULT, 'labelled-1.2.vault'), join(estate, 'group_vars', 'web.yml'));
    copyFileSync(join(VAULT, 'encrypt-string.yml'), join(estate, 'host_vars', 'web1.yml'));
  });

  it('decrypts with --vault-id and --vault-password-file; --list shows a !vault value as its vault text', () => {
    const r = runTpx(['inventory', '-i', hosts, '--list', '--vault-id', `prod@${PROD}`, '--vault-password-file', PASSWORD]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const web1 = JSON.parse(r.stdout)._meta.hostvars.web1;
    expect(web1.db_password).toBe('s3cr3t');
    expect(web1.api_token.__ansible_vault).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(r.stdout).not.toContain('tok-123');
  });

  it('without a vault password: exit 4 at the file:line:col of the vault data, naming the options', () => {
    const r = runTpx(['inventory', '-i', hosts, '--list']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${join(estate, 'group_vars', 'web.yml')}:1:1: this vars file is encrypted with Ansible Vault: give its password with --vault-password-file FILE`,
    );
    expect(r.stderr).toContain(`${join(estate, 'host_vars', 'web1.yml')}:1:12: this !vault value is encrypted with Ansible Vault`);
  });

  it('with a wrong password: exit 4 at the vault data, and neither a password nor a plaintext in the output', () => {
    const wrong = join(estate, 'wrong-password');
    writeFileSync(wrong, 'wrong-password-value\n');
    const r = runTpx(['inventory', '-i', hosts, '--graph', '--vars', '--vault-password-file', wrong, '--vault-id', `prod@${PROD}`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${join(estate, 'host_vars', 'web1.yml')}:1:12: this !vault value cannot be decrypted: no vault secret could decrypt this`);
    const output = r.stdout + r.stderr;
    for (const secret of ['wrong-password-value', readFileSync(PROD, 'utf8').trim(), readFileSync(PASSWORD, 'utf8').trim(), 'tok-123']) {
      expect(output).not.toContain(secret);
    }
  });

  it('a vault password file that does not exist, or --ask-vault-pass without a terminal: exit 5', () => {
    const missing = runTpx(['inventory', '-i', hosts, '--vault-password-file', join(estate, 'nope')]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toBe(`tpx: vault password file not found: ${join(estate, 'nope')}\n`);
    const ask = runTpx(['inventory', '-i', hosts, '-J']);
    expect(ask.code).toBe(5);
    expect(ask.stderr).toContain('--ask-vault-pass needs a terminal');
  });
});

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAnsibleCfg } from '../../src/config/find-ansible-cfg.js';
import { loadAnsibleConfig } from '../../src/config/load-ansible-config.js';

let root = '';
let home = '';
let cwd = '';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tpx-config-'));
  home = join(root, 'home');
  cwd = join(root, 'work');
  mkdirSync(home);
  mkdirSync(cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const search = (env: Record<string, string> = {}) => ({ env, cwd, home });

describe('findAnsibleCfg', () => {
  it('takes the first of ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg (and /etc/ansible/ansible.cfg)', () => {
    const inHome = write(join(home, '.ansible.cfg'), '[defaults]\n');
    expect(findAnsibleCfg(search()).file).toBe(inHome);
    const inCwd = write(join(cwd, 'ansible.cfg'), '[defaults]\n');
    expect(findAnsibleCfg(search()).file).toBe(inCwd);
    const fromEnv = write(join(root, 'conf', 'site.cfg'), '[defaults]\n');
    expect(findAnsibleCfg(search({ ANSIBLE_CONFIG: fromEnv })).file).toBe(fromEnv);
    expect(findAnsibleCfg(search()).looked).toEqual([inCwd, inHome, '/etc/ansible/ansible.cfg']);
  });

  it('reads ANSIBLE_CONFIG as a directory holding ansible.cfg, relative to the current directory', () => {
    const file = write(join(cwd, 'deploy', 'ansible.cfg'), '[defaults]\n');
    expect(findAnsibleCfg(search({ ANSIBLE_CONFIG: 'deploy' })).file).toBe(file);
    expect(findAnsibleCfg(search({ ANSIBLE_CONFIG: 'deploy/ansible.cfg' })).file).toBe(file);
  });

  it('goes on to the next place, with a warning, when ANSIBLE_CONFIG names nothing', () => {
    const inHome = write(join(home, '.ansible.cfg'), '[defaults]\n');
    const found = findAnsibleCfg(search({ ANSIBLE_CONFIG: join(root, 'missing.cfg') }));
    expect(found.file).toBe(inHome);
    expect(found.warnings).toEqual([`ANSIBLE_CONFIG=${join(root, 'missing.cfg')}: no readable file at ${join(root, 'missing.cfg')}; ignored`]);
  });

  it('refuses ./ansible.cfg in a world-writable directory, with a warning, as Ansible does', () => {
    write(join(cwd, 'ansible.cfg'), '[defaults]\nforks = 3\n');
    chmodSync(cwd, 0o777);
    const found = findAnsibleCfg(search());
    expect(found.file).toBeUndefined();
    expect(found.looked).not.toContain(join(cwd, 'ansible.cfg'));
    expect(found.warnings).toEqual([`the current directory ${cwd} is world-writable: its ansible.cfg is not read (as Ansible refuses it)`]);
    // ANSIBLE_CONFIG still names it, and then there is nothing to warn about.
    const named = findAnsibleCfg(search({ ANSIBLE_CONFIG: join(cwd, 'ansible.cfg') }));
    expect(named).toMatchObject({ file: join(cwd, 'ansible.cfg'), warnings: [] });
  });

  it('refuses a config file not named .cfg or .ini, as Ansible does', () => {
    const file = write(join(root, 'settings'), '[defaults]\n');
    expect(() => findAnsibleCfg(search({ ANSIBLE_CONFIG: file }))).toThrow(`${file}: a config file must end in .cfg or .ini`);
  });
});

describe('loadAnsibleConfig', () => {
  const FULL = `[defaults]
inventory = hosts.ini, ../shared/cloud.yaml
remote_user = 'ops'
private_key_file = keys/id_ed25519
roles_path = roles:~/galaxy:/opt/roles
forks = 25
host_key_checking = False
timeout = 30
stdout_callback = yaml
gathering = smart

[privilege_escalation]
become = yes
become_user = postgres
become_method = sudo
become_ask_pass = False

[ssh_connection]
pipelining = True
`;

  it('reads the keys, typed, paths relative to the file', () => {
    const file = write(join(root, 'estate', 'ansible.cfg'), FULL);
    const config = loadAnsibleConfig(search({ ANSIBLE_CONFIG: file }));
    const dir = join(root, 'estate');
    expect(config.file).toBe(file);
    expect(config.settings).toEqual({
      inventory: [join(dir, 'hosts.ini'), join(root, 'shared', 'cloud.yaml')],
      remoteUser: 'ops',
      privateKeyFile: join(dir, 'keys', 'id_ed25519'),
      rolesPath: [join(dir, 'roles'), join(home, 'galaxy'), '/opt/roles'],
      forks: 25,
      hostKeyChecking: false,
      timeout: 30,
      become: true,
      becomeUser: 'postgres',
      becomeAskPass: false,
    });
    expect(config.ignored).toEqual(['[defaults] stdout_callback', '[defaults] gathering', '[ssh_connection] pipelining']);
  });

  it('lets ANSIBLE_* variables win over the file, their relative paths from the current directory', () => {
    const file = write(join(root, 'estate', 'ansible.cfg'), FULL);
    const config = loadAnsibleConfig(
      search({
        ANSIBLE_CONFIG: file,
        ANSIBLE_INVENTORY: 'inv/a.yaml,$HOME/b.yaml',
        ANSIBLE_REMOTE_USER: 'deploy',
        ANSIBLE_PRIVATE_KEY_FILE: '~/.ssh/other',
        ANSIBLE_ROLES_PATH: 'r1:/abs/r2',
        ANSIBLE_FORKS: '7',
        ANSIBLE_HOST_KEY_CHECKING: 'true',
        ANSIBLE_TIMEOUT: '5',
        ANSIBLE_BECOME: 'no',
        ANSIBLE_BECOME_USER: 'root',
        ANSIBLE_BECOME_ASK_PASS: 'on',
        HOME: '/home/x',
      }),
    );
    expect(config.settings).toEqual({
      inventory: [join(cwd, 'inv', 'a.yaml'), '/home/x/b.yaml'],
      remoteUser: 'deploy',
      privateKeyFile: join(home, '.ssh', 'other'),
      rolesPath: [join(cwd, 'r1'), '/abs/r2'],
      forks: 7,
      hostKeyChecking: true,
      timeout: 5,
      become: false,
      becomeUser: 'root',
      becomeAskPass: true,
    });
    // Overridden keys are still keys tpx reads, not ignored ones.
    expect(config.ignored).not.toContain('[defaults] forks');
  });

  it('counts an empty variable as unset', () => {
    const file = write(join(cwd, 'ansible.cfg'), '[defaults]\nforks = 9\n');
    expect(loadAnsibleConfig(search({ ANSIBLE_FORKS: '' })).settings).toEqual({ forks: 9 });
    expect(loadAnsibleConfig(search()).file).toBe(file);
  });

  it('gives nothing without a config file or variables', () => {
    expect(loadAnsibleConfig(search())).toEqual({
      file: undefined,
      looked: [join(cwd, 'ansible.cfg'), join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg'],
      settings: {},
      ignored: [],
      warnings: [],
    });
  });

  it.each([
    ['forks = abc', 'forks: must be a whole number of at least 1, got "abc"'],
    ['forks = 0', 'forks: must be a whole number of at least 1, got "0"'],
    ['timeout = 1.5', 'timeout: must be a whole number of at least 1, got "1.5"'],
    ['host_key_checking = maybe', 'host_key_checking: must be true or false (yes/no, on/off, 1/0), got "maybe"'],
  ])('refuses %s at its file and line', (line, message) => {
    const file = write(join(cwd, 'ansible.cfg'), `[defaults]\n# settings\n${line}\n`);
    expect(() => loadAnsibleConfig(search())).toThrow(`${file}:3: ${message}`);
  });

  it('names the variable of a bad value from the environment', () => {
    expect(() => loadAnsibleConfig(search({ ANSIBLE_TIMEOUT: 'soon' }))).toThrow('ANSIBLE_TIMEOUT: timeout: must be a whole number of at least 1, got "soon"');
  });

  it('refuses a become_method other than sudo, naming it', () => {
    const file = write(join(cwd, 'ansible.cfg'), '[privilege_escalation]\nbecome = true\nbecome_method = su\n');
    expect(() => loadAnsibleConfig(search())).toThrow(`${file}:3: become_method = su: tpx supports only sudo`);
    expect(() => loadAnsibleConfig(search({ ANSIBLE_BECOME_METHOD: 'doas' }))).toThrow('ANSIBLE_BECOME_METHOD: become_method = doas: tpx supports only sudo');
    expect(loadAnsibleConfig(search({ ANSIBLE_BECOME_METHOD: 'sudo' })).settings.become).toBe(true);
  });

  it('reads a key of [DEFAULT] for the sections that exist', () => {
    write(join(cwd, 'ansible.cfg'), '[DEFAULT]\nremote_user = ops\nstrange = 1\n[defaults]\n');
    const config = loadAnsibleConfig(search());
    expect(config.settings).toEqual({ remoteUser: 'ops' });
    expect(config.ignored).toEqual(['[DEFAULT] strange']);
  });

  it('reports a file configparser refuses at its line', () => {
    const file = write(join(cwd, 'ansible.cfg'), '[defaults]\nforks = 5\njunk\n');
    expect(() => loadAnsibleConfig(search())).toThrow(`${file}:3: neither a [section] header, a "key = value" line nor a comment: "junk"`);
  });
});

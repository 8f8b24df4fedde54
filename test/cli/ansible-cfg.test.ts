import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configConnectionDefaults, loadCliConfig } from '../../src/cli/ansible-cfg.js';
import { hostConnectionVars } from '../../src/engine/ssh-connector.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { fleetInventory } from '../engine/run-harness.js';
import { trackRuns } from '../engine/track-runs.js';
import { ensureBuilt, runTpx } from './run-built-tpx.js';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tpx-cfg-cli-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const write = (path: string, text: string): string => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

describe('loadCliConfig', () => {
  it('with -v, names the file used and the keys ignored, one line each', () => {
    const file = write(join(root, 'ansible.cfg'), '[defaults]\nforks = 3\nstdout_callback = yaml\n[ssh_connection]\npipelining = True\n');
    const lines: string[] = [];
    const config = loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root }, cwd: root, verbose: 1, write: (l) => lines.push(l) });
    expect(config.settings.forks).toBe(3);
    expect(lines).toEqual([`ansible.cfg: using ${file}\n`, 'ansible.cfg: ignored keys: [defaults] stdout_callback, [ssh_connection] pipelining\n']);
    lines.length = 0;
    loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root }, cwd: root, write: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });

  it('says so with -v when there is none, and prints the search warnings', () => {
    const lines: string[] = [];
    loadCliConfig({ env: { ANSIBLE_CONFIG: join(root, 'nope.cfg'), HOME: root }, cwd: root, verbose: 2, write: (l) => lines.push(l) });
    expect(lines[0]).toBe(`tpx: warning: ansible.cfg: ANSIBLE_CONFIG=${join(root, 'nope.cfg')}: no readable file at ${join(root, 'nope.cfg')}; ignored\n`);
    expect(lines[1]).toMatch(/^ansible\.cfg: none found \(looked for .*nope\.cfg, .*ansible\.cfg, .*\.ansible\.cfg, \/etc\/ansible\/ansible\.cfg\)\n$/);
  });

  it('gives the roles path: roles_path from the file, ANSIBLE_ROLES_PATH over it', () => {
    const file = write(join(root, 'ansible.cfg'), '[defaults]\nroles_path = galaxy:/opt/roles\n');
    const quiet = { cwd: '/', write: () => undefined };
    expect(loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root }, ...quiet }).settings.rolesPath).toEqual([join(root, 'galaxy'), '/opt/roles']);
    expect(loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root, ANSIBLE_ROLES_PATH: '/env/roles' }, ...quiet }).settings.rolesPath).toEqual(['/env/roles']);
  });
});

describe('roles_path reaches role lookup', () => {
  it('loadPlaybook finds a role that only exists under the configured roles_path', () => {
    const file = write(join(root, 'cfg', 'ansible.cfg'), '[defaults]\nroles_path = ../shared-roles\n');
    write(join(root, 'shared-roles', 'greet', 'tasks', 'main.yml'), '- debug: { msg: hello }\n');
    const playbook = write(join(root, 'site', 'site.yml'), '- hosts: all\n  roles: [greet]\n  tasks: []\n');
    expect(() => loadPlaybook(playbook)).toThrow('role "greet" not found');
    const { rolesPath } = loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root }, cwd: root, write: () => undefined }).settings;
    const loaded = loadPlaybook(playbook, { rolesPath });
    expect(JSON.stringify(loaded.plays[0])).toContain(join(root, 'shared-roles', 'greet'));
  });
});

describe('connection settings from ansible.cfg', () => {
  const run = trackRuns();

  it('sit below ansible_user and the remote_user keyword', async () => {
    const file = write(join(root, 'ansible.cfg'), '[defaults]\nremote_user = cfguser\nprivate_key_file = id_cfg\nhost_key_checking = False\ntimeout = 42\n');
    const defaults = configConnectionDefaults(loadCliConfig({ env: { ANSIBLE_CONFIG: file, HOME: root }, cwd: root, write: () => undefined }));
    expect(defaults).toEqual({ user: 'cfguser', identityFile: join(root, 'id_cfg'), hostKeyChecking: 'off', connectTimeout: 42 });

    const r = await run(
      `
- hosts: h01
  remote_user: keyword
  tasks:
    - command: "true"
- hosts: h02
  tasks:
    - command: "true"
- hosts: h03
  remote_user: keyword
  tasks:
    - command: "true"
`,
      fleetInventory(3).replace('h03: {}', 'h03: { ansible_user: variable, ansible_timeout: 5 }'),
    );
    const settings = (host: string) => hostConnectionVars(r.fleet.connectVars.get(host) ?? {}, defaults);
    expect(settings('h01')).toMatchObject({ user: 'keyword', hostKeyChecking: 'off', connectTimeout: 42 });
    expect(settings('h02')).toMatchObject({ user: 'cfguser', identityFile: join(root, 'id_cfg') });
    expect(settings('h03')).toMatchObject({ user: 'variable', connectTimeout: 5 });
  });
});

describe('tpx with ansible.cfg (the built CLI)', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('run -v names the config file used; a bad value is a bad option at its file and line', () => {
    const file = write(join(root, 'ansible.cfg'), '[defaults]\ngathering = smart\n');
    const ok = runTpx(['run', '-v', join(root, 'missing.yml'), '-i', 'h1,'], { cwd: root, env: { ANSIBLE_CONFIG: file } });
    expect(ok.stderr).toContain(`ansible.cfg: using ${file}\nansible.cfg: ignored keys: [defaults] gathering\n`);

    writeFileSync(file, '[defaults]\n\nforks = abc\n');
    const bad = runTpx(['run', join(root, 'missing.yml'), '-i', 'h1,'], { cwd: root, env: { ANSIBLE_CONFIG: file } });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toBe(`tpx: ${file}:3: forks: must be a whole number of at least 1, got "abc"\n`);
    // -f wins over the file, but the file is still checked.
    expect(runTpx(['run', '-f', '3', join(root, 'missing.yml'), '-i', 'h1,'], { cwd: root, env: { ANSIBLE_CONFIG: file } }).code).toBe(5);
  });

  it('inventory: -i wins over ANSIBLE_INVENTORY, which wins over the file', () => {
    write(join(root, 'ansible.cfg'), '[defaults]\ninventory = from-file,\n');
    write(join(root, 'a.ini'), '[g]\nfrom-env\n');
    write(join(root, 'b.ini'), '[g]\nfrom-cli\n');
    const hosts = (args: string[], env: NodeJS.ProcessEnv = {}): string[] => {
      const r = runTpx(['inventory', '--list', ...args], { cwd: root, env: { ANSIBLE_CONFIG: join(root, 'ansible.cfg'), HOME: root, ...env } });
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as { g: { hosts: string[] } }).g.hosts;
    };
    write(join(root, 'from-file'), '[g]\nfrom-file\n');
    expect(hosts([])).toEqual(['from-file']);
    expect(hosts([], { ANSIBLE_INVENTORY: 'a.ini' })).toEqual(['from-env']);
    expect(hosts(['-i', 'b.ini'], { ANSIBLE_INVENTORY: 'a.ini' })).toEqual(['from-cli']);
  });

  it('refuses ./ansible.cfg in a world-writable current directory, with a warning', () => {
    const dir = join(root, 'shared');
    write(join(dir, 'ansible.cfg'), '[defaults]\ninventory = hosts.ini\n');
    write(join(dir, 'hosts.ini'), '[g]\nplanted\n');
    chmodSync(dir, 0o777);
    const r = runTpx(['inventory', '--list'], { cwd: dir, env: { ANSIBLE_CONFIG: undefined, HOME: root } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`tpx: warning: ansible.cfg: the current directory ${dir} is world-writable: its ansible.cfg is not read`);
    expect(r.stderr).toContain('tpx: no inventory: give one with -i FILE, set inventory in ansible.cfg, or create ./inventory.yaml');
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runTpx } from './run-built-tpx.js';

// With no -i, tpx takes the inventory that ansible.cfg names, as ansible-inventory does:
// the same file found, relative paths from the config file's directory, ANSIBLE_INVENTORY over it.

let dir = '';

/** The environment both tools get: nothing of the machine's own config, a private HOME. */
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  // Unset (spawn leaves out undefined values): Ansible reads an empty ANSIBLE_INVENTORY as the current directory.
  ANSIBLE_CONFIG: undefined,
  ANSIBLE_INVENTORY: undefined,
  HOME: join(dir, 'home'),
  ANSIBLE_HOME: join(dir, 'home', '.ansible'),
  ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_DEPRECATION_WARNINGS: 'False',
  ...extra,
});

function ansibleInventory(cwd: string, extra: Record<string, string>): string {
  const r = spawnSync('ansible-inventory', ['--list'], { cwd, env: env(extra), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`ansible-inventory --list failed (${r.status}): ${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

const write = (path: string, text: string): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

const ansibleFound = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0;

if (!ansibleFound && process.env.CI) {
  describe('ansible.cfg compared with ansible-core', () => {
    it('needs ansible-inventory (apt-get install ansible-core); in CI this comparison must run', () => {
      throw new Error('ansible-inventory was not found on PATH, and CI is set: install ansible-core (the Debian package) so tpx is compared with Ansible');
    });
  });
} else {
  describe.skipIf(!ansibleFound)('ansible.cfg compared with ansible-core (ansible-inventory)', () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tpx-ansible-cfg-'));
      mkdirSync(join(dir, 'elsewhere'));
      mkdirSync(join(dir, 'home', '.ansible'), { recursive: true });
      write(
        join(dir, 'estate', 'ansible.cfg'),
        '# an estate\n[defaults]\ninventory = hosts.ini ; the fleet\nforks = 20\nstdout_callback = yaml\n\n[ssh_connection]\npipelining = True\n',
      );
      write(
        join(dir, 'estate', 'hosts.ini'),
        '[web]\nweb1 ansible_host=10.0.0.1\nweb2:2222\n\n[db]\ndb1\n\n[prod:children]\nweb\ndb\n\n[prod:vars]\ntier=prod\n',
      );
      write(join(dir, 'estate', 'group_vars', 'web.yml'), 'http_port: 8080\n');
      write(join(dir, 'shared', 'extra.yaml'), 'all:\n  hosts:\n    mon1: { role: monitor }\n');
      write(join(dir, 'two', 'ansible.cfg'), '[defaults]\ninventory = ../estate/hosts.ini,../shared/extra.yaml\n');
      ensureBuilt();
    }, 240_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      ['ANSIBLE_CONFIG naming the file', () => ({ ANSIBLE_CONFIG: join(dir, 'estate', 'ansible.cfg') })],
      ['ANSIBLE_CONFIG naming its directory', () => ({ ANSIBLE_CONFIG: join(dir, 'estate') })],
      ['two inventories, relative to the config file', () => ({ ANSIBLE_CONFIG: join(dir, 'two', 'ansible.cfg') })],
      [
        'ANSIBLE_INVENTORY over the file, relative to the current directory',
        () => ({ ANSIBLE_CONFIG: join(dir, 'two'), ANSIBLE_INVENTORY: '../shared/extra.yaml' }),
      ],
    ])('tpx inventory --list with no -i equals ansible-inventory --list: %s', (_what, extra) => {
      const cwd = join(dir, 'elsewhere');
      const ours = runTpx(['inventory', '--list'], { cwd, env: env(extra()) });
      expect(ours.stderr).toBe('');
      expect(ours.code).toBe(0);
      const theirs = ansibleInventory(cwd, extra());
      expect(Object.keys(JSON.parse(theirs) as object).length).toBeGreaterThan(2);
      expect(ours.stdout.trimEnd()).toBe(theirs.trimEnd());
    });

    it('reads ./ansible.cfg from the current directory when ANSIBLE_CONFIG is not set', () => {
      const cwd = join(dir, 'estate');
      const ours = runTpx(['inventory', '--list'], { cwd, env: env({}) });
      expect(ours.code).toBe(0);
      expect(ours.stdout.trimEnd()).toBe(ansibleInventory(cwd, {}).trimEnd());
    });

    it('both refuse ./ansible.cfg in a world-writable current directory, with a warning', () => {
      const cwd = join(dir, 'world-writable');
      write(join(cwd, 'ansible.cfg'), '[defaults]\ninventory = hosts.ini\n');
      write(join(cwd, 'hosts.ini'), '[g]\nplanted\n');
      chmodSync(cwd, 0o777);
      const theirs = spawnSync('ansible-inventory', ['--list'], { cwd, env: env({}), encoding: 'utf8', timeout: 120_000 });
      expect(theirs.stdout).not.toContain('planted');
      // Ansible wraps its warnings anywhere, even inside the path.
      expect(theirs.stderr.replace(/\s+/g, '')).toContain(`worldwritabledirectory(${cwd}),ignoringitasanansible.cfgsource`);
      const ours = runTpx(['inventory', '--list'], { cwd, env: env({}) });
      expect(ours.stdout).not.toContain('planted');
      expect(ours.stderr).toContain(`the current directory ${cwd} is world-writable: its ansible.cfg is not read`);
    });
  });
}

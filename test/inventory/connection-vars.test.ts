import { describe, expect, it } from 'vitest';
import { ConnectionVarError, readConnectionVars } from '../../src/inventory/connection-vars.js';
import { inventoryFromYaml } from './inventory-from-yaml.js';

describe('readConnectionVars', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['nothing set', { kuma_version: '2.10.1' }, {}],
    [
      'tpx names',
      {
        host: '10.0.0.1',
        port: 2222,
        user: 'ops',
        identity_file: '~/.ssh/k',
        password: 'pw',
        become: true,
        become_user: 'kuma',
        become_password: 'bp',
        proxy_jump: 'ops@b:22',
        known_hosts_file: '/k',
        host_key_checking: 'accept-new',
        connect_timeout: 5,
      },
      {
        host: '10.0.0.1',
        port: 2222,
        user: 'ops',
        identityFile: '~/.ssh/k',
        password: 'pw',
        become: true,
        becomeUser: 'kuma',
        becomePassword: 'bp',
        proxyJump: ['ops@b:22'],
        knownHostsFile: '/k',
        hostKeyChecking: 'accept-new',
        connectTimeout: 5,
      },
    ],
    [
      'Ansible names',
      {
        ansible_host: 'a',
        ansible_port: 22,
        ansible_user: 'u',
        ansible_ssh_private_key_file: 'k',
        ansible_password: 'p',
        ansible_become: 'yes',
        ansible_become_user: 'r',
        ansible_become_password: 'b',
        ansible_timeout: 30,
      },
      { host: 'a', port: 22, user: 'u', identityFile: 'k', password: 'p', become: true, becomeUser: 'r', becomePassword: 'b', connectTimeout: 30 },
    ],
    [
      'old Ansible aliases',
      { ansible_ssh_host: 'a', ansible_ssh_port: 23, ansible_ssh_user: 'u', ansible_ssh_pass: 'p', ansible_become_pass: 'b', ansible_host_key_checking: false },
      { host: 'a', port: 23, user: 'u', password: 'p', becomePassword: 'b', hostKeyChecking: 'off' },
    ],
    [
      'the tpx name wins over the Ansible name',
      { host: 'tpx', ansible_host: 'ansible', user: 'tpx', ansible_user: 'ansible', port: 1, ansible_port: 2, become: false, ansible_become: true },
      { host: 'tpx', user: 'tpx', port: 1, become: false },
    ],
    ['the Ansible name wins over its old alias', { ansible_host: 'new', ansible_ssh_host: 'old' }, { host: 'new' }],
    ['a null value counts as unset', { host: null, ansible_host: 'a' }, { host: 'a' }],
    ['proxy_jump chain split on commas', { proxy_jump: 'a@b:22, c@d:2200 ,' }, { proxyJump: ['a@b:22', 'c@d:2200'] }],
    ['proxy_jump as a list', { proxy_jump: ['a@b', 'c@d'] }, { proxyJump: ['a@b', 'c@d'] }],
    ['an empty proxy_jump is none', { proxy_jump: '' }, {}],
    ['a port written as text', { port: '2222' }, { port: 2222 }],
    ['a timeout written as text', { connect_timeout: '2.5' }, { connectTimeout: 2.5 }],
    ['a number as password', { password: 1234 }, { password: '1234' }],
    ['host_key_checking: off read by YAML as false', { host_key_checking: false }, { hostKeyChecking: 'off' }],
    ['host_key_checking: true means strict', { host_key_checking: true }, { hostKeyChecking: 'strict' }],
    ['host_key_checking in capitals', { host_key_checking: 'Accept-New' }, { hostKeyChecking: 'accept-new' }],
  ])('%s', (_name, vars, expected) => {
    expect(readConnectionVars(vars)).toEqual(expected);
  });

  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ['yes', true],
    ['no', false],
    ['True', true],
    ['FALSE', false],
    ['on', true],
    ['off', false],
    ['y', true],
    ['n', false],
    [1, true],
    [0, false],
    [' yes ', true],
  ])('become: %j → %s', (value, expected) => {
    expect(readConnectionVars({ become: value }).become).toBe(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ port: 0 }, /^port: must be a port number from 1 to 65535, got 0$/],
    [{ ansible_port: 65536 }, /^ansible_port: must be a port number from 1 to 65535, got 65536$/],
    [{ port: 'ssh' }, /^port: must be a port number .*got "ssh"$/],
    [{ port: 22.5 }, /^port: must be a port number/],
    [{ become: 'maybe' }, /^become: must be true or false \(yes\/no\), got "maybe"$/],
    [{ ansible_become: 2 }, /^ansible_become: must be true or false/],
    [{ host_key_checking: 'loose' }, /^host_key_checking: must be strict, accept-new or off, got "loose"$/],
    [{ connect_timeout: 0 }, /^connect_timeout: must be a number of seconds greater than 0, got 0$/],
    [{ ansible_timeout: -1 }, /^ansible_timeout: must be a number of seconds/],
    [{ connect_timeout: 'soon' }, /^connect_timeout: must be a number of seconds/],
    [{ host: ['a'] }, /^host: must be a string, got a list$/],
    [{ user: { name: 'x' } }, /^user: must be a string, got a mapping$/],
    [{ proxy_jump: 22 }, /^proxy_jump: must be "user@host:port"/],
    [{ proxy_jump: ['a', 1] }, /^proxy_jump: must be "user@host:port"/],
  ])('refuses %j', (vars, message) => {
    expect(() => readConnectionVars(vars)).toThrow(ConnectionVarError);
    expect(() => readConnectionVars(vars)).toThrow(message);
  });

  it('reads the merged vars of a loaded host (group Ansible name, host tpx name)', () => {
    const inventory = inventoryFromYaml('all:\n  vars: {ansible_user: admin, become: yes}\n  hosts:\n    mesh-01: {host: 10.0.0.1, port: 2222}\n');
    expect(readConnectionVars(inventory.hosts.get('mesh-01')!.vars)).toEqual({ host: '10.0.0.1', port: 2222, user: 'admin', become: true });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(readConnectionVars({ host: 'a' }))).toBe(true);
  });
});

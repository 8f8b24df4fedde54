import { describe, expect, it } from 'vitest';
import { MODULE_PARAMS } from '../../src/modules/params/all-params.js';
import { canonicalModuleName, getModule, moduleNames } from '../../src/modules/registry.js';

const NAMES = [
  'apt',
  'assert',
  'blockinfile',
  'command',
  'copy',
  'cron',
  'debug',
  'dnf',
  'fail',
  'fetch',
  'file',
  'find',
  'get_url',
  'group',
  'hostname',
  'include_vars',
  'lineinfile',
  'meta',
  'package',
  'pause',
  'ping',
  'raw',
  'reboot',
  'replace',
  'script',
  'service',
  'set_fact',
  'setup',
  'shell',
  'slurp',
  'stat',
  'sysctl',
  'systemd',
  'systemd_service',
  'template',
  'unarchive',
  'uri',
  'user',
  'wait_for',
  'wait_for_connection',
  'yum',
];

describe('module registry', () => {
  it('lists every module once, sorted', () => {
    expect(moduleNames()).toEqual(NAMES);
  });

  it.each(NAMES)('finds %s by its short and its ansible.builtin / ansible.legacy names', (name) => {
    const m = getModule(name);
    expect(m?.name).toBe(name);
    expect(getModule(`ansible.builtin.${name}`)).toBe(m);
    expect(getModule(`ansible.legacy.${name}`)).toBe(m);
  });

  it.each(['apt_key', 'ansible.builtin.apt_repository', 'community.general.copy', 'Copy', ''])('knows nothing of %j', (name) => {
    expect(getModule(name)).toBeUndefined();
  });

  it('strips only the known prefixes', () => {
    expect(canonicalModuleName('ansible.builtin.copy')).toBe('copy');
    expect(canonicalModuleName('foo.bar.copy')).toBe('foo.bar.copy');
  });

  it.each(NAMES)('%s has its own parameters, a one-line description, a YAML example using it, and a normaliser', (name) => {
    const m = getModule(name)!;
    expect(m.params.name).toBe(name);
    expect(m.params.description.length).toBeGreaterThan(10);
    expect(m.params.description).not.toContain('\n');
    expect(m.params.example).toMatch(new RegExp(`^\\s*-?\\s*${name}:`, 'm'));
    expect(typeof m.normalise).toBe('function');
  });

  it('has the same modules as the parameter schemas the playbook schema is made of', () => {
    expect(MODULE_PARAMS.map((p) => p.name).sort()).toEqual(NAMES);
    for (const p of MODULE_PARAMS) expect(getModule(p.name)!.params).toBe(p);
  });

  it('marks exactly the controller-only modules as local', () => {
    expect(NAMES.filter((n) => getModule(n)!.local)).toEqual(['assert', 'debug', 'fail', 'include_vars', 'meta', 'pause', 'set_fact']);
  });
});

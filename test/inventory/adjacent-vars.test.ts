import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-adjacent-'));
  writeFileSync(join(dir, 'hosts'), '[web]\nw1\n');
  mkdirSync(join(dir, 'group_vars'));
  mkdirSync(join(dir, 'host_vars'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string): void => writeFileSync(join(dir, path), text);

function problemsOf(): string[] {
  try {
    loadInventory([join(dir, 'hosts')]);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}:${p.col}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('group_vars and host_vars beside the inventory', () => {
  it('use the first of NAME, NAME.yml, NAME.yaml, NAME.json, as Ansible does', () => {
    write('group_vars/web.yaml', 'v: yaml\n');
    write('group_vars/web.json', '{"v": "json"}');
    expect(loadInventory([join(dir, 'hosts')]).hosts.get('w1')!.vars).toEqual({ v: 'yaml' });
    write('group_vars/web.yml', 'v: yml\n');
    expect(loadInventory([join(dir, 'hosts')]).hosts.get('w1')!.vars).toEqual({ v: 'yml' });
  });

  it('lets host vars files beat group vars files, and the playbook dir beat the inventory dir', () => {
    write('group_vars/all.yml', 'a: all\nb: all\nc: all\n');
    write('host_vars/w1', 'b: host\n');
    const play = join(dir, 'play');
    mkdirSync(join(play, 'group_vars'), { recursive: true });
    writeFileSync(join(play, 'group_vars', 'all.yml'), 'c: play\n');
    expect(loadInventory([join(dir, 'hosts')], { playbookDir: play }).hosts.get('w1')!.vars).toEqual({ a: 'all', b: 'host', c: 'play' });
  });

  it('report a broken file with its position, even for a group without hosts', () => {
    write('group_vars/empty_group.yml', 'a: [1\n');
    write('hosts', '[web]\nw1\n[empty_group]\n');
    expect(problemsOf()[0]).toMatch(/^group_vars\/empty_group\.yml:\d+:\d+: /);
  });

  it.each([
    ['a list', '- a\n- b\n', 'group_vars/web.yml:1:1: a vars file holds a mapping of variable names to values (key: value lines)'],
    [
      'a truncated vault file',
      '$ANSIBLE_VAULT;1.1;AES256\n6162\n',
      'group_vars/web.yml:1:1: this vars file is not vault data tpx can read: malformed vault data: the body does not hold salt, HMAC and ciphertext (is it truncated?)',
    ],
    [
      'a bad connection setting',
      'x: 1\nansible_port: high\n',
      'group_vars/web.yml:2:1: ansible_port: must be a port number from 1 to 65535, got "high" (a connection setting)',
    ],
  ])('refuse %s', (_what, text, expected) => {
    write('group_vars/web.yml', text);
    expect(problemsOf()).toEqual([expected]);
  });

  it('read a group_vars directory that links back to itself once', () => {
    mkdirSync(join(dir, 'group_vars', 'web'));
    write('group_vars/web/a.yml', 'v: 1\n');
    symlinkSync(join(dir, 'group_vars', 'web'), join(dir, 'group_vars', 'web', 'again'));
    expect(loadInventory([join(dir, 'hosts')]).hosts.get('w1')!.vars).toEqual({ v: 1 });
  });

  it('take an empty file or one with only comments as no variables', () => {
    write('group_vars/web.yml', '# nothing yet\n');
    write('host_vars/w1.yml', '');
    expect(loadInventory([join(dir, 'hosts')]).hosts.get('w1')!.vars).toEqual({});
  });
});

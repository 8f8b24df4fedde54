import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(r.stderr).toBe('tpx: no inventory: give one with -i FILE, or create ./inventory.yaml\n');
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
    for (const flag of ['--inventory', '--limit', '--list', '--graph', '--vars']) expect(r.stdout).toContain(flag);
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type GroupParams, groupaddArgv, groupFactCommand, groupModule, normaliseGroup, planGroup } from '../../src/modules/group.js';
import { execResult, HOSTILE_NAMES } from './fixtures.js';
import { makeContext } from './local-executor.js';

/** The command parses as POSIX sh (dash -n) and passes shellcheck where it is installed (CI installs it). */
function expectValidSh(script: string): void {
  expect(spawnSync('dash', ['-n'], { input: script }).status).toBe(0);
  const sc = spawnSync('shellcheck', ['-s', 'dash', '-S', 'warning', '-'], { input: script, encoding: 'utf8' });
  if (sc.error === undefined) expect(sc.stdout).toBe('');
}

const base: GroupParams = { name: 'tpxg', state: 'present', system: false, nonUnique: false };

describe('group: parameters', () => {
  it("reads Ansible's names, types and defaults", () => {
    expect(normaliseGroup({ name: 'tpxg' })).toEqual({ ...base, gid: undefined });
    expect(normaliseGroup({ name: 'tpxg', gid: '1500', system: 'yes', non_unique: true, state: 'absent', local: false })).toEqual({
      name: 'tpxg',
      gid: 1500,
      state: 'absent',
      system: true,
      nonUnique: true,
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'name' is required/],
    [{ name: 'tpxg', non_unique: true }, /non_unique is True but all of the following are missing: gid/],
    [{ name: 'tpxg', gid: -1 }, /'gid' must be a non-negative integer/],
    [{ name: 'tpxg', gid: 4294967295 }, /'gid' must be below 4294967295/],
    [{ name: 'tpxg', state: 'gone' }, /'state' must be one of present, absent/],
    [{ name: 'tpxg', local: true }, /'local: true' .* is not supported/],
    [{ name: 'tpxg', members: ['a'] }, /unsupported parameter 'members'/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseGroup(args)).toThrow(message);
  });

  it.each([...HOSTILE_NAMES, '1234', '.x', 'a:b', 'x'.repeat(33)])('refuses the name %j', (name) => {
    expect(() => normaliseGroup({ name })).toThrow(/'name' must be a user or group name/);
  });
});

describe('group: the host command', () => {
  it.each<[GroupParams, string[]]>([
    [base, ['groupadd', 'tpxg']],
    [{ ...base, gid: 1500, nonUnique: true, system: true }, ['groupadd', '-g', '1500', '-o', '-r', 'tpxg']],
  ])('groupadd for %j', (p, argv) => {
    expect(groupaddArgv(p)).toEqual(argv);
  });

  it('adds a missing group only outside check mode, and only when it is wanted', () => {
    expect(groupFactCommand(base, false)).toContain('groupadd tpxg; rc=$?');
    expect(groupFactCommand(base, true)).not.toContain('groupadd');
    expect(groupFactCommand({ ...base, state: 'absent' }, false)).not.toContain('groupadd');
    expect(groupFactCommand({ ...base, state: 'absent' }, false)).toContain('groupdel tpxg >/dev/null; echo "gone $?"');
    expect(groupFactCommand({ ...base, state: 'absent' }, true)).not.toContain('groupdel');
    for (const check of [true, false]) {
      expectValidSh(groupFactCommand({ ...base, gid: 7 }, check));
      expectValidSh(groupFactCommand({ ...base, state: 'absent' }, check));
    }
  });

  it('reads the group on this machine without changing anything (check mode)', () => {
    const r = spawnSync('sh', ['-c', groupFactCommand({ ...base, name: 'root' }, true)], { encoding: 'utf8' });
    expect(r.stdout).toBe('had root:x:0:\n');
  });

  it('runs as root when become is set', () => {
    expect(groupModule.facts?.(base, makeContext({ become: true }))[0]).toMatchObject({ key: 'group', become: true });
  });
});

describe('group: the answer', () => {
  const had = (line: string) => ({ group: execResult(`had ${line}\n`) });
  const none = (more = '', stderr = '') => ({ group: execResult(`none\n${more}`, 0, stderr) });
  it.each<[string, GroupParams, Parameters<typeof planGroup>[1], boolean, Record<string, unknown>]>([
    [
      'present, same gid',
      { ...base, gid: 1500 },
      had('tpxg:x:1500:'),
      false,
      { changed: false, actions: [], returns: { name: 'tpxg', state: 'present', system: false, gid: 1500 } },
    ],
    ['present, no gid asked', base, had('tpxg:x:1500:a,b'), false, { changed: false, returns: { gid: 1500 } }],
    [
      'present, other gid',
      { ...base, gid: 1600, nonUnique: true },
      had('tpxg:x:1500:'),
      false,
      { changed: true, actions: [{ kind: 'exec', command: 'groupmod -g 1600 -o tpxg' }], returns: { gid: 1600 } },
    ],
    ['present, other gid, check', { ...base, gid: 1600 }, had('tpxg:x:1500:'), true, { changed: true, actions: [], returns: { gid: 1500 } }],
    [
      'added',
      { ...base, system: true },
      none('made 0\nnow tpxg:x:999:\n'),
      false,
      { changed: true, actions: [], returns: { name: 'tpxg', state: 'present', system: true, gid: 999 } },
    ],
    ['missing, check', base, none(), true, { changed: true, actions: [] }],
    [
      'groupadd failed',
      base,
      none('made 4\n', "groupadd: GID '0' already exists\n"),
      false,
      { failed: true, msg: "groupadd: GID '0' already exists\n", returns: { name: 'tpxg' } },
    ],
    ['absent, missing', { ...base, state: 'absent' }, none(), false, { changed: false, returns: { name: 'tpxg', state: 'absent' } }],
    [
      'absent, removed',
      { ...base, state: 'absent' },
      { group: execResult('had tpxg:x:1500:\ngone 0\n') },
      false,
      { changed: true, actions: [], returns: { name: 'tpxg', state: 'absent' } },
    ],
    [
      'absent, groupdel failed',
      { ...base, state: 'absent' },
      { group: execResult('had tpxg:x:1500:\ngone 8\n', 0, "groupdel: cannot remove the primary group of user 'u'\n") },
      false,
      { failed: true, msg: "groupdel: cannot remove the primary group of user 'u'\n", returns: { name: 'tpxg' } },
    ],
    ['absent, there, check', { ...base, state: 'absent' }, had('tpxg:x:1500:'), true, { changed: true, actions: [] }],
  ])('%s', (_, p, facts, check, expected) => {
    expect(planGroup(p, facts, { check })).toMatchObject(expected);
  });

  it('says so when the host gave no answer', () => {
    expect(() => planGroup(base, { group: execResult('', 127, 'sh: getent: not found\n') }, { check: false })).toThrow(
      'could not read group tpxg on the host: sh: getent: not found',
    );
  });
});
